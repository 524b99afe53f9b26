import { readFile } from 'node:fs/promises';
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { Reader, type CityResponse } from 'maxmind';
import type { Logger } from '../telemetry/index.js';
import { createSilentLogger } from '../telemetry/index.js';
import { GeoError, GeoErrorCode } from './errors.js';
import { MAPPED_PREFIX_BITS, parseAddress } from './ip-address.js';
import { createGeoMetrics, type GeoMetrics } from './metrics.js';
import type { Registry } from '../telemetry/index.js';
import type { GeoIpRecord, GeoIpSource } from './types.js';

export interface GeoIpDatabaseOptions {
  /** Reload when the file changes on disk. Default true. */
  watch?: boolean;
  /** How often the file's stat is polled (fs.watchFile survives atomic renames). Default 2000 ms. */
  watchIntervalMs?: number;
  logger?: Logger;
  registry?: Registry;
}

/** GeoIP2/GeoLite2 City and Country databases (and Enterprise, a City superset) share one record layout. */
const SUPPORTED_TYPE = /^(GeoIP2|GeoLite2)-(City|Country|Enterprise)(-|$)/;
/** Decoded records per data pointer: many networks share one record, so this hits often. */
const RECORD_CACHE_SIZE = 10_000;

type Response = CityResponse;

async function openReader(path: string): Promise<Reader<Response>> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (err) {
    throw new GeoError(GeoErrorCode.DbOpen, `cannot read GeoIP database ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: 'give --geoip the path of a GeoIP2/GeoLite2 City or Country .mmdb file, or --geoip geolite2',
    });
  }
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(buffer, { cache: new LRUCache<string | number, object>({ max: RECORD_CACHE_SIZE }) });
  } catch (err) {
    throw new GeoError(GeoErrorCode.DbOpen, `${path} is not a MaxMind DB: ${(err as Error).message}`, {
      cause: err,
      hint: 'the file must be an uncompressed .mmdb (GeoIP2/GeoLite2 City or Country)',
    });
  }
  const type = reader.metadata.databaseType;
  if (!SUPPORTED_TYPE.test(type)) {
    throw new GeoError(GeoErrorCode.DbType, `${path} is a ${JSON.stringify(type)} database; Meridian needs a GeoIP2/GeoLite2 City or Country database`, {
      hint: 'ASN, ISP and other MaxMind databases carry no location; use GeoLite2-City or GeoLite2-Country',
    });
  }
  return reader;
}

/** Map a MaxMind City/Country response to Meridian's codes. */
function toRecord(data: Response, networkPrefix: number): GeoIpRecord {
  const record: GeoIpRecord = { networkPrefix };
  const continent = data.continent?.code;
  // Anycast and satellite ranges may carry only the registered country.
  const country = data.country?.iso_code ?? data.registered_country?.iso_code;
  const subdivision = data.subdivisions?.[0]?.iso_code;
  const city = data.city?.names?.en;
  const location = data.location;
  if (continent) record.continent = continent;
  if (country) record.country = country;
  if (subdivision) record.subdivision = subdivision;
  if (city) record.city = city;
  if (location && typeof location.latitude === 'number' && typeof location.longitude === 'number') {
    record.latitude = location.latitude;
    record.longitude = location.longitude;
  }
  return record;
}

class MaxMindSource implements GeoIpSource {
  private closed = false;
  /** Bumped per change seen, so a slow open of an older file never replaces a newer one. */
  private generation = 0;

  constructor(
    private reader: Reader<Response>,
    readonly path: string,
    private readonly logger: Logger,
    private readonly metrics: GeoMetrics,
    private readonly watchIntervalMs: number | undefined,
  ) {
    this.metrics.buildEpoch.set(reader.metadata.buildEpoch.getTime() / 1000);
    if (watchIntervalMs !== undefined) watchFile(path, { interval: watchIntervalMs, persistent: false }, this.onFileChange);
  }

  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  lookup(address: string): GeoIpRecord | undefined {
    const parsed = parseAddress(address);
    if (!parsed) throw new GeoError(GeoErrorCode.AddressInvalid, `${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
    // An IPv4-only database has nothing for IPv6 clients (mmdb-lib would throw).
    if (parsed.family === 6 && this.reader.metadata.ipVersion === 4) return undefined;
    // mmdb-lib parses the text again: give it the plain IPv4 of a mapped address, and no %zone.
    const zone = address.indexOf('%');
    const query = parsed.mapped ? v4Text(parsed.words[0] ?? 0) : zone >= 0 ? address.slice(0, zone) : address;
    const [data, prefix] = this.reader.getWithPrefixLength(query);
    if (!data) return undefined;
    return toRecord(data, prefix + (parsed.mapped ? MAPPED_PREFIX_BITS : 0));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchIntervalMs !== undefined) unwatchFile(this.path, this.onFileChange);
  }

  /** Keep the old reader until the new file opens and passes the type check. */
  private readonly onFileChange = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs === previous.mtimeMs && current.size === previous.size && current.ino === previous.ino) return;
    if (current.nlink === 0 && current.size === 0) {
      this.logger.warn({ path: this.path }, 'GeoIP database file disappeared; keeping the one loaded');
      return;
    }
    const generation = ++this.generation;
    openReader(this.path).then(
      (reader) => {
        if (this.closed || generation !== this.generation) return;
        this.reader = reader;
        this.metrics.reloads.inc({ result: 'ok' });
        this.metrics.buildEpoch.set(reader.metadata.buildEpoch.getTime() / 1000);
        this.logger.info({ path: this.path, type: reader.metadata.databaseType, built: reader.metadata.buildEpoch.toISOString() }, 'GeoIP database reloaded');
      },
      (err: unknown) => {
        this.metrics.reloads.inc({ result: 'error' });
        this.logger.warn({ path: this.path, err }, 'GeoIP database changed but cannot be opened; keeping the one loaded');
      },
    );
  };
}

/** Dotted text of an unwrapped IPv4-mapped address (it may have been written `::ffff:102:304`). */
function v4Text(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 255}.${(word >>> 8) & 255}.${word & 255}`;
}

/**
 * Open a GeoIP2/GeoLite2 City or Country database. Fails fast (MERIDIAN_E_GEO_DB_OPEN,
 * MERIDIAN_E_GEO_DB_TYPE) at start-up; afterwards a replaced file is reloaded and a
 * broken replacement is logged and ignored.
 */
export async function openGeoIpDatabase(path: string, options: GeoIpDatabaseOptions = {}): Promise<GeoIpSource> {
  const reader = await openReader(path);
  const logger = (options.logger ?? createSilentLogger()).child({ module: 'geo' });
  const metrics = createGeoMetrics(options.registry);
  const watch = options.watch ?? true;
  logger.info({ path, type: reader.metadata.databaseType, built: reader.metadata.buildEpoch.toISOString() }, 'GeoIP database opened');
  return new MaxMindSource(reader, path, logger, metrics, watch ? options.watchIntervalMs ?? 2000 : undefined);
}
