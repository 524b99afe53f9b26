/**
 * A counting semaphore that never queues: `tryAcquire()` either hands out a release
 * function or returns undefined at once, so a saturated node answers 503 quickly
 * instead of piling up waiting requests.
 */
export class ConcurrencyLimiter {
  private active = 0;

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('max must be >= 1');
  }

  get inFlight(): number {
    return this.active;
  }

  /** True when no further acquisition would succeed. */
  get saturated(): boolean {
    return this.active >= this.max;
  }

  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}
