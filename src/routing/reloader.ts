/**
 * Keeps a RoutingEngine in step with a folder of routing files: loads them, watches the
 * folder (the zone room's watchDirectory) and reloads a changed file. A file with errors
 * never replaces the version being served: the errors are logged with file:line and
 * counted, and the previous version keeps answering.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMetricsRegistry, createSilentLogger, type Logger, type Registry } from '../telemetry/index.js';
import { watchDirectory, type DirectoryWatcher, type ZoneProblem } from '../zone/index.js';
import type { RoutingEngine } from './engine.js';
import { listRoutingFiles, readRoutingFile, ROUTING_FILE_EXTENSIONS } from './load.js';
import { createRoutingMetrics, type RoutingMetrics } from './metrics.js';
import { formatProblem } from './source-map.js';

export interface RoutingReloaderOptions {
  logger?: Logger;
  registry?: Registry;
  /** Quiet time before a change is applied (merges an editor's bursts of events). */
  debounceMs?: number;
}

export interface RoutingReloadOutcome {
  file: string;
  status: 'loaded' | 'rejected' | 'removed';
  problems: ZoneProblem[];
}

export class RoutingReloader {
  readonly #engine: RoutingEngine;
  readonly #logger: Logger;
  readonly #metrics: RoutingMetrics;
  readonly #debounceMs: number | undefined;
  #watcher: DirectoryWatcher | undefined;
  #dir: string | undefined;

  constructor(engine: RoutingEngine, options: RoutingReloaderOptions = {}) {
    this.#engine = engine;
    this.#logger = (options.logger ?? createSilentLogger()).child({ module: 'routing' });
    this.#metrics = createRoutingMetrics(options.registry ?? createMetricsRegistry());
    this.#debounceMs = options.debounceMs;
    engine.onChange(() => this.#updateGauges());
    this.#updateGauges();
  }

  /** Load every routing file of the folder (bad ones are reported and skipped). */
  async loadDirectory(dir: string): Promise<RoutingReloadOutcome[]> {
    this.#dir = dir;
    return this.reloadAll();
  }

  /** Re-read the whole folder (SIGHUP): new files added, changed ones replaced when valid, vanished ones dropped. */
  async reloadAll(): Promise<RoutingReloadOutcome[]> {
    const dir = this.#dir;
    if (dir === undefined) return [];
    const files = (await listRoutingFiles(dir)).map((f) => resolve(f));
    const outcomes = files.map((file) => this.reloadFile(file));
    for (const zone of this.#engine.zones()) {
      if (!files.includes(zone.file)) outcomes.push(this.reloadFile(zone.file));
    }
    return outcomes;
  }

  reloadFile(path: string): RoutingReloadOutcome {
    const file = resolve(path);
    if (!existsSync(file)) {
      this.#engine.removeZone(file);
      this.#metrics.reloads.inc({ result: 'removed' });
      this.#logger.info({ file }, `routing file ${file} removed: its names are no longer routed`);
      return { file, status: 'removed', problems: [] };
    }
    const result = readRoutingFile(file);
    for (const p of result.problems.filter((p) => p.severity === 'warning')) this.#logger.warn({ file: p.file, line: p.line }, formatProblem(p));
    if (!result.zone) {
      this.#metrics.reloads.inc({ result: 'rejected' });
      for (const p of result.problems.filter((p) => p.severity === 'error')) this.#logger.error({ file: p.file, line: p.line }, formatProblem(p));
      const serving = this.#engine.zones().some((z) => z.file === file);
      this.#logger.error({ file }, serving ? `routing file ${file} not reloaded: the previous version keeps serving` : `routing file ${file} not loaded`);
      return { file, status: 'rejected', problems: result.problems };
    }
    this.#engine.setZone(result.zone);
    this.#metrics.reloads.inc({ result: 'loaded' });
    this.#logger.info({ file, names: result.zone.names.size, probes: result.zone.probes.length }, `routing file ${file} loaded`);
    return { file, status: 'loaded', problems: result.problems };
  }

  /** Watch the loaded folder and reload files as they change. */
  watch(): void {
    if (this.#dir === undefined || this.#watcher) return;
    this.#watcher = watchDirectory(this.#dir, {
      extensions: ROUTING_FILE_EXTENSIONS,
      debounceMs: this.#debounceMs,
      onChange: (file) => {
        this.reloadFile(file);
      },
      onError: (err) => this.#logger.error({ err }, 'routing file watcher error'),
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #updateGauges(): void {
    let records = 0;
    for (const zone of this.#engine.zones()) for (const list of zone.names.values()) records += list.length;
    this.#metrics.records.set(records);
    this.#metrics.probes.set(this.#engine.probes().length);
  }
}
