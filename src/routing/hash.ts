/**
 * Hashing for weighted rendezvous (highest random weight) selection.
 *
 * Each candidate scores `weight / -ln(u)` with u = hash(client subnet, value seed) in (0,1);
 * the highest scores win. The winner for a client depends only on that client's hash against
 * each value, so removing a value moves only the clients that value was winning, and the
 * share of clients a value wins is proportional to its weight (Efraimidis–Spirakis).
 */

/** FNV-1a 32-bit of a string: the per-value seed, computed once at compile time. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mixBlock(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 (x86, 32-bit) of the four key words under `seed`. No allocation. */
export function hashKey(seed: number, k0: number, k1: number, k2: number, k3: number): number {
  let h = seed | 0;
  h = mixBlock(h, k0);
  h = mixBlock(h, k1);
  h = mixBlock(h, k2);
  h = mixBlock(h, k3);
  h ^= 16;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The rendezvous score of a value with `weight` for a client whose hash against it is `hash`. */
export function rendezvousScore(hash: number, weight: number): number {
  // (hash + 0.5) / 2^32 lies strictly inside (0, 1), so the logarithm is finite and negative.
  const u = (hash + 0.5) / 4294967296;
  return weight / -Math.log(u);
}
