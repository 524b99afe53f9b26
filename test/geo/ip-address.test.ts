import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseAddress } from '../../src/geo/ip-address.js';

function expectedWords(address: string): number[] {
  const bytes = ipaddr.parse(address.split('%')[0] as string).toByteArray();
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) words.push((((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0);
  return words;
}

test('the hand-rolled parser agrees with node:net and ipaddr.js', () => {
  const valid = [
    '0.0.0.0', '255.255.255.255', '81.2.3.4', '10.0.0.1',
    '::', '::1', '2001:db8::', '2001:db8::1', '2001:DB8:0:0:8:800:200C:417A', 'fe80::1%eth0',
    '1:2:3:4:5:6:7:8', '1::8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '::ffff:1.2.3.4', '64:ff9b::192.0.2.33', '1:2:3:4:5:6:1.2.3.4',
  ];
  for (const address of valid) {
    const parsed = parseAddress(address);
    assert.ok(parsed, address);
    const words = expectedWords(address);
    if (parsed.mapped) assert.deepEqual([0, 0, 0xffff, ...parsed.words], words, address);
    else assert.deepEqual([...parsed.words], words, address);
  }
  const invalid = [
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.', '.1.2.3', '1..2.3', '1.2.3.4 ', 'a.b.c.d',
    ':', ':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '1:2:3:4:5:6:7::8', '::1.2.3', '1::2:', ':1::2', 'example.com',
  ];
  for (const address of invalid) {
    assert.equal(parseAddress(address), undefined, address);
    assert.equal(isIP(address), 0, `node agrees ${address} is invalid`);
  }
});

test('random addresses round-trip against ipaddr.js', () => {
  for (let i = 0; i < 2000; i++) {
    const v6 = Array.from({ length: 8 }, () => Math.floor(Math.random() * 0x10000).toString(16));
    if (i % 3 === 0) v6.fill('0', 2, 5);
    const text = ipaddr.parse(v6.join(':')).toString();
    const parsed = parseAddress(text);
    const words = expectedWords(text);
    assert.ok(parsed, text);
    assert.deepEqual(parsed.mapped ? [0, 0, 0xffff, ...parsed.words] : [...parsed.words], words, text);
  }
});
