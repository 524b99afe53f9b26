import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../helpers/ports.js';

/**
 * A TCP relay between two real processes (a replica and its primary) that can be cut
 * silently, like a network partition: bytes stop flowing both ways, but no FIN or RST
 * reaches either side, so the primary still counts the replica as connected.
 */
export interface TcpLink {
  port: number;
  /** Drop every byte from now on, without closing anything. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpLink(targetPort: number): Promise<TcpLink> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    track(client);
    track(upstream);
    client.on('data', (chunk) => cut || upstream.write(chunk));
    upstream.on('data', (chunk) => cut || client.write(chunk));
    // After the cut a crash on one side must not be seen by the other: that is what a partition looks like.
    client.on('close', () => cut || upstream.destroy());
    upstream.on('close', () => cut || client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    cut: () => {
      cut = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
