import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliPath, fromRoot } from '../helpers/paths.js';

const run = promisify(execFile);
const fixtures = fromRoot('test', 'fixtures', 'zones');

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function zoneCheck(...paths: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cliPath(), 'zone', 'check', ...paths], { cwd: fixtures });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('zone check passes the example zones in zones/, a good folder and a good file', async () => {
  // One process for all three paths: each start of the CLI costs seconds on a loaded machine.
  const result = await zoneCheck(fromRoot('zones'), 'good', 'good/other.test.zone');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /^\S+:\d+: (?!warning: )/m);
  assert.doesNotMatch(result.stdout, /good\//);
  assert.match(result.stderr, /\d+ files checked: 0 errors/);
});

test('zone check prints every problem as file:line: message and exits non-zero', async () => {
  const result = await zoneCheck('broken');
  assert.equal(result.code, 1);
  const lines = result.stdout.trim().split('\n');
  for (const line of lines) assert.match(line, /^broken\/[\w.]+\.zone:\d+: \S/);
  const expected = [
    'broken/broken.test.zone:4: NS target ns2.broken.test. has no A or AAAA record: it is inside this zone',
    'broken/broken.test.zone:6: malformed IPv4 address "192.0.2.300"',
    'broken/broken.test.zone:7: malformed IPv6 address "2001:db8::zz"',
    'broken/broken.test.zone:8: CNAME at alias.broken.test. cannot coexist with other data (A at broken/broken.test.zone:9), RFC 2181 section 10.1',
    'broken/broken.test.zone:10: TTL 2147483648 is out of range (0 to 2147483647 seconds, RFC 2181 section 8)',
    'broken/broken.test.zone:11: bad escape "\\25": \\DDD needs exactly three digits',
    'broken/broken.test.zone:12: unknown record type "FOO" (write unknown types as TYPEnnn with \\# rdata, RFC 3597)',
    'broken/broken.test.zone:13: class CH is not supported: Meridian serves class IN only',
    'broken/broken.test.zone:14: outside.example.org. is outside the zone broken.test. (out-of-zone data)',
    'broken/broken.test.zone:15: SOA record at sub.broken.test. is not at the zone apex broken.test.',
    'broken/broken.test.zone:17: more than one CNAME at twice.broken.test. (the first is at broken/broken.test.zone:16)',
    'broken/broken.test.zone:18: NS target ns.child.broken.test. has no A or AAAA record: it is below the delegation of child.broken.test., so glue is needed',
    'broken/broken.test.zone:19: unterminated quoted string',
    'broken/broken.test.zone:20: unterminated "(": no matching ")" before the end of the file',
    'broken/nosoa.test.zone:1: zone nosoa.test. has no SOA record',
    'broken/nosoa.test.zone:1: zone nosoa.test. has no NS records at its apex',
  ];
  assert.deepEqual(lines, expected);
  // README.md in the folder is not a zone file and is skipped.
  assert.match(result.stderr, /^2 files checked: 16 errors, 0 warnings$/m);
});

test('zone check prints warnings but exits zero when there is no error', async () => {
  const result = await zoneCheck('warn');
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'warn/warn.test.zone:5: warning: duplicate A record at www.warn.test. ignored\n');
  assert.match(result.stderr, /^1 file checked: 0 errors, 1 warning$/m);
});

test('zone check: a missing path and a file no checker claims', async () => {
  const missing = await zoneCheck('no-such-dir');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /MERIDIAN_E_ZONE_READ: cannot read no-such-dir/);
  const readme = await zoneCheck('broken/README.md');
  assert.equal(readme.code, 1);
  assert.match(readme.stdout, /^broken\/README\.md:1: no checker for \.md files/m);
});
