/**
 * Where generated clients live: the IPv4 ranges of the test GeoIP DB (geo-data/test-city.source.yaml),
 * each with a share of the world's traffic and a UTC offset for its daily cycle. The shares are a
 * rough picture of CDN traffic, not data.
 */
export interface ClientRegion {
  code: string;
  /** First octet of the region's /8 in the test DB. */
  octet: number;
  utcOffsetHours: number;
  share: number;
}

export const CLIENT_REGIONS: readonly ClientRegion[] = [
  { code: 'EU-DE', octet: 81, utcOffsetHours: 1, share: 0.1 },
  { code: 'EU-FR', octet: 82, utcOffsetHours: 1, share: 0.07 },
  { code: 'EU-GB', octet: 83, utcOffsetHours: 0, share: 0.08 },
  { code: 'EU-NL', octet: 84, utcOffsetHours: 1, share: 0.03 },
  { code: 'NA-US-CA', octet: 12, utcOffsetHours: -8, share: 0.14 },
  { code: 'NA-US-NY', octet: 13, utcOffsetHours: -5, share: 0.14 },
  { code: 'NA-CA', octet: 24, utcOffsetHours: -5, share: 0.05 },
  { code: 'SA-BR', octet: 177, utcOffsetHours: -3, share: 0.09 },
  { code: 'AS-JP', octet: 126, utcOffsetHours: 9, share: 0.12 },
  { code: 'AS-SG', octet: 175, utcOffsetHours: 8, share: 0.08 },
  { code: 'OC-AU', octet: 101, utcOffsetHours: 10, share: 0.06 },
  { code: 'AF-ZA', octet: 41, utcOffsetHours: 2, share: 0.04 },
];

/**
 * Relative traffic by local hour (0-23): a typical eyeball-network day, lowest before dawn and
 * highest in the evening. Linearly interpolated between hours.
 */
const HOURLY_PROFILE = [0.55, 0.4, 0.3, 0.22, 0.18, 0.18, 0.22, 0.3, 0.4, 0.5, 0.58, 0.64, 0.68, 0.7, 0.72, 0.75, 0.8, 0.86, 0.93, 0.98, 1, 0.97, 0.85, 0.7];

export function dailyActivity(utcSeconds: number, utcOffsetHours: number): number {
  const hours = ((((utcSeconds / 3600 + utcOffsetHours) % 24) + 24) % 24);
  const h = Math.floor(hours);
  const next = HOURLY_PROFILE[(h + 1) % 24]!;
  return HOURLY_PROFILE[h]! + (next - HOURLY_PROFILE[h]!) * (hours - h);
}
