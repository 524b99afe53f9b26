import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';
import { parseZone, parseZoneFile, readZoneFile, RRType, ZoneInvalidError, type ResourceRecord, type Zone } from '../../src/zone/index.js';

const fixture = fromRoot('test', 'fixtures', 'zones', 'good', 'example.test.zone');

function records(zone: Zone, name: string, type: number): ResourceRecord[] {
  return zone.nodes.get(name)?.get(type) ?? [];
}

function texts(zone: Zone, name: string, type: number): string[] {
  return records(zone, name, type).map((r) => r.text);
}

/** Parse a zone body under a standard SOA/NS header (lines 1-3), so line numbers start at 4. */
const HEADER = '$TTL 300\n@ SOA ns.example.net. h.example.net. 1 3600 600 86400 60\n  NS ns.example.net.\n';
function parseBody(body: string) {
  return parseZone(HEADER + body, { file: 'inline.zone', origin: 'example.test' });
}
function errorsOf(body: string): string[] {
  return parseBody(body)
    .problems.filter((p) => p.severity === 'error')
    .map((p) => `${p.line}: ${p.message}`);
}

test('the fixture zone parses with every syntax feature', () => {
  const zone = parseZoneFile(fixture);
  assert.equal(zone.origin, 'example.test');
  assert.equal(zone.serial, 2026010101);
  assert.equal(zone.file, fixture);
  // Multi-line parentheses, comments inside them and BIND unit TTLs in the SOA timers.
  assert.deepEqual(texts(zone, 'example.test', RRType.SOA), ['ns1.example.test. hostmaster.example.test. 2026010101 7200 900 1209600 300']);
  assert.equal(zone.soa.source.line, 3);
  // Omitted owner repeats the previous one; relative and absolute names.
  assert.deepEqual(texts(zone, 'example.test', RRType.NS), ['ns1.example.test.', 'ns2.example.test.']);
  assert.equal(records(zone, 'example.test', RRType.NS)[0]?.target, 'ns1.example.test');
  // TTL and class in either order; omitted TTL takes $TTL (RFC 2308).
  assert.equal(records(zone, 'www.example.test', RRType.A)[0]?.ttl, 60);
  assert.equal(records(zone, 'www.example.test', RRType.AAAA)[0]?.ttl, 120);
  assert.equal(records(zone, 'ns1.example.test', RRType.A)[0]?.ttl, 3600);
  assert.deepEqual(texts(zone, 'www.example.test', RRType.A), ['192.0.2.10', '192.0.2.11']);
  // Names are canonical: lowercase, AAAA in canonical text.
  assert.equal(records(zone, 'www2.example.test', RRType.CNAME)[0]?.target, 'www.example.test');
  assert.deepEqual(texts(zone, 'ns2.example.test', RRType.AAAA), ['2001:db8::2']);
});

test('TXT: quoted strings, escapes, several strings, parentheses', () => {
  const zone = parseZoneFile(fixture);
  const [first, second] = records(zone, 'txt.example.test', RRType.TXT);
  assert.equal(first?.text, '"quoted \\"inner\\" text" "unquoted" "semi;colon" "back\\\\slash" "ABC"');
  assert.deepEqual(first?.rdata.subarray(0, 20), Buffer.from('\x13quoted "inner" text', 'latin1'));
  assert.equal(second?.text, '"first" "second"');
  assert.deepEqual(second?.rdata, Buffer.from('\x05first\x06second', 'latin1'));
});

test('MX, SRV, CAA, PTR carry wire rdata and targets', () => {
  const zone = parseZoneFile(fixture);
  const mx = records(zone, 'mx.example.test', RRType.MX)[0];
  assert.equal(mx?.target, 'mail.example.net');
  assert.deepEqual(mx?.rdata, Buffer.from('000a046d61696c076578616d706c65036e657400', 'hex'));
  const srv = records(zone, '_sip._udp.example.test', RRType.SRV)[0];
  assert.equal(srv?.text, '0 5 5060 sip.example.test.');
  assert.equal(srv?.target, 'sip.example.test');
  assert.deepEqual(srv?.rdata.subarray(0, 6), Buffer.from([0, 0, 0, 5, 0x13, 0xc4]));
  assert.deepEqual(texts(zone, 'caa.example.test', RRType.CAA), ['0 issue "ca.example.net; account=1"', '128 tbs "x"']);
  assert.deepEqual(records(zone, 'caa.example.test', RRType.CAA)[1]?.rdata, Buffer.from([128, 3, ...Buffer.from('tbsx')]));
  assert.equal(records(zone, 'ptr.example.test', RRType.PTR)[0]?.target, 'www.example.test');
});

