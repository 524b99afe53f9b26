import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: every candidate gets a score for the key
 * and the highest wins, so each object has one home parent and removing a parent moves
 * only that parent's objects. Returns the candidates best first (the failover order).
 */
export function rendezvousOrder(key: string, candidates: readonly string[]): string[] {
  return candidates
    .map((candidate) => ({ candidate, score: createHash('sha256').update(candidate).update('\0').update(key).digest().readUInt32BE(0) }))
    .sort((a, b) => b.score - a.score || (a.candidate < b.candidate ? -1 : 1))
    .map((entry) => entry.candidate);
}
