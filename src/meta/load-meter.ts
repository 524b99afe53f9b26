import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { LoadReport } from './types.js';

/**
 * Counts what a node serves between two samples and turns it into a LoadReport.
 * The cache node calls record()/connection*(); the heartbeat calls sample() each second.
 */
export class LoadMeter {
  private requests = 0;
  private bytes = 0;
  private hits = 0;
  private connections = 0;
  private since = performance.now();
  private elu: EventLoopUtilization = performance.eventLoopUtilization();

  record(bytes: number, hit: boolean): void {
    this.requests++;
    this.bytes += bytes;
    if (hit) this.hits++;
  }

  connectionOpened(): void {
    this.connections++;
  }

  connectionClosed(): void {
    if (this.connections > 0) this.connections--;
  }

  /** Rates since the previous sample, then start a new interval. */
  sample(): LoadReport {
    const now = performance.now();
    const seconds = Math.max((now - this.since) / 1000, 0.001);
    const elu = performance.eventLoopUtilization(this.elu);
    const report: LoadReport = {
      requestsPerSecond: this.requests / seconds,
      bytesPerSecond: this.bytes / seconds,
      openConnections: this.connections,
      eventLoopUtilization: Math.min(1, Math.max(0, elu.utilization)),
      hitRatio: this.requests === 0 ? 0 : this.hits / this.requests,
    };
    this.requests = 0;
    this.bytes = 0;
    this.hits = 0;
    this.since = now;
    this.elu = performance.eventLoopUtilization();
    return report;
  }
}
