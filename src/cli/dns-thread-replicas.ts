/**
 * Health and load inside an answering thread: copies of the main thread's, replaced whole by
 * each snapshot it posts, read by the routing engine like the originals.
 */
import { LoadBoard } from '../fleet/index.js';
import type { RoutingHealth, RoutingLoad } from '../routing/index.js';
import type { HealthSnapshot, LoadSnapshot } from './dns-thread-protocol.js';

export class ReplicaHealth implements RoutingHealth {
  private states: Map<string, { up: boolean; changing: boolean }>;

  constructor(snapshot: HealthSnapshot) {
    this.states = new Map(snapshot);
  }

  update(snapshot: HealthSnapshot): void {
    this.states = new Map(snapshot);
  }

  state(probeId: string): { up: boolean; changing: boolean } | undefined {
    return this.states.get(probeId);
  }
}

export class ReplicaLoad implements RoutingLoad {
  private board = new LoadBoard();

  constructor(snapshot: LoadSnapshot) {
    this.update(snapshot);
  }

  update(snapshot: LoadSnapshot): void {
    const board = new LoadBoard();
    for (const { targetId, load, at } of snapshot) board.set(targetId, load, at);
    this.board = board;
  }

  load(value: string): number | undefined {
    return this.board.load(value);
  }
}