test('RFC 3597: TYPEnnn with \\# rdata, CLASS1, and known types in generic form', () => {
  const zone = parseZoneFile(fixture);
  const generic = records(zone, 'generic.example.test', 65280)[0];
  assert.deepEqual(generic?.rdata, Buffer.from([0x0a, 0x0b, 0x0c, 0x0d]));
  assert.equal(generic?.text, '\\# 4 0a0b0c0d');
  assert.equal(records(zone, 'empty.example.test', 65281)[0]?.rdata.length, 0);
  assert.deepEqual(texts(zone, 'known.example.test', RRType.A), ['192.0.2.99']);
});

test('wildcards, escaped dots and empty non-terminals (RFC 8020)', () => {
  const zone = parseZoneFile(fixture);
  assert.ok(zone.nodes.get('*.wild.example.test')?.get(RRType.A));
  assert.equal(zone.nodes.get('wild.example.test')?.size, 0);
  for (const ent of ['deep.example.test', 'c.deep.example.test', 'b.c.deep.example.test', '_udp.example.test']) {
    assert.equal(zone.nodes.get(ent)?.size, 0, `${ent} should be an empty non-terminal`);
  }
  assert.ok(zone.nodes.get('esc\\.dot.example.test')?.get(RRType.TXT));
  assert.equal(zone.nodes.has('dot.example.test'), false);
});

test('$INCLUDE with an origin, and the origin restored afterwards; $ORIGIN', () => {
  const zone = parseZoneFile(fixture);
  const included = records(zone, 'sub.example.test', RRType.A)[0];
  assert.equal(included?.text, '192.0.2.70');
  assert.equal(included?.ttl, 900);
  assert.match(included?.source.file ?? '', /includes\/hosts\.inc$/);
  assert.equal(included?.source.line, 3);
  assert.ok(records(zone, 'h1.sub.example.test', RRType.A)[0]);
  assert.ok(records(zone, 'h2.example.test', RRType.A)[0], 'absolute name inside the include');
  assert.ok(records(zone, 'after.example.test', RRType.A)[0], 'origin is back to example.test after the include');
  assert.ok(records(zone, 'host.other.example.test', RRType.A)[0]);
  assert.deepEqual(texts(zone, 'other.example.test', RRType.TXT), ['"at the new origin"']);
});

test('the origin comes from the file name unless a leading $ORIGIN says otherwise', () => {
  const zone = parseZoneFile(fromRoot('test', 'fixtures', 'zones', 'good', 'other.test.zone'));
  assert.equal(zone.origin, 'other.test');
  const renamed = parseZone('$ORIGIN Real.Test.\n$TTL 60\n@ SOA ns.x. h.x. 1 1 1 1 1\n NS ns.x.\n', { file: 'whatever.zone', origin: 'whatever' });
  assert.equal(renamed.zone?.origin, 'real.test');
});

test('omitted TTL without $TTL: last explicit TTL (RFC 1035), SOA minimum as a last resort', () => {
  const result = parseZone('@ SOA ns.x. h.x. 1 1 1 1 77\n NS ns.x.\nwww 30 A 192.0.2.1\nmail A 192.0.2.2\n', { file: 'f.zone', origin: 'x.test' });
  assert.ok(result.zone);
  assert.equal(result.zone.soa.ttl, 77);
  assert.equal(result.zone.nodes.get('mail.x.test')?.get(RRType.A)?.[0]?.ttl, 30);
  assert.deepEqual(
    result.problems.map((p) => [p.line, p.severity]),
    [[1, 'warning']],
  );
  const none = parseZone('www A 192.0.2.1\n', { file: 'f.zone', origin: 'x.test' });
  assert.match(none.problems.find((p) => p.line === 1 && /no TTL/.test(p.message))?.message ?? '', /\$TTL/);
});

