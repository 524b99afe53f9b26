/**
 * The demo room: a whole Meridian fleet on one machine (`meridian demo`), the demo origin,
 * and the assembly of one fleet member (cache node + metadata wiring) that `meridian cache`
 * uses too. See README.md.
 */
export type { DemoOptions, DemoFleetInfo, DemoNodeInfo, DemoClient, RunningDemo, DemoDependencies } from './types.js';
export { DemoError, DemoErrorCode } from './errors.js';
export { parseDemoOptions, demoOptionsSchema, type DemoOptionsInput } from './options.js';
export { startDemo, DEMO_NAME } from './demo.js';
export { startDemoOrigin, type DemoOrigin, type DemoOriginOptions } from './origin.js';
export { startFleetNode, metaConfigFor, type FleetNode, type FleetNodeOptions } from './fleet-node.js';
export { prepareDemoZones, type DemoZones } from './zones.js';
export { formatInstructions, digCommand, curlCommand, purgeCommand } from './instructions.js';
