/** The q-quantile (0..1) of ascending samples by the nearest-rank method: the smallest sample with at least q of them at or below it. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
