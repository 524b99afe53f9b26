export type { ClientSubnet, DnsQuestionContext, DynamicRecord, DynamicAnswer, DynamicResolver, ZoneSource, ListenAddress } from './types.js';
export { createDnsServer, type DnsServer, type DnsServerDependencies } from './server.js';
export { createHttpApi, type HttpApi, type HttpApiOptions, type HttpRoute, type HttpHandler } from './http-api.js';
export { parseDnsServerConfig, type DnsServerConfig, type DnsServerConfigInput } from './config.js';
export type { UdpIoMode } from './udp-io-modes.js';
export { parseListenAddress, formatListenAddress } from './listen-address.js';
export { DnsError, DnsErrorCode } from './errors.js';
export { Rcode } from './wire.js';
