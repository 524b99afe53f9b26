import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../telemetry/index.js';
import { GeoError, GeoErrorCode } from './errors.js';
import { openGeoIpDatabase, type GeoIpDatabaseOptions } from './geoip-database.js';
import type { GeoIpRecord, GeoIpSource } from './types.js';

export type GeoLite2Edition = 'City' | 'Country';

/** Fetches `GeoLite2-<edition>.mmdb` into `dir` (replacing it atomically) or rejects. */
export type GeoLite2Downloader = (dir: string, dbName: `GeoLite2-${GeoLite2Edition}`) => Promise<void>;

export interface GeoLite2Options extends Omit<GeoIpDatabaseOptions, 'watch'> {
  /** Default 'City' (it has coordinates for `closest` selection). */
  edition?: GeoLite2Edition;
  /** Where the database is kept. Default $XDG_CACHE_HOME/meridian/geolite2 (~/.cache/meridian/geolite2). */
  dir?: string;
  /** Deadline of the first download when no copy exists yet. Default 20000 ms. */
  timeoutMs?: number;
  /** How often a fresh copy is fetched in the background. Default 24 h. */
  refreshIntervalMs?: number;
  /** Replace the geolite2-redist mirror download (another mirror, an internal file server). */
  download?: GeoLite2Downloader;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function defaultGeoLite2Dir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'meridian', 'geolite2');
}

/** geolite2-redist's own downloader: checks the mirror's checksum and downloads when it differs. */
const redistDownload: GeoLite2Downloader = async (dir, dbName) => {
  // Loaded lazily: only `--geoip geolite2` needs it and it pulls in got and tar.
  const { downloadDbs, GeoIpDbName } = await import('geolite2-redist');
  const name = dbName === 'GeoLite2-City' ? GeoIpDbName.City : GeoIpDbName.Country;
  await downloadDbs({ path: dir, dbList: [name] });
};

function unavailable(message: string, cause?: unknown): GeoError {
  return new GeoError(GeoErrorCode.Geolite2Unavailable, message, {
    cause,
    hint: 'this host may have no internet access: use --geoip PATH with a local GeoIP2/GeoLite2 .mmdb file, or run without --geoip (coverage map only)',
  });
}

/** Run the download with a deadline; a late failure after the deadline is swallowed, the deadline already reported. */
async function downloadWithin(
  download: GeoLite2Downloader,
  dir: string,
  dbName: `GeoLite2-${GeoLite2Edition}`,
  timeoutMs: number,
  background = false,
): Promise<void> {
  const attempt = download(dir, dbName);
  attempt.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(`GeoLite2 download of ${dbName} did not finish within ${timeoutMs} ms`)), timeoutMs);
    // A background refresh must not keep a stopping process alive.
    if (background) timer.unref();
    attempt.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(unavailable(`GeoLite2 download of ${dbName} failed: ${(err as Error)?.message ?? String(err)}`, err));
      },
    );
  });
}

/** Delegates to the file-backed source and also stops the refresh timer on close. */
class RefreshingSource implements GeoIpSource {
  constructor(
    private readonly inner: GeoIpSource,
    private readonly timer: NodeJS.Timeout,
  ) {}
  get databaseType(): string {
    return this.inner.databaseType;
  }
  get path(): string {
    return this.inner.path;
  }
  lookup(address: string): GeoIpRecord | undefined {
    return this.inner.lookup(address);
  }
  close(): void {
    clearInterval(this.timer);
    this.inner.close();
  }
}

/**
 * `--geoip geolite2`: keep a GeoLite2 copy fresh through geolite2-redist and serve it.
 * A copy already on disk is used at once and refreshed in the background; without one,
 * the first download must finish within `timeoutMs` or this rejects with
 * MERIDIAN_E_GEO_GEOLITE2_UNAVAILABLE so the caller can fall back to the coverage map.
 * Never hangs. The refreshed file replaces the old one on disk and the file watcher reloads it.
 */
export async function openGeoLite2(options: GeoLite2Options = {}): Promise<GeoIpSource> {
  const edition = options.edition ?? 'City';
  const dbName = `GeoLite2-${edition}` as const;
  const dir = options.dir ?? defaultGeoLite2Dir();
  const download = options.download ?? redistDownload;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const logger = (options.logger ?? createSilentLogger()).child({ module: 'geo' });
  const file = join(dir, `${dbName}.mmdb`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw unavailable(`cannot create the GeoLite2 directory ${dir}: ${(err as Error).message}`, err);
  }

  let refreshFirst = false;
  if (existsSync(file)) refreshFirst = true;
  else await downloadWithin(download, dir, dbName, timeoutMs);

  const source = await openGeoIpDatabase(file, { ...options, watch: true });
  const refresh = (): void => {
    downloadWithin(download, dir, dbName, Math.max(timeoutMs, 5 * 60_000), true).catch((err: unknown) => {
      logger.warn({ err, dbName }, 'GeoLite2 refresh failed; serving the copy on disk');
    });
  };
  const timer = setInterval(refresh, options.refreshIntervalMs ?? DAY_MS).unref();
  if (refreshFirst) refresh();
  return new RefreshingSource(source, timer);
}
