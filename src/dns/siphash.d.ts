/** The part of the `siphash` package (jedisct1/siphash-js, SipHash-2-4) that cookies use; it ships no types. */
declare module 'siphash' {
  /** 64-bit SipHash-2-4 of `message` under a key of four little-endian 32-bit words: high and low halves. */
  export function hash(key: Uint32Array, message: Uint8Array): { h: number; l: number };
}
