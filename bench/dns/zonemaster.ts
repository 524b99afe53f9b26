/**
 * Zonemaster against a loopback delegation: one `meridian dns` plays the root and
 * example.com on 127.0.0.3 and delegates cdn.example.com to a second `meridian dns`
 * answering on 127.0.0.1 and 127.0.0.2 (port 53, so run as root). zonemaster-cli gets
 * root hints pointing at 127.0.0.3 and no IPv6. Expected: no ERROR but ADDRESS01
 * (loopback addresses), which only this set-up causes.
 *
 *   npm run build && node dist/bench/dns/zonemaster.js
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../../test/helpers/paths.js';
import { stopProcess } from '../../test/helpers/processes.js';
import { requireTool } from '../support/process.js';

const ROOT_ZONE = `$ORIGIN .
$TTL 86400
@ SOA a.root-servers.test. hostmaster.test. 1 1800 900 604800 86400
  NS a.root-servers.test.
a.root-servers.test. A 127.0.0.3
`;
const PARENT_ZONE = `$ORIGIN example.com.
$TTL 3600
@ SOA ns hostmaster 1 3600 600 1209600 300
  NS ns
ns A 127.0.0.3
cdn NS ns1.cdn
    NS ns2.cdn
ns1.cdn A 127.0.0.1
ns2.cdn A 127.0.0.2
`;
const CHILD_ZONE = `$ORIGIN cdn.example.com.
$TTL 300
@ SOA ns1 hostmaster 2026112601 14400 3600 1209600 300
  NS ns1
  NS ns2
  A 192.0.2.10
  MX 10 mail
ns1 A 127.0.0.1
ns2 A 127.0.0.2
www A 192.0.2.10
mail A 192.0.2.25
`;

function start(cli: string, zones: string, listen: string[]): ChildProcess {
  return spawn(process.execPath, [cli, 'dns', '--zones', zones, '--no-watch', ...listen.flatMap((l) => ['--listen', l])], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, MERIDIAN_LOG_LEVEL: 'warn' },
  });
}

async function main(): Promise<void> {
  requireTool('zonemaster-cli', 'zonemaster-cli');
  const cli = cliPath();
  const work = mkdtempSync(join(tmpdir(), 'meridian-zonemaster-'));
  const servers: ChildProcess[] = [];
  try {
    mkdirSync(join(work, 'parent'));
    mkdirSync(join(work, 'child'));
    writeFileSync(join(work, 'parent', 'root.zone'), ROOT_ZONE);
    writeFileSync(join(work, 'parent', 'example.com.zone'), PARENT_ZONE);
    writeFileSync(join(work, 'child', 'cdn.example.com.zone'), CHILD_ZONE);
    writeFileSync(join(work, 'hints'), '. 3600000 NS a.root-servers.test.\na.root-servers.test. 3600000 A 127.0.0.3\n');
    servers.push(start(cli, join(work, 'parent'), ['127.0.0.3:53']), start(cli, join(work, 'child'), ['127.0.0.1:53', '127.0.0.2:53']));
    await new Promise((r) => setTimeout(r, 3000));
    const result = spawnSync('zonemaster-cli', ['--no-ipv6', '--hints', join(work, 'hints'), '--show-testcase', '--level', process.env.ZONEMASTER_LEVEL ?? 'NOTICE', 'cdn.example.com'], { encoding: 'utf8', timeout: 600_000 });
    process.stdout.write(result.stdout + result.stderr);
    const errors = result.stdout.split('\n').filter((line) => /\b(ERROR|CRITICAL)\b/.test(line) && !/ADDRESS01/.test(line));
    process.stdout.write(errors.length === 0 ? 'zonemaster: no ERROR beyond the loopback set-up (ADDRESS01)\n' : `zonemaster: ${errors.length} unexpected ERROR line(s)\n`);
    process.exitCode = errors.length === 0 ? 0 : 1;
  } finally {
    await Promise.all(servers.map(stopProcess));
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
