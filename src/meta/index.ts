export type { PurgeScope, PurgeEvent, PurgeTarget, InvalidationView } from './types.js';
