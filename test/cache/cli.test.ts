import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { removeDir } from '../helpers/redis.js';
import { send, startNode, startOrigin } from './helpers.js';

test('`meridian cache` with flags serves every Host from the origin; on SIGTERM health turns 503 while traffic is served, then it exits', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=60' });
    res.end(`from origin for ${req.headers.host}`);
  });
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cache-cli-'));
  t.after(() => removeDir(dir));
  const config = join(dir, 'node.json');
  writeFileSync(config, JSON.stringify({ timeouts: { healthDrainMs: 1500 } }));
  const child = spawn(process.execPath, [cliPath(), 'cache', '--config', config, '--listen', `127.0.0.1:${port}`, '--origin', origin.url, '--id', 'cli-1'], { env: { ...process.env, MERIDIAN_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('serving on')) resolve(); });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  assert.equal((await send(base, '/', { headers: { host: 'any.test' } })).body, 'from origin for any.test');
  const hit = await send(base, '/', { headers: { host: 'any.test' } });
  assert.match(hit.headers['cache-status']!, /^meridian-cli-1; hit/);
  assert.equal((await send(base, '/_meridian/health')).status, 200);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  let health = 200;
  for (let i = 0; i < 50 && health === 200; i++) health = (await send(base, '/_meridian/health')).status;
  assert.equal(health, 503, 'health reports draining');
  assert.match((await send(base, '/', { headers: { host: 'any.test' } })).headers['cache-status']!, /hit/, 'still serving while draining');
  assert.equal(await exited, 0);
  await assert.rejects(send(base, '/', { headers: { host: 'any.test' } }), 'no longer accepting');
});

test('`meridian cache` reports a bad config with its path and exits non-zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cache-cli-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'sites:\n  - hosts: [a.test]\n    origin: not-a-url\n');
    assert.throws(() => execFileSync(process.execPath, [cliPath(), 'cache', '--config', file], { stdio: 'pipe' }), (err: { status: number; stderr: Buffer }) => {
      assert.notEqual(err.status, 0);
      assert.match(err.stderr.toString(), /MERIDIAN_E_CACHE_CONFIG_INVALID: .*bad\.yaml: sites\[0\]\.origin/);
      return true;
    });
  } finally {
    removeDir(dir);
  }
});

test('TLS termination with a configured certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cache-tls-'));
  t.after(() => removeDir(dir));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const origin = await startOrigin(t, (_req, res) => res.end('secure'));
  const node = await startNode(t, { listen: [{ address: '127.0.0.1:0', tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } }], sites: [{ hosts: ['*'], origin: origin.url }] });
  assert.match(node.addresses[0]!, /^https:/);
  const url = new URL(node.addresses[0]!);
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest({ host: url.hostname, port: url.port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(body, 'secure');
});
