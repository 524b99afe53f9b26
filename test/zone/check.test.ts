import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkZone, parseZone, parseZoneText } from '../../src/zone/index.js';

const SOA = '$TTL 300\n@ SOA ns1 h 1 3600 600 86400 60\n';

function problemsOf(text: string): string[] {
  return parseZone(text, { file: 'c.zone', origin: 'example.test' }).problems.map((p) => `${p.line}: ${p.severity}: ${p.message}`);
}

function assertOnly(text: string, expected: RegExp[]): void {
  const problems = problemsOf(text);
  assert.equal(problems.length, expected.length, `got ${JSON.stringify(problems)}`);
  expected.forEach((re, i) => assert.match(problems[i] as string, re));
}

test('a complete zone passes with no problem at all', () => {
  assertOnly(`${SOA}  NS ns1\n  NS ns.example.net.\nns1 A 192.0.2.1\nwww CNAME ns1\nsub NS ns.sub\nns.sub A 192.0.2.9\n`, []);
});

test('missing SOA, missing apex NS', () => {
  assertOnly('$TTL 60\nwww A 192.0.2.1\n', [/^1: error: zone example\.test\. has no SOA record/, /^1: error: zone example\.test\. has no NS records at its apex/]);
  assertOnly(`${SOA}www A 192.0.2.1\n`, [/^2: error: zone example\.test\. has no NS records at its apex/]);
});

test('more than one SOA, and an SOA below the apex', () => {
  assertOnly(`${SOA}  NS ns.example.net.\n@ SOA ns1 h 2 3600 600 86400 60\n`, [/^4: error: more than one SOA record \(the first is at c\.zone:2\)/]);
  assertOnly(`${SOA}  NS ns.example.net.\nsub SOA ns1 h 2 3600 600 86400 60\n`, [/^4: error: SOA record at sub\.example\.test\. is not at the zone apex/]);
});

test('CNAME beside other data, several CNAMEs, CNAME at the apex', () => {
  assertOnly(`${SOA}  NS ns.example.net.\nwww CNAME a.example.net.\nwww TXT "x"\n`, [/^4: error: CNAME at www\.example\.test\. cannot coexist with other data \(TXT at c\.zone:5\)/]);
  assertOnly(`${SOA}  NS ns.example.net.\nwww CNAME a.example.net.\nwww CNAME b.example.net.\n`, [/^5: error: more than one CNAME at www\.example\.test\. \(the first is at c\.zone:4\)/]);
  assertOnly(`${SOA}  NS ns.example.net.\n@ CNAME a.example.net.\n`, [/^4: error: CNAME at example\.test\. cannot coexist with other data \(SOA at c\.zone:2\)/]);
});

test('out-of-zone data', () => {
  assertOnly(`${SOA}  NS ns.example.net.\nwww.example.org. A 192.0.2.1\nnotexample.test. A 192.0.2.1\n`, [
    /^4: error: www\.example\.org\. is outside the zone example\.test\. \(out-of-zone data\)/,
    /^5: error: notexample\.test\. is outside the zone/,
  ]);
});

test('NS glue: in-zone targets need addresses, out-of-zone targets do not', () => {
  // Apex NS pointing inside the zone with no address.
  assertOnly(`${SOA}  NS ns1\n`, [/^3: error: NS target ns1\.example\.test\. has no A or AAAA record: it is inside this zone/]);
  // Delegation whose name server lies under it: glue needed.
  assertOnly(`${SOA}  NS ns.example.net.\nchild NS ns.child\n`, [
    /^4: error: NS target ns\.child\.example\.test\. has no A or AAAA record: it is below the delegation of child\.example\.test\., so glue is needed/,
  ]);
  // AAAA-only glue is enough; out-of-bailiwick targets need nothing here.
  assertOnly(`${SOA}  NS ns.example.net.\nchild NS ns.child\n NS ns.example.org.\nns.child AAAA 2001:db8::1\n`, []);
  // A name server that is an alias.
  assertOnly(`${SOA}  NS ns.example.net.\nchild NS alias\nalias CNAME ns.example.net.\n`, [/^4: error: NS target alias\.example\.test\. is a CNAME/]);
});

test('data hidden by a delegation is a warning; DNAME with names below it is an error', () => {
  assertOnly(`${SOA}  NS ns.example.net.\nchild NS ns.example.net.\nchild TXT "hidden"\nwww.child TXT "hidden too"\n`, [
    /^5: warning: TXT at child\.example\.test\. is hidden by the delegation/,
    /^6: warning: TXT at www\.child\.example\.test\. is hidden by the delegation/,
  ]);
  assertOnly(`${SOA}  NS ns.example.net.\nold DNAME new.example.net.\nwww.old A 192.0.2.1\n`, [/^5: error: www\.old\.example\.test\. is below the DNAME at old\.example\.test\./]);
});

test('DNAME: beside a CNAME, twice at one owner, at a delegation point are errors (RFC 6672 sections 2.3, 2.4)', () => {
  assertOnly(`${SOA}  NS ns.example.net.\nold DNAME new.example.net.\nold CNAME www.example.net.\n`, [
    /^5: error: CNAME at old\.example\.test\. cannot coexist with other data \(DNAME at c\.zone:4\), RFC 6672 section 2\.4/,
  ]);
  assertOnly(`${SOA}  NS ns.example.net.\nold DNAME new.example.net.\nold DNAME other.example.net.\n`, [
    /^5: error: more than one DNAME at old\.example\.test\. \(the first is at c\.zone:4\), RFC 6672 section 2\.4/,
  ]);
  // One error naming both records, not also the generic "hidden by the delegation" warning.
  assertOnly(`${SOA}  NS ns.example.net.\nchild NS ns.example.net.\nchild DNAME new.example.net.\n`, [
    /^5: error: DNAME at child\.example\.test\. cannot sit at the delegation point \(NS at c\.zone:4\); put it in the child zone/,
  ]);
});

test('DNAME: at the apex and beside other data is fine; a wildcard owner or a target below itself is a warning', () => {
  assertOnly(`${SOA}  NS ns.example.net.\n  DNAME example.net.\n  MX 10 mail.example.net.\n`, []);
  assertOnly(`${SOA}  NS ns.example.net.\nold DNAME new\nold TXT "kept"\nold A 192.0.2.1\n`, []);
  assertOnly(`${SOA}  NS ns.example.net.\n*.w DNAME new.example.net.\n`, [/^4: warning: DNAME at the wildcard \*\.w\.example\.test\. is discouraged \(RFC 6672 section 3\.3\)/]);
  assertOnly(`${SOA}  NS ns.example.net.\nself DNAME x.self\n`, [/^4: warning: DNAME at self\.example\.test\. points at x\.self\.example\.test\., at or below itself/]);
});

test('an MX or SRV target that is a CNAME is a warning', () => {
  assertOnly(`${SOA}  NS ns.example.net.\n@ MX 10 mail\n_x._tcp SRV 0 0 80 mail\nmail CNAME host.example.net.\n`, [
    /^4: warning: MX target mail\.example\.test\. is a CNAME/,
    /^5: warning: SRV target mail\.example\.test\. is a CNAME/,
  ]);
});

test('checkZone works on a parsed zone without building it', () => {
  const parsed = parseZoneText('$TTL 60\nwww A 192.0.2.1\n', { file: 'p.zone', origin: 'example.test' });
  assert.deepEqual(
    checkZone(parsed).map((p) => p.message),
    ['zone example.test. has no SOA record', 'zone example.test. has no NS records at its apex'],
  );
});
