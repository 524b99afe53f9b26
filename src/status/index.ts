export type {
  GeoPoint,
  NodeHealth,
  NodeTier,
  StatusDecision,
  StatusHandler,
  StatusHistory,
  StatusNode,
  StatusNodeHistory,
  StatusPurge,
  StatusRoute,
  StatusRoutes,
  StatusRoutesOptions,
  StatusSnapshot,
  StatusSource,
} from './types.js';
export { RecentBuffer } from './recent-buffer.js';
export { createStatusRoutes, STATUS_PATHS } from './routes.js';
export { serveStatusPage, type ServeStatusOptions, type StatusServer } from './serve.js';
export { StatusError, StatusErrorCode } from './errors.js';
export { createFleetStatusSource, type FleetStatusSource, type FleetStatusSourceOptions, type FleetHealth } from './fleet-source.js';
