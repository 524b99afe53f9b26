/**
 * HTTP cache conformance: runs the public http-tests/cache-tests suite (checked out at
 * $CACHE_TESTS_DIR, never committed here) with `meridian cache` as a reverse proxy in
 * front of the suite's own server, then counts required passes the way cache-tests.fyi
 * does (lib/results.mjs determineTestResult) and writes bench/results/conformance.json, with
 * the optimal tests passed and the ids of the optional failures, setup failures and checks
 * answered "no" (what each checks: the suite's tests/*.mjs).
 * The stored results of nginx, Varnish and ATS from the same checkout are counted the
 * same way, for comparison.
 *
 *   CACHE_TESTS_DIR=/work/cache-tests npm run bench:conformance
 *   CACHE_TESTS_DIR=... CACHE_TEST_ID=freshness-max-age npm run bench:conformance   (one test, verbose)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliPath, fromRoot } from '../../test/helpers/paths.js';
import { freePort, waitForPort } from '../../test/helpers/ports.js';

type Results = Record<string, unknown>;
interface Suite {
  id: string;
  name: string;
  tests: { id: string; name?: string; kind?: string }[];
}

const suiteDir = process.env.CACHE_TESTS_DIR;
if (!suiteDir || !existsSync(join(suiteDir, 'test-engine', 'cli.mjs'))) {
  process.stderr.write('set CACHE_TESTS_DIR to a checkout of https://github.com/http-tests/cache-tests (with npm install done)\n');
  process.exit(2);
}
const onlyTest = process.env.CACHE_TEST_ID ?? '';


function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}`))));
  });
}

const children: ChildProcess[] = [];
const stopAll = (): void => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
};
process.on('exit', stopAll);

const serverPort = await freePort();
const cachePort = await freePort();
const work = mkdtempSync(join(tmpdir(), 'meridian-conformance-'));

children.push(
  spawn(process.execPath, ['test-engine/server/server.mjs'], {
    cwd: suiteDir,
    env: { ...process.env, npm_config_port: String(serverPort), npm_config_protocol: 'http', npm_config_pidfile: join(work, 'server.pid') },
    stdio: 'ignore',
  }),
);
const configFile = join(work, 'cache.json');
writeFileSync(
  configFile,
  JSON.stringify({
    id: 'conformance',
    tier: 'edge',
    listen: [`127.0.0.1:${cachePort}`],
    sites: [{ hosts: ['*'], origin: `http://127.0.0.1:${serverPort}`, passThroughPrefixes: ['/config/', '/state/'], allowSetCookie: true }],
  }),
);
children.push(spawn(process.execPath, [cliPath(), 'cache', '--config', configFile], { env: { ...process.env, MERIDIAN_LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] }));
await Promise.all([waitForPort(serverPort), waitForPort(cachePort)]);

const output = await run(process.execPath, ['--no-warnings', 'test-engine/cli.mjs'], { npm_config_base: `http://127.0.0.1:${cachePort}`, npm_config_id: onlyTest, npm_package_config_id: '' }, suiteDir);
stopAll();
if (onlyTest) {
  process.stdout.write(output);
  process.exit(0);
}

const suites = (await import(pathToFileURL(join(suiteDir, 'tests', 'index.mjs')).href)).default as Suite[];
const { determineTestResult, resultTypes } = (await import(pathToFileURL(join(suiteDir, 'test-engine', 'lib', 'results.mjs')).href)) as {
  determineTestResult: (suites: Suite[], id: string, results: Results, honorDependencies?: boolean) => unknown;
  resultTypes: Record<string, unknown>;
};

function summarise(results: Results) {
  const counts: Record<string, number> = {};
  const requiredFailures: { id: string; suite: string; name: string; outcome: string; detail: unknown }[] = [];
  // Ids only (the suite's test files say what each checks): the optional tests to work on next.
  const optionalFailures: string[] = [];
  const setupFailures: string[] = [];
  const checksAnsweredNo: string[] = [];
  let requiredPass = 0;
  let requiredTotal = 0;
  let optimalPass = 0;
  let optimalTotal = 0;
  for (const suite of suites) {
    for (const test of suite.tests) {
      const outcome = Object.entries(resultTypes).find(([, value]) => value === determineTestResult(suites, test.id, results))?.[0] ?? 'unknown';
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      if (outcome === 'optional_fail') optionalFailures.push(test.id);
      else if (outcome === 'setup_fail') setupFailures.push(test.id);
      else if (outcome === 'no') checksAnsweredNo.push(test.id);
      if (test.kind === 'optimal' && outcome !== 'untested') {
        optimalTotal++;
        if (outcome === 'pass') optimalPass++;
      }
      if (test.kind === undefined || test.kind === 'required') {
        if (outcome === 'untested') continue;
        requiredTotal++;
        if (outcome === 'pass') requiredPass++;
        else requiredFailures.push({ id: test.id, suite: suite.name, name: test.name ?? '', outcome, detail: results[test.id] });
      }
    }
  }
  return { requiredPass, requiredTotal, optimalPass, optimalTotal, counts, requiredFailures, optionalFailures, setupFailures, checksAnsweredNo };
}

// The suite's raw per-test results, kept beside the run's config for looking into one outcome.
writeFileSync(join(work, 'results.json'), output);
const mine = summarise(JSON.parse(output) as Results);
const peers: Record<string, number> = {};
const peersOptimal: Record<string, number> = {};
for (const [name, file] of [['nginx', 'nginx.json'], ['varnish', 'varnish.json'], ['trafficserver', 'trafficserver.json']] as const) {
  const path = join(suiteDir, 'results', file);
  if (!existsSync(path)) continue;
  const peer = summarise((await import(pathToFileURL(path).href, { with: { type: 'json' } })).default as Results);
  peers[name] = peer.requiredPass;
  peersOptimal[name] = peer.optimalPass;
}
const report = { date: new Date().toISOString(), requiredPass: mine.requiredPass, requiredTotal: mine.requiredTotal, optimalPass: mine.optimalPass, optimalTotal: mine.optimalTotal, outcomes: mine.counts, peersRequiredPassFromSuiteResults: peers, peersOptimalPassFromSuiteResults: peersOptimal, requiredFailures: mine.requiredFailures, optionalFailures: mine.optionalFailures, setupFailures: mine.setupFailures, checksAnsweredNo: mine.checksAnsweredNo };
mkdirSync(fromRoot('bench', 'results'), { recursive: true });
writeFileSync(fromRoot('bench', 'results', 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`meridian: ${mine.requiredPass}/${mine.requiredTotal} required tests pass, ${mine.optimalPass}/${mine.optimalTotal} optimal; peers (suite's stored results): ${JSON.stringify(peers)}; raw results: ${join(work, 'results.json')}\n`);
for (const failure of mine.requiredFailures) process.stdout.write(`  ${failure.outcome.padEnd(16)} ${failure.id}: ${failure.name}\n`);