test('syntax errors are reported with their line numbers', () => {
  const cases: Array<[string, RegExp]> = [
    ['www A 192.0.2.256\n', /^4: malformed IPv4 address "192\.0\.2\.256"/],
    ['www A 192.0.2\n', /^4: malformed IPv4 address/],
    ['www AAAA 2001:db8::g\n', /^4: malformed IPv6 address/],
    ['www AAAA 192.0.2.1\n', /^4: malformed IPv6 address/],
    ['www 2147483648 A 192.0.2.1\n', /^4: TTL 2147483648 is out of range/],
    ['$TTL 99999999999\n', /^4: TTL 99999999999 is out of range/],
    ['www 5x A 192.0.2.1\n', /^4: unknown record type "5x"/],
    ['www FOO 1\n', /^4: unknown record type "FOO"/],
    ['www CH A 192.0.2.1\n', /^4: class CH is not supported/],
    ['www CLASS3 A 192.0.2.1\n', /^4: class CH is not supported/],
    ['www TXT "bad \\1x"\n', /^4: bad escape "\\1": \\DDD needs exactly three digits/],
    ['www TXT "bad \\256"\n', /^4: bad escape "\\256": \\DDD must be at most 255/],
    ['www TXT "never closed\nnext A 192.0.2.1\n', /^4: unterminated quoted string/],
    ['www TXT ( "a"\n "b"\n', /^4: unterminated "\(": no matching "\)"/],
    ['\n\nwww TXT "a" )\n', /^6: unbalanced "\)"/],
    ['www MX mail.example.net.\n', /^4: MX preference "mail\.example\.net\." must be a number from 0 to 65535/],
    ['www MX 10\n', /^4: MX record is missing its exchange/],
    ['www A 192.0.2.1 192.0.2.2\n', /^4: unexpected "192\.0\.2\.2" after the A rdata/],
    ['www CAA 0 is-sue "x"\n', /^4: CAA tag "is-sue"/],
    ['www TYPE65280 1 2 3\n', /^4: type TYPE65280 has no presentation format/],
    ['www TYPE65280 \\# 3 0102\n', /^4: RFC 3597 rdata says 3 bytes but holds 2/],
    ['www TYPE65280 \\# 2 zzzz\n', /^4: RFC 3597 rdata must be hexadecimal/],
    ['www TYPE1 \\# 3 010203\n', /^4: rdata is shorter than its type requires/],
    ['www ANY \\# 0\n', /^4: ANY is a query-only type/],
    ['$GENERATE 1-3 h$ A 192.0.2.$\n', /^4: unknown directive \$GENERATE/],
    ['a..b A 192.0.2.1\n', /^4: empty label/],
    [`${'x'.repeat(64)} A 192.0.2.1\n`, /^4: label longer than 63 bytes/],
    [`www TXT "${'y'.repeat(256)}"\n`, /^4: string is 256 bytes long/],
    ['"quoted" A 192.0.2.1\n', /^4: an owner name must not be quoted/],
  ];
  for (const [body, expected] of cases) {
    const errors = errorsOf(body);
    assert.ok(errors.some((e) => expected.test(e)), `${JSON.stringify(body)} gave ${JSON.stringify(errors)}`);
  }
});

test('an omitted owner on the first record is an error, later records still parse', () => {
  const result = parseZone(' A 192.0.2.1\n$TTL 60\n@ SOA ns.x. h.x. 1 1 1 1 1\n NS ns.x.\n', { file: 'f.zone', origin: 'x.test' });
  assert.deepEqual(
    result.problems.map((p) => `${p.line}: ${p.message}`),
    ['1: the line starts with a blank, so it repeats the previous owner name, but there is none yet'],
  );
});

