import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalName, decodeName, encodeName, encodeRdata, isSubdomain, parentName, RRType, typeCode, typeName, ZoneSyntaxError } from '../../src/zone/index.js';

test('type table: names and codes both ways, RFC 3597 TYPEnnn', () => {
  assert.equal(RRType.AAAA, 28);
  assert.equal(typeCode('aaaa'), 28);
  assert.equal(typeCode('CAA'), 257);
  assert.equal(typeCode('TYPE65280'), 65280);
  assert.equal(typeCode('TYPE1'), 1);
  assert.equal(typeCode('TYPE65536'), undefined);
  assert.equal(typeCode('NOPE'), undefined);
  assert.equal(typeName(5), 'CNAME');
  assert.equal(typeName(65280), 'TYPE65280');
});

test('encodeName: canonical and trailing-dot names, root, escapes, limits', () => {
  assert.deepEqual(encodeName('www.Example.com'), Buffer.from('\x03www\x07example\x03com\x00', 'latin1'));
  assert.deepEqual(encodeName('www.example.com.'), encodeName('www.example.com'));
  assert.deepEqual(encodeName(''), Buffer.from([0]));
  assert.deepEqual(encodeName('.'), Buffer.from([0]));
  assert.deepEqual(encodeName('a\\.b.c'), Buffer.from('\x03a.b\x01c\x00', 'latin1'));
  assert.deepEqual(encodeName('\\065.c'), Buffer.from('\x01a\x01c\x00', 'latin1'));
  assert.throws(() => encodeName(`${'a'.repeat(64)}.com`), ZoneSyntaxError);
  assert.throws(() => encodeName(Array.from({ length: 130 }, () => 'a').join('.')), /longer than 255/);
  assert.throws(() => encodeName('a..b'), /empty label/);
  const { name, end } = decodeName(encodeName('a\\.b.c'), 0);
  assert.equal(name, 'a\\.b.c');
  assert.equal(end, 7);
});

test('name helpers', () => {
  assert.equal(canonicalName('WWW.Example.COM.'), 'www.example.com');
  assert.equal(isSubdomain('www.example.com', 'example.com'), true);
  assert.equal(isSubdomain('example.com', 'example.com'), true);
  assert.equal(isSubdomain('badexample.com', 'example.com'), false);
  assert.equal(isSubdomain('a\\.example.com', 'example.com'), false);
  assert.equal(isSubdomain('anything', ''), true);
  assert.equal(parentName('www.example.com'), 'example.com');
  assert.equal(parentName('com'), '');
  assert.equal(parentName(''), undefined);
  assert.equal(parentName('a\\.b.c'), 'c');
});

test('encodeRdata for the routing engine: A, AAAA, CNAME, generic', () => {
  assert.deepEqual(encodeRdata('A', '192.0.2.1').rdata, Buffer.from([192, 0, 2, 1]));
  const aaaa = encodeRdata('AAAA', '2001:DB8::1');
  assert.equal(aaaa.rdata.length, 16);
  assert.equal(aaaa.text, '2001:db8::1');
  const cname = encodeRdata('CNAME', 'edge.example.com.');
  assert.equal(cname.target, 'edge.example.com');
  assert.deepEqual(cname.rdata, encodeName('edge.example.com'));
  assert.equal(encodeRdata('CNAME', 'edge', 'cdn.example.com').target, 'edge.cdn.example.com');
  assert.deepEqual(encodeRdata(RRType.TXT, '"a b" c').rdata, Buffer.from('\x03a b\x01c', 'latin1'));
  assert.deepEqual(encodeRdata('TYPE999', '\\# 2 abcd').rdata, Buffer.from([0xab, 0xcd]));
  assert.throws(() => encodeRdata('A', '192.0.2'), (err: unknown) => err instanceof ZoneSyntaxError && err.code === 'MERIDIAN_E_ZONE_SYNTAX');
  assert.throws(() => encodeRdata('BOGUS', 'x'), /unknown record type/);
});
