/**
 * The one text → address-words parser (IPv4 and IPv6), shared by geo and routing. It writes
 * into a caller-owned buffer so a routing decision allocates nothing per DNS query
 * (ipaddr.js builds objects per call, which is fine for config but not per query).
 */

/** A parsed address: family 4 uses words[0]; family 6 uses words[0..3], most significant first. */
export interface AddressWords {
  family: 4 | 6 | 0;
  words: Uint32Array;
  /** Working space of the IPv6 parser (16-bit groups), owned by this buffer so parsing allocates nothing. */
  groups: Uint32Array;
}

export function createAddressWords(): AddressWords {
  return { family: 0, words: new Uint32Array(4), groups: new Uint32Array(16) };
}

/** Parses dotted-quad IPv4 from text[start, end) into a uint32, or -1 when malformed. */
function parseIpv4Range(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
      if (dots > 3) return -1;
    } else if (c >= 48 && c <= 57) {
      // A leading zero ("01") is rejected: some stacks read it as octal.
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses an IPv4 or IPv6 address (no zone id, no prefix) from text[0, end). IPv4-mapped IPv6
 * (::ffff:a.b.c.d) comes back as family 4: clients of a dual-stack socket are IPv4 clients.
 * Returns false (and family 0) on anything malformed. `end` lets a caller that accepts a
 * zone id (`fe80::1%eth0`) parse the part before it without slicing a new string.
 */
export function parseAddressWords(text: string, out: AddressWords, end: number = text.length): boolean {
  out.family = 0;
  const colon = text.indexOf(':');
  if (colon < 0 || colon >= end) {
    const v4 = parseIpv4Range(text, 0, end);
    if (v4 < 0) return false;
    out.words[0] = v4;
    out.family = 4;
    return true;
  }
  // IPv6: up to 8 groups, one "::" gap, an optional trailing dotted quad.
  const words = out.words;
  words[0] = 0; words[1] = 0; words[2] = 0; words[3] = 0;
  const groups = out.groups;
  let count = 0;
  let gapAt = -1;
  let i = 0;
  const n = end;
  if (n < 2) return false;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gapAt = 0;
    i = 2;
  }
  while (i < n) {
    // A trailing IPv4 part takes two groups.
    let j = i;
    let group = 0;
    let digits = 0;
    while (j < n) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      group = group * 16 + h;
      digits++;
      j++;
      if (digits > 4) return false;
    }
    if (j < n && text.charCodeAt(j) === 46) {
      const v4 = parseIpv4Range(text, i, n);
      if (v4 < 0 || count > 6) return false;
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      i = n;
      break;
    }
    if (digits === 0) return false;
    if (count >= 8) return false;
    groups[count++] = group;
    if (j === n) { i = n; break; }
    if (text.charCodeAt(j) !== 58) return false;
    j++;
    if (j < n && text.charCodeAt(j) === 58) {
      if (gapAt >= 0) return false;
      gapAt = count;
      j++;
      if (j === n) { i = n; break; }
    } else if (j === n) {
      return false;
    }
    i = j;
  }
  if (gapAt < 0 && count !== 8) return false;
  if (gapAt >= 0 && count > 7) return false;
  // Expand into groups[8..15], filling the "::" gap with zeros.
  const F = 8;
  if (gapAt < 0) {
    for (let k = 0; k < 8; k++) groups[F + k] = groups[k]!;
  } else {
    const tail = count - gapAt;
    for (let k = 0; k < 8; k++) groups[F + k] = 0;
    for (let k = 0; k < gapAt; k++) groups[F + k] = groups[k]!;
    for (let k = 0; k < tail; k++) groups[F + 8 - tail + k] = groups[gapAt + k]!;
  }
  if (groups[F] === 0 && groups[F + 1] === 0 && groups[F + 2] === 0 && groups[F + 3] === 0 && groups[F + 4] === 0 && groups[F + 5] === 0xffff) {
    words[0] = groups[F + 6]! * 65536 + groups[F + 7]!;
    out.family = 4;
    return true;
  }
  for (let k = 0; k < 4; k++) words[k] = groups[F + 2 * k]! * 65536 + groups[F + 2 * k + 1]!;
  out.family = 6;
  return true;
}
