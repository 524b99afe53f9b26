export { createLogger, createSilentLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetricsRegistry, aggregateMetrics, Registry, Counter, Gauge, Histogram, type MetricsSnapshot } from './metrics.js';
export { parseTraceparent, continueTrace, type TraceContext, type ParsedTraceparent } from './traceparent.js';
