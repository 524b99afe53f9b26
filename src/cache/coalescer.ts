/**
 * Request coalescing: the first caller for a key runs the work (the leader); callers
 * arriving while it runs get the same promise (followers). The entry is removed when
 * the work settles, so the next caller after that starts afresh.
 */
export class Coalescer<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): { leader: boolean; result: Promise<T> } {
    const existing = this.inFlight.get(key);
    if (existing) return { leader: false, result: existing };
    const result = work();
    this.inFlight.set(key, result);
    const clear = (): void => {
      if (this.inFlight.get(key) === result) this.inFlight.delete(key);
    };
    result.then(clear, clear);
    return { leader: true, result };
  }

  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  get size(): number {
    return this.inFlight.size;
  }
}

/** Resolve with the promise's value, or with `undefined` once `ms` have passed. */
export function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
