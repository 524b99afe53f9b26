import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createParsedAddress, parseAddress, parseCidr } from '../../src/routing/address.js';
import { buildSubnetIndex } from '../../src/routing/subnet-index.js';

const parse = (text: string): [number, number[]] | false => {
  const out = createParsedAddress();
  return parseAddress(text, out) ? [out.family, [...out.words].slice(0, out.family === 4 ? 1 : 4)] : false;
};

test('IPv4 and IPv6 text parse without allocation into words', () => {
  assert.deepEqual(parse('192.0.2.1'), [4, [0xc0000201]]);
  assert.deepEqual(parse('2001:db8::1'), [6, [0x20010db8, 0, 0, 1]]);
  assert.deepEqual(parse('::'), [6, [0, 0, 0, 0]]);
  assert.deepEqual(parse('1::'), [6, [0x00010000, 0, 0, 0]]);
  assert.deepEqual(parse('::ffff:10.1.2.3'), [4, [0x0a010203]], 'IPv4-mapped is an IPv4 client');
  assert.deepEqual(parse('64:ff9b::10.1.2.3'), [6, [0x0064ff9b, 0, 0, 0x0a010203]]);
  assert.deepEqual(parse('1:2:3:4:5:6:7:8'), [6, [0x00010002, 0x00030004, 0x00050006, 0x00070008]]);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', ':1', '1:', 'a.b.c.d', '12345::']) {
    assert.equal(parse(bad), false, bad);
  }
});

test('CIDRs: host bits must be zero, prefixes in range', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { family: 4, words: new Uint32Array([0x0a000000, 0, 0, 0]), prefix: 8 });
  assert.match(parseCidr('10.0.0.1/8') as string, /host bits set/);
  assert.match(parseCidr('10.0.0.0/33') as string, /longer than 32/);
  assert.match(parseCidr('10.0.0.0') as string, /not a CIDR/);
  assert.match(parseCidr('10.0.0.0/x') as string, /invalid prefix/);
  assert.equal((parseCidr('::/0') as { prefix: number }).prefix, 0);
});

test('the subnet index returns every rule whose CIDRs contain the address, and the prefix that decided it', () => {
  const cidr = (t: string) => parseCidr(t) as Exclude<ReturnType<typeof parseCidr>, string>;
  const index = buildSubnetIndex([[cidr('10.0.0.0/8')], [], [cidr('10.1.0.0/16'), cidr('2001:db8::/32')], [cidr('0.0.0.0/0')]]);
  const out = new Uint32Array(1);
  const match = (text: string): [number, number] => {
    const p = createParsedAddress();
    parseAddress(text, p);
    const longest = index.match(p.family as 4 | 6, p.words, out);
    return [longest, out[0]!];
  };
  assert.deepEqual(match('10.1.2.3'), [16, 0b1101], 'inside the /16: nothing deeper to tell apart');
  assert.deepEqual(match('10.2.2.3'), [15, 0b1001], '10.2/15 holds no part of 10.1/16: the /15 decided');
  assert.deepEqual(match('11.0.0.1'), [8, 0b1000], '11/8 holds no part of 10/8');
  assert.deepEqual(match('2001:db8::5'), [32, 0b0100]);
  assert.deepEqual(match('2001:db9::5'), [32, 0], 'a neighbour of 2001:db8::/32 differs in its 32nd bit');
  assert.deepEqual(match('192.0.2.1'), [1, 0b1000], 'the first bit already leaves 10/8 behind');
});
