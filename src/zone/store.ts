import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '../telemetry/index.js';
import { createMetricsRegistry, createSilentLogger, type Registry } from '../telemetry/index.js';
import { listZoneFiles, readZoneFile, ZONE_FILE_EXTENSION } from './load.js';
import { createZoneMetrics, type ZoneMetrics } from './metrics.js';
import type { Zone, ZoneProblem } from './types.js';
import { watchDirectory, type DirectoryWatcher } from './watch.js';

export interface ZoneStoreOptions {
  logger?: Logger;
  /** Where the zone metrics go; without one they are kept on a private registry. */
  registry?: Registry;
}

/** A zone appeared, changed or disappeared (`zone` undefined). */
export interface ZoneUpdate {
  origin: string;
  zone: Zone | undefined;
  previous: Zone | undefined;
}

export interface ReloadOutcome {
  file: string;
  /** loaded: now serving the new version; rejected: errors, the previous version (if any) keeps serving; removed: the file is gone. */
  status: 'loaded' | 'rejected' | 'removed';
  origin: string | undefined;
  problems: ZoneProblem[];
}

export interface ReloadSummary {
  outcomes: ReloadOutcome[];
  problems: ZoneProblem[];
  /** Whether any file was rejected. */
  failed: boolean;
}

/**
 * The zones being served, by origin. Each zone is replaced as a whole (one Map set), so a
 * query sees the old or the new version, never a mix; a file with errors never replaces
 * a good version.
 */
export class ZoneStore {
  readonly #zones = new Map<string, Zone>();
  /** Resolved file path → the origin it serves. */
  readonly #files = new Map<string, string>();
  /** Resolved path of each zone file read → that file as named and the $INCLUDE files it read last time. */
  readonly #includes = new Map<string, { file: string; includes: string[] }>();
  readonly #listeners = new Set<(update: ZoneUpdate) => void>();
  readonly #logger: Logger;
  readonly #metrics: ZoneMetrics;
  #directory: string | undefined;
  #watcher: DirectoryWatcher | undefined;
  #generation = 0;

  constructor(options: ZoneStoreOptions = {}) {
    this.#logger = (options.logger ?? createSilentLogger()).child({ module: 'zone' });
    this.#metrics = createZoneMetrics(options.registry ?? createMetricsRegistry());
  }

  /** Increases on every change: a cheap way for a reader to notice that something moved. */
  get generation(): number {
    return this.#generation;
  }

  get directory(): string | undefined {
    return this.#directory;
  }

  /**
   * The zone with the longest origin that `qname` (canonical) is in, or undefined (REFUSED).
   * Walks the name's suffixes against a Map: one lookup per label, no allocation but the slices.
   */
  findZone(qname: string): Zone | undefined {
    let name = qname;
    for (;;) {
      const zone = this.#zones.get(name);
      if (zone !== undefined) return zone;
      if (name === '') return undefined;
      const dot = name.indexOf('.');
      name = dot === -1 ? '' : name.slice(dot + 1);
    }
  }

  getZone(origin: string): Zone | undefined {
    return this.#zones.get(origin);
  }

