/**
 * How fast is locating a client (runs once per routed DNS query)? Coverage trie and
 * GeoIP lookups over the committed test DB and example coverage map, IPv4 and IPv6.
 * Usage: npm run bench:geo [-- ITERATIONS]
 */
import { join } from 'node:path';
import { createGeoLocator, loadCoverageFile, openGeoIpDatabase } from '../../src/geo/index.js';
import { repoRoot } from '../../test/helpers/paths.js';
import { percentile } from '../support/stats.js';

function randomAddresses(count: number): string[] {
  const firstOctets = [81, 82, 83, 12, 13, 24, 126, 175, 177, 101, 41, 84, 10, 198, 203, 192];
  const v6Blocks = ['100', '200', '300', '1000', '1100', '2000', '3000', '4000', '5000', 'ff00', '9999'];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const byte = (): number => Math.floor(Math.random() * 256);
  return Array.from({ length: count }, (_, i) =>
    i % 4 === 3
      ? `2001:db8:${pick(v6Blocks)}:${byte().toString(16)}::${byte().toString(16)}`
      : `${pick(firstOctets)}.${byte()}.${byte()}.${byte()}`,
  );
}

const iterations = Number(process.argv[2] ?? 500_000);
const root = repoRoot();
const coverage = await loadCoverageFile(join(root, 'geo-data', 'coverage.yaml'));
const geoip = await openGeoIpDatabase(join(root, 'geo-data', 'test-city.mmdb'), { watch: false });
const locator = createGeoLocator({ coverage, geoip });
const addresses = randomAddresses(10_000);

for (let i = 0; i < 50_000; i++) locator.locate(addresses[i % addresses.length] as string);

const sources = { coverage: 0, geoip: 0, none: 0 };
const started = process.hrtime.bigint();
for (let i = 0; i < iterations; i++) sources[locator.locate(addresses[i % addresses.length] as string).source]++;
const elapsedNs = Number(process.hrtime.bigint() - started);

const samples: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const t0 = process.hrtime.bigint();
  locator.locate(addresses[i % addresses.length] as string);
  samples.push(Number(process.hrtime.bigint() - t0));
}
samples.sort((a, b) => a - b);

console.log(
  JSON.stringify(
    {
      bench: 'geo-locate',
      iterations,
      opsPerSecond: Math.round(iterations / (elapsedNs / 1e9)),
      meanNs: Math.round(elapsedNs / iterations),
      p50Ns: percentile(samples, 0.5),
      p99Ns: percentile(samples, 0.99),
      sources,
    },
    null,
    2,
  ),
);
geoip.close();
