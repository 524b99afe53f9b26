import { CLIENT_REGIONS, dailyActivity } from './client-regions.js';
import { SimulateError, SimulateErrorCode } from './errors.js';
import { createRandom, normal, pickCumulative, zipfCumulative, type Random } from './random.js';
import { TraceBuilder } from './trace-builder.js';
import type { GeneratorOptions, Trace } from './types.js';
import { GENERATOR_DEFAULTS } from './defaults.js';

const MIN_OBJECT_BYTES = 100;
/** Resolution of the daily-cycle rate curve. */
const STEP_SECONDS = 60;

/**
 * A synthetic trace, identical for identical options: Zipf popularity over the catalogue,
 * heavy-tailed sizes fixed per object, clients in the test GeoIP DB's ranges whose traffic
 * follows their local day. Independent streams per aspect, so changing the client count does
 * not reshuffle which objects are asked for.
 */
export function generateTrace(input: Partial<GeneratorOptions> = {}): Trace {
  const options = { ...GENERATOR_DEFAULTS, ...input };
  checkOptions(options);
  const sizes = objectSizes(options, createRandom(options.seed ^ 0x5a5a5a5a));
  const popularity = zipfCumulative(options.objects, options.zipfExponent);
  const clients = regionClients(options.clients, createRandom(options.seed ^ 0x3c3c3c3c));
  const times = requestTimes(options.requests, options.days * 86400);
  const pickObject = createRandom(options.seed);
  const pickClient = createRandom(options.seed ^ 0x7e7e7e7e);
  const urls = Array.from({ length: options.objects }, (_, k) => `/o/${k}`);
  const builder = new TraceBuilder();
  const weights = new Float64Array(CLIENT_REGIONS.length);
  let weightsStep = -1;
  for (const time of times) {
    // The regional mix moves with the clock; once a minute is fine enough.
    const step = Math.floor(time / STEP_SECONDS);
    if (step !== weightsStep) {
      weightsStep = step;
      let sum = 0;
      for (let r = 0; r < CLIENT_REGIONS.length; r++) {
        const region = CLIENT_REGIONS[r]!;
        sum += clients[r]!.length === 0 ? 0 : region.share * dailyActivity((step + 0.5) * STEP_SECONDS, region.utcOffsetHours);
        weights[r] = sum;
      }
    }
    const region = clients[pickCumulative(weights, pickClient())]!;
    const client = region[Math.floor(pickClient() * region.length)]!;
    const rank = pickCumulative(popularity, pickObject());
    builder.add(time, client, urls[rank]!, sizes[rank]!);
  }
  return builder.build();
}

function checkOptions(o: GeneratorOptions): void {
  const problems: string[] = [];
  const positiveInt = (name: keyof GeneratorOptions) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) problems.push(`${name} must be a positive integer (got ${String(v)})`);
  };
  positiveInt('requests');
  positiveInt('objects');
  positiveInt('clients');
  if (!(o.zipfExponent >= 0 && o.zipfExponent <= 3)) problems.push(`zipfExponent must be 0-3 (got ${o.zipfExponent})`);
  if (!(o.sizeScaleBytes >= MIN_OBJECT_BYTES)) problems.push(`sizeScaleBytes must be at least ${MIN_OBJECT_BYTES}`);
  if (!(o.sizeShape > 0 && o.sizeShape <= 10)) problems.push(`sizeShape must be in (0, 10]`);
  if (!(o.maxObjectBytes >= o.sizeScaleBytes)) problems.push('maxObjectBytes must be at least sizeScaleBytes');
  if (!(o.days > 0 && o.days <= 365)) problems.push('days must be in (0, 365]');
  if (o.sizeDistribution !== 'lognormal' && o.sizeDistribution !== 'pareto') problems.push(`sizeDistribution must be lognormal or pareto`);
  if (!Number.isInteger(o.seed)) problems.push('seed must be an integer');
  if (problems.length > 0) {
    throw new SimulateError(SimulateErrorCode.optionsInvalid, `trace generator: ${problems.join('; ')}`, { hint: 'see src/simulate/README.md, "Generated traces"' });
  }
}

function objectSizes(o: GeneratorOptions, random: Random): Float64Array {
  const sizes = new Float64Array(o.objects);
  for (let k = 0; k < o.objects; k++) {
    const raw = o.sizeDistribution === 'lognormal'
      ? o.sizeScaleBytes * Math.exp(o.sizeShape * normal(random))
      : o.sizeScaleBytes / Math.pow(1 - random(), 1 / o.sizeShape);
    sizes[k] = Math.round(Math.min(o.maxObjectBytes, Math.max(MIN_OBJECT_BYTES, raw)));
  }
  return sizes;
}

/** Client addresses per region, spread over the region's /8 (regions get clients by share). */
function regionClients(count: number, random: Random): string[][] {
  const shares = new Float64Array(CLIENT_REGIONS.length);
  let sum = 0;
  CLIENT_REGIONS.forEach((r, i) => (shares[i] = sum += r.share));
  const byRegion: string[][] = CLIENT_REGIONS.map(() => []);
  for (let c = 0; c < count; c++) {
    const r = pickCumulative(shares, random());
    const octets = [1 + Math.floor(random() * 254), Math.floor(random() * 256), 1 + Math.floor(random() * 254)];
    byRegion[r]!.push(`${CLIENT_REGIONS[r]!.octet}.${octets.join('.')}`);
  }
  return byRegion;
}

/**
 * Request times that follow the world's total activity: the cumulative rate is sampled every
 * minute and request j sits at its (j + ½)/n quantile, so times are sorted and need no randomness.
 */
function requestTimes(requests: number, durationSeconds: number): Float64Array {
  const steps = Math.max(1, Math.ceil(durationSeconds / STEP_SECONDS));
  const cumulative = new Float64Array(steps);
  let sum = 0;
  for (let s = 0; s < steps; s++) {
    const t = (s + 0.5) * STEP_SECONDS;
    for (const region of CLIENT_REGIONS) sum += region.share * dailyActivity(t, region.utcOffsetHours);
    cumulative[s] = sum;
  }
  const times = new Float64Array(requests);
  let step = 0;
  for (let j = 0; j < requests; j++) {
    const target = ((j + 0.5) / requests) * sum;
    while (cumulative[step]! < target) step++;
    const before = step === 0 ? 0 : cumulative[step - 1]!;
    const within = (target - before) / (cumulative[step]! - before);
    times[j] = Math.min(durationSeconds, (step + within) * STEP_SECONDS);
  }
  return times;
}
