export type { SourceLocation, ResourceRecord, RRsetsByType, Zone, ZoneProblem } from './types.js';
export { ZoneErrorCode, ZoneInvalidError, ZoneSyntaxError } from './errors.js';
export { RRType, RRClass, MAX_TTL, typeCode, typeName, classCode, className, parseTtl, type RRTypeName } from './rr-types.js';
export { encodeName, decodeName, canonicalName, resolveName, isSubdomain, parentName, toFqdn } from './names.js';
export { encodeRdata, quoteString, type EncodedRdata } from './rdata.js';
export { parseZoneText, type ParsedZone, type ParseOptions } from './parser.js';
export { checkZone } from './check.js';
export { compileZone, type ZoneResult } from './build.js';
export {
  readZoneFile,
  parseZone,
  parseZoneFile,
  listZoneFiles,
  loadZoneDirectory,
  originFromFileName,
  ZONE_FILE_EXTENSION,
  type ReadZoneOptions,
  type ZoneDirectoryResult,
} from './load.js';
export { ZoneStore, type ZoneStoreOptions, type ZoneUpdate, type ReloadOutcome, type ReloadSummary } from './store.js';
export { watchDirectory, type WatchDirectoryOptions, type DirectoryWatcher } from './watch.js';
export { checkPath, formatProblem, zoneFileChecker, type FileChecker, type CheckReport } from './checkers.js';
