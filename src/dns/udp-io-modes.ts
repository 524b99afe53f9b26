/** The ways UDP can reach the responder (see udp-transport.ts); dependency-free so the CLI can list them cheaply. */
export const UDP_IO_MODES = ['auto', 'batched', 'dgram'] as const;
export type UdpIoMode = (typeof UDP_IO_MODES)[number];