test('an error on one line does not hide errors on later lines', () => {
  const errors = errorsOf('a A 1.2.3\nb A 192.0.2.1\nc AAAA nope\n');
  assert.deepEqual(
    errors.map((e) => e.split(':')[0]),
    ['4', '6'],
  );
});

test('duplicate records collapse with a warning; mixed TTLs in an RRset take the first', () => {
  const result = parseBody('www 60 A 192.0.2.1\nwww 60 A 192.0.2.1\nwww 90 A 192.0.2.2\n');
  assert.ok(result.zone);
  assert.deepEqual(
    result.zone.nodes.get('www.example.test')?.get(RRType.A)?.map((r) => [r.text, r.ttl]),
    [
      ['192.0.2.1', 60],
      ['192.0.2.2', 60],
    ],
  );
  assert.deepEqual(
    result.problems.map((p) => [p.line, p.severity]),
    [
      [5, 'warning'],
      [6, 'warning'],
    ],
  );
});

test('$INCLUDE: relative to the including file, loops and missing files are errors', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'loop.test.zone'), `${HEADER}$INCLUDE a.inc\n`);
  writeFileSync(join(dir, 'a.inc'), 'a A 192.0.2.1\n$INCLUDE b.inc\n');
  writeFileSync(join(dir, 'b.inc'), 'b A 192.0.2.2\n$INCLUDE a.inc\n');
  const loop = readZoneFile(join(dir, 'loop.test.zone'), { origin: 'example.test' });
  assert.equal(loop.zone, undefined);
  assert.deepEqual(
    loop.problems.map((p) => [p.file, p.line]),
    [[join(dir, 'b.inc'), 2]],
  );
  assert.match(loop.problems[0]?.message ?? '', /\$INCLUDE loop/);

  writeFileSync(join(dir, 'missing.test.zone'), `${HEADER}$INCLUDE nowhere.inc\n`);
  const missing = readZoneFile(join(dir, 'missing.test.zone'), { origin: 'example.test' });
  assert.match(missing.problems[0]?.message ?? '', /cannot read \$INCLUDE file .*nowhere\.inc/);
  assert.equal(missing.problems[0]?.line, 4);
});

test('parseZoneFile throws a coded error listing the problems; a missing file is a problem too', () => {
  assert.throws(
    () => parseZoneFile(fromRoot('test', 'fixtures', 'zones', 'broken', 'broken.test.zone')),
    (err: unknown) => err instanceof ZoneInvalidError && err.code === 'MERIDIAN_E_ZONE_INVALID' && err.problems.length > 5,
  );
  const missing = readZoneFile('/nonexistent/zone.test.zone');
  assert.equal(missing.zone, undefined);
  assert.match(missing.problems[0]?.message ?? '', /cannot read the zone file/);
});

test('mangled input never throws: a thousand random edits of the fixture give problems, not crashes', () => {
  const original = readFileSync(fixture, 'utf8');
  const alphabet = ['(', ')', '"', '\\', ';', '\n', ' ', '\t', '$', '@', '.', '#', '0', '999', 'A', 'TYPE', '\\#', '\\999', '*', '\u00e9', '\r'];
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 1000; round++) {
    let text = original;
    for (let edits = 1 + random(4); edits > 0; edits--) {
      const at = random(text.length);
      const cut = random(6);
      text = text.slice(0, at) + (alphabet[random(alphabet.length)] as string) + text.slice(at + cut);
    }
    const result = parseZone(text, { file: fixture, origin: 'example.test' });
    for (const problem of result.problems) assert.ok(problem.line >= 1 && problem.message.length > 0);
  }
  assert.equal(parseZone('\u0000\u0001\uFFFF', { file: 'x.zone', origin: 'x' }).zone, undefined);
});

test('a byte-order mark and CRLF line ends are accepted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-zone-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'crlf.test.zone');
  writeFileSync(file, `\uFEFF${HEADER}www A 192.0.2.1\n`.replace(/\n/g, '\r\n'));
  const result = readZoneFile(file);
  assert.deepEqual(result.problems, []);
  assert.ok(result.zone?.nodes.get('www.crlf.test')?.get(RRType.A));
});
