/**
 * `createDnsServer`: the responder plus one UDP and one TCP listener per listen
 * address, all sharing one port number per address.
 */
import { randomBytes } from 'node:crypto';
import type { Logger, Registry } from '../telemetry/index.js';
import { parseDnsServerConfig, type DnsServerConfig, type DnsServerConfigInput } from './config.js';
import { DnsError } from './errors.js';
import { DnsMetrics } from './metrics.js';
import { Responder } from './responder.js';
import { TcpListener } from './tcp-listener.js';
import type { DynamicResolver, ListenAddress, ZoneSource } from './types.js';
import { udpTransportFactory, type UdpTransport } from './udp-transport.js';

export interface DnsServerDependencies {
  zones: ZoneSource;
  registry: Registry;
  logger: Logger;
  /** Consulted after the zone is found and before static data (routed names). */
  dynamic?: DynamicResolver;
}

export interface DnsServer {
  readonly config: DnsServerConfig;
  /** Binds every listen address; resolves with the bound addresses (port 0 resolved). */
  start(): Promise<ListenAddress[]>;
  close(): Promise<void>;
  /** Drop prepared responses; zone reloads are noticed anyway (new Zone objects), this is for other data changes. */
  invalidate(): void;
}

/** Attempts to find a port free for both UDP and TCP when the config asks for port 0. */
const EPHEMERAL_ATTEMPTS = 10;

export function createDnsServer(configInput: DnsServerConfigInput, deps: DnsServerDependencies): DnsServer {
  const config = parseDnsServerConfig(configInput);
  const logger = deps.logger.child({ module: 'dns' });
  const metrics = new DnsMetrics(deps.registry);
  const responder = new Responder({
    zones: deps.zones,
    dynamic: deps.dynamic,
    ednsPayload: config.ednsPayload,
    nsid: config.nsid === undefined ? undefined : Buffer.from(config.nsid, 'utf8'),
    cookieSecret: config.cookieSecret === undefined ? randomBytes(16) : Buffer.from(config.cookieSecret, 'hex'),
    templateCapacity: config.templateCapacity,
    metrics,
  });
  const udpTransports = udpTransportFactory(config.udpIo, config.reusePort, responder, metrics, logger);
  const listeners: Array<UdpTransport | TcpListener> = [];

  const bindPair = async (address: ListenAddress): Promise<ListenAddress> => {
    for (let attempt = 0; ; attempt++) {
      const udp = udpTransports.create();
      const port = await udp.listen(address);
      if (config.udpOnly) {
        listeners.push(udp);
        return { host: address.host, port };
      }
      const tcp = new TcpListener(responder, metrics, config.tcp, logger);
      try {
        await tcp.listen({ host: address.host, port });
      } catch (err) {
        await udp.close();
        if (address.port === 0 && attempt < EPHEMERAL_ATTEMPTS && err instanceof DnsError) continue;
        throw err;
      }
      listeners.push(udp, tcp);
      return { host: address.host, port };
    }
  };

  return {
    config,
    async start() {
      const bound: ListenAddress[] = [];
      try {
        for (const address of config.listen) bound.push(await bindPair(address));
      } catch (err) {
        await Promise.all(listeners.splice(0).map((l) => l.close()));
        throw err;
      }
      logger.info({ listen: bound, udpIo: udpTransports.mode }, 'dns server listening');
      return bound;
    },
    async close() {
      await Promise.all(listeners.splice(0).map((l) => l.close()));
    },
    invalidate() {
      responder.invalidate();
    },
  };
}
