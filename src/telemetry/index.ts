export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetricsRegistry, Registry, Counter, Gauge, Histogram } from './metrics.js';
export { parseTraceparent, continueTrace, type TraceContext, type ParsedTraceparent } from './traceparent.js';
