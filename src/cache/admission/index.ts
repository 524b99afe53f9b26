/**
 * Admission policies for the cache stores: which missed objects are worth storing at all.
 * The winner of the simulator's comparison (src/simulate, `npm run bench:sim`) is the default.
 */
export type { AdmissionCandidate, AdmissionPolicy, FrequencySketchOptions, TinyLfuOptions, TinyLfuRule } from './types.js';
export { FrequencySketch } from './frequency-sketch.js';
export { TinyLfuAdmission, SecondHitAdmission } from './tinylfu.js';
export { lruVictims, setWithAdmission } from './lru-admission.js';
