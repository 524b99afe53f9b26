/**
 * Group commit for Redis `WAIT`. A WAIT covers every write its connection made before it,
 * and Redis runs a connection's commands in turn, so one WAIT per purge would queue: while
 * replicas are unreachable each takes the whole timeout and a purge would wait behind all
 * the ones before it. Here at most one WAIT is in flight; writes that finish meanwhile
 * share the next one. A purge therefore waits at most two timeouts.
 */
export class ReplicaWait {
  private current: Promise<number> | undefined;
  private next: Promise<number> | undefined;

  /** `send` issues one WAIT and resolves with the number of replicas that acknowledged. */
  constructor(private readonly send: () => Promise<number>) {}

  /** Replicas holding every write made on the connection before this call. */
  wait(): Promise<number> {
    if (!this.current) return this.start();
    // The WAIT in flight may have been sent before this caller's write: ride the next one.
    this.next ??= this.current.then(settle, settle).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<number> {
    const sent = this.send();
    this.current = sent;
    void sent.then(settle, settle).then(() => {
      if (this.current === sent) this.current = undefined;
    });
    return sent;
  }
}

function settle(): void {}
