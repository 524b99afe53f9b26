/** A seeded uniform source in [0, 1): mulberry32. Small state, good enough spread for workloads, and reproducible. */
export type Random = () => number;

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the first cumulative weight above `u × total` (binary search). */
export function pickCumulative(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Rank k (0-based) is drawn with probability ∝ 1 / (k + 1)^exponent. */
export function zipfCumulative(objects: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(objects);
  let sum = 0;
  for (let k = 0; k < objects; k++) {
    sum += 1 / Math.pow(k + 1, exponent);
    cumulative[k] = sum;
  }
  return cumulative;
}

/** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
