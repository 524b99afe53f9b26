import { StatusError, StatusErrorCode } from './errors.js';

/**
 * A fixed-size ring of the most recent items: the routing engine pushes every decision
 * (O(1), no allocation once full) and the status page reads the newest few. Old items
 * are overwritten, so memory stays bounded however busy the server is.
 */
export class RecentBuffer<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  /** Index the next push writes to. */
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1_000_000) {
      throw new StatusError(StatusErrorCode.OptionsInvalid, `RecentBuffer capacity must be an integer 1-1000000, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** Up to `limit` items, newest first. */
  newest(limit = this.capacity): T[] {
    const count = Math.max(0, Math.min(Math.floor(limit), this.#size));
    const out: T[] = [];
    for (let i = 1; i <= count; i++) {
      out.push(this.#items[(this.#next - i + this.capacity) % this.capacity] as T);
    }
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
