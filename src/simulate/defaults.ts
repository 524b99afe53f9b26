/**
 * The simulator's defaults on their own, with nothing heavy behind them: the CLI reads them to
 * register `meridian simulate`'s options, and importing the rest of the room (routing, the cache
 * room's admission policies) would add a second to every `meridian` start-up.
 */
import type { GeneratorOptions, PolicyName } from './types.js';

export const POLICY_NAMES: readonly PolicyName[] = ['lru', 'second-hit', 'tinylfu-sum', 'tinylfu-density', 'tinylfu', 'belady'];
/** The policy the comparison picked (see README.md): the servers' default. */
export const DEFAULT_POLICY: PolicyName = 'tinylfu';

export const GENERATOR_DEFAULTS: Readonly<GeneratorOptions> = Object.freeze({
  seed: 1,
  requests: 200_000,
  objects: 20_000,
  zipfExponent: 0.8,
  sizeDistribution: 'lognormal',
  sizeScaleBytes: 32 * 1024,
  sizeShape: 1.5,
  maxObjectBytes: 64 * 1024 * 1024,
  clients: 2_000,
  days: 1,
});
