/** Server cookies are RFC 9018's, byte for byte: the published vectors of its Appendix A. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CookieMaker } from '../../src/dns/cookies.js';

const VECTORS = [
  { name: 'A.1 learning a new server cookie', secret: 'e5e973e5a6b2a43f48e7dc849e37bfcf', client: '2464c4abcf10c957', ip: '198.51.100.100', at: 1559731985, want: '010000005cf79f111f8130c3eee29480' },
  { name: 'A.2 the same client renewing it', secret: 'e5e973e5a6b2a43f48e7dc849e37bfcf', client: '2464c4abcf10c957', ip: '198.51.100.100', at: 1559734385, want: '010000005cf7a871d4a564a1442aca77' },
  { name: 'A.3 another client', secret: 'e5e973e5a6b2a43f48e7dc849e37bfcf', client: 'fc93fc62807ddb86', ip: '203.0.113.203', at: 1559734700, want: '010000005cf7a9acf73a7810aca2381e' },
  { name: 'A.4 an IPv6 client after a secret roll-over', secret: '445536bcd2513298075a5d379663c962', client: '22681ab97d52c298', ip: '2001:db8:220:1:59de:d0f4:8769:82b8', at: 1559741961, want: '010000005cf7c609a6bb79d16625507a' },
];

describe('DNS cookies (RFC 9018)', () => {
  for (const v of VECTORS) {
    it(`reproduces vector ${v.name}`, () => {
      const maker = new CookieMaker(Buffer.from(v.secret, 'hex'), () => v.at);
      const out = Buffer.alloc(20, 0xee);
      maker.write(out, 2, Buffer.from(v.client, 'hex'), v.ip);
      assert.equal(out.subarray(2, 18).toString('hex'), v.want);
      assert.deepEqual([out[0], out[1], out[18], out[19]], [0xee, 0xee, 0xee, 0xee], 'nothing written outside the 16 bytes');
    });
  }

  it('refuses a secret under 128 bits; folds a longer one to a 128-bit key, the same every time', () => {
    assert.throws(() => new CookieMaker(Buffer.alloc(8)), /at least 16 bytes, got 8/);
    const cookie = (secret: Buffer): string => {
      const out = Buffer.alloc(16);
      new CookieMaker(secret, () => 1559731985).write(out, 0, Buffer.from('2464c4abcf10c957', 'hex'), '198.51.100.100');
      return out.toString('hex');
    };
    const long = Buffer.from('e5e973e5a6b2a43f48e7dc849e37bfcf00112233445566778899aabbccddeeff', 'hex');
    assert.equal(cookie(long), cookie(Buffer.from(long)), 'deterministic, so servers sharing it agree');
    assert.notEqual(cookie(long), cookie(long.subarray(0, 16)), 'not just the first 16 bytes');
    assert.match(cookie(long), /^010000005cf79f11[0-9a-f]{16}$/);
  });
});
