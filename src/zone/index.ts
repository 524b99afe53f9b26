export type { SourceLocation, ResourceRecord, RRsetsByType, Zone, ZoneProblem } from './types.js';
