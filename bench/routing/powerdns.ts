/**
 * PowerDNS Authoritative 4.7 as the routing benchmark's second peer: the bind backend serves the
 * example zone with the routed name as a LUA record; the geoip backend is loaded only for its
 * MaxMind DB, which is what gives LUA's continent()/country()/pickclosest() the client's location.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The benchmark's routing YAML as one LUA record: the same rules in the same order (AS/OC → as,
 * EU/AF → eu, anything else → na), the same weights, and one answer picked by a hash of the
 * client address (ECS when present), the nearest built-in to Meridian's rendezvous pick of one
 * answer on the client subnet. No ifurlup(): like gdnsd's `service_types => up`, no health checks.
 */
export const POWERDNS_LUA_RECORD =
  `edge 60 IN LUA A ";if continent({'AS','OC'}) then return pickwhashed({{1,'127.0.3.1'},{1,'127.0.3.2'}}) ` +
  `elseif continent({'EU','AF'}) then return pickwhashed({{3,'127.0.1.1'},{1,'127.0.1.2'}}) ` +
  `else return pickwhashed({{1,'127.0.2.1'},{1,'127.0.2.2'}}) end"`;

/**
 * Writes pdns.conf, named.conf and the zone under `dir` and returns pdns_server's arguments,
 * so the server reads nothing from /etc/powerdns and leaves its control socket in `dir`.
 */
export function writePowerdnsConfig(dir: string, options: { port: number; mmdb: string; zoneText: string }): string[] {
  mkdirSync(dir, { recursive: true });
  const zoneFile = join(dir, 'cdn.example.com.zone');
  writeFileSync(zoneFile, `${options.zoneText}\n${POWERDNS_LUA_RECORD}\n`);
  writeFileSync(join(dir, 'named.conf'), `zone "cdn.example.com" { type master; file "${zoneFile}"; };\n`);
  const settings = [
    'launch=bind,geoip',
    `bind-config=${join(dir, 'named.conf')}`,
    `geoip-database-files=mmdb:${options.mmdb}`,
    `local-address=127.0.0.1:${options.port}`,
    'daemon=no',
    'guardian=no',
    'enable-lua-records=yes',
    // Without it LUA sees the resolver's address, not the ECS client's (bestwho).
    'edns-subnet-processing=yes',
    // One receiver and one backend thread: like gdnsd's udp_threads => 1, comparable per CPU-second.
    'receiver-threads=1',
    'distributor-threads=1',
    // No security-status query to the internet at start-up, no syslog from a benchmark.
    'security-poll-suffix=',
    'disable-syslog=yes',
  ];
  writeFileSync(join(dir, 'pdns.conf'), `${settings.join('\n')}\n`);
  return [`--config-dir=${dir}`, `--socket-dir=${dir}`];
}