  zones(): Zone[] {
    return [...this.#zones.values()];
  }

  /** Register a listener for zone changes; returns the function that removes it. */
  onUpdate(listener: (update: ZoneUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Serve a zone built elsewhere (tests, embedded defaults). */
  setZone(zone: Zone): void {
    this.#install(zone.origin, zone);
  }

  /** Load every *.zone file of a folder and remember the folder for reloadAll() and watch(). */
  async loadDirectory(dir: string): Promise<ReloadSummary> {
    this.#directory = dir;
    return this.reloadAll();
  }

  /**
   * Re-read every zone file of the folder (SIGHUP): new files are added, changed ones
   * replaced when valid, vanished ones dropped.
   */
  async reloadAll(): Promise<ReloadSummary> {
    const dir = this.#directory;
    if (dir === undefined) return { outcomes: [], problems: [], failed: false };
    const files = await listZoneFiles(dir);
    const present = new Set(files.map((f) => resolve(f)));
    const outcomes = files.map((file) => this.reloadFile(file));
    for (const key of [...this.#files.keys()]) {
      if (!present.has(key)) outcomes.push(this.#removeFile(key));
    }
    const problems = outcomes.flatMap((o) => o.problems);
    return { outcomes, problems, failed: outcomes.some((o) => o.status === 'rejected') };
  }

  /** Re-read one zone file; a deleted file drops its zone. */
  reloadFile(file: string): ReloadOutcome {
    const key = resolve(file);
    if (!existsSync(key)) return this.#removeFile(key);
    const result = readZoneFile(file);
    this.#includes.set(key, { file, includes: result.includes.map((p) => resolve(p)) });
    const { origin } = result;
    const owner = this.#zones.get(origin);
    if (owner && resolve(owner.file) !== key) {
      result.problems.push({ file, line: 1, message: `zone ${origin}. is already served from ${owner.file}`, severity: 'error' });
      result.zone = undefined;
    }
    for (const p of result.problems.filter((p) => p.severity === 'warning')) {
      this.#logger.warn({ zone: origin, file: p.file, line: p.line }, `${p.file}:${p.line}: ${p.message}`);
    }
    if (!result.zone) {
      this.#metrics.reloadErrors.inc({ zone: origin });
      for (const p of result.problems.filter((p) => p.severity === 'error')) {
        this.#logger.error({ zone: origin, file: p.file, line: p.line }, `${p.file}:${p.line}: ${p.message}`);
      }
      const serving = this.#zones.get(this.#files.get(key) ?? origin);
      this.#logger.error(
        { zone: origin, file },
        serving ? `zone ${origin} not reloaded: still serving serial ${serving.serial} from the previous version` : `zone ${origin} not loaded`,
      );
      return { file, status: 'rejected', origin, problems: result.problems };
    }
    const previousOrigin = this.#files.get(key);
    if (previousOrigin !== undefined && previousOrigin !== origin) this.#install(previousOrigin, undefined);
    this.#files.set(key, origin);
    this.#install(origin, result.zone);
    this.#metrics.reloads.inc({ zone: origin });
    this.#logger.info({ zone: origin, file, serial: result.zone.serial }, `zone ${origin} loaded, serial ${result.zone.serial}`);
    return { file, status: 'loaded', origin, problems: result.problems };
  }

  /**
   * Reload on every change to a *.zone file of the loaded folder, or to a file in that
   * folder that a zone reads through $INCLUDE, until close().
   */
  watch(options: { debounceMs?: number } = {}): void {
    const dir = this.#directory;
    if (dir === undefined || this.#watcher) return;
    this.#watcher = watchDirectory(dir, {
      // Every name: included files may have any extension; the handler sorts them out.
      extensions: [''],
      debounceMs: options.debounceMs ?? 100,
      onChange: (file) => {
        if (file.endsWith(ZONE_FILE_EXTENSION)) {
          this.reloadFile(file);
          return;
        }
        const changed = resolve(file);
        for (const { file: zoneFile, includes } of [...this.#includes.values()]) {
          if (includes.includes(changed)) this.reloadFile(zoneFile);
        }
      },
      onError: (err) => this.#logger.error({ err }, 'zone folder watch failed'),
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #removeFile(key: string): ReloadOutcome {
    const origin = this.#files.get(key);
    this.#files.delete(key);
    this.#includes.delete(key);
    if (origin !== undefined) {
      this.#install(origin, undefined);
      this.#logger.info({ zone: origin, file: key }, `zone ${origin} removed: its file is gone`);
    }
    return { file: key, status: 'removed', origin, problems: [] };
  }

  #install(origin: string, zone: Zone | undefined): void {
    const previous = this.#zones.get(origin);
    if (zone) {
      this.#zones.set(origin, zone);
      this.#metrics.serial.set({ zone: origin }, zone.serial);
    } else {
      this.#zones.delete(origin);
      this.#metrics.serial.remove({ zone: origin });
    }
    this.#generation++;
    for (const listener of this.#listeners) {
      try {
        listener({ origin, zone, previous });
      } catch (err) {
        this.#logger.error({ err, zone: origin }, 'zone update listener failed');
      }
    }
  }
}
