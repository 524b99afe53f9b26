import { GeoError, GeoErrorCode } from './errors.js';
import type { ClientLocation, GeoCode } from './types.js';

/** Continent codes as MaxMind and octoDNS use them. */
export const CONTINENT_CODES: ReadonlyMap<string, string> = new Map([
  ['AF', 'Africa'],
  ['AN', 'Antarctica'],
  ['AS', 'Asia'],
  ['EU', 'Europe'],
  ['NA', 'North America'],
  ['OC', 'Oceania'],
  ['SA', 'South America'],
]);

/**
 * ISO 3166-1 alpha-2 country codes (the 249 officially assigned ones), plus XK (Kosovo),
 * a user-assigned code that MaxMind databases return.
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ ' +
    'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
    'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY ' +
    'HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY ' +
    'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
    'NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA ' +
    'RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ ' +
    'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ ' +
    'VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'
  ).split(' '),
);

/** ISO 3166-2 subdivision part: 1-3 letters or digits (CA in US-CA, 75 in FR-75, ENG in GB-ENG). */
const SUBDIVISION = /^[A-Z0-9]{1,3}$/;

/**
 * Parse a routing-rule geo code: `EU` (continent), `EU-DE` (country), `NA-US-CA` (subdivision),
 * octoDNS's layout. Throws MERIDIAN_E_GEO_CODE_INVALID naming what is wrong.
 */
export function parseGeoCode(code: string): GeoCode {
  const parts = typeof code === 'string' ? code.split('-') : [];
  const fail = (why: string): never => {
    throw new GeoError(GeoErrorCode.CodeInvalid, `geo code ${JSON.stringify(code)}: ${why}`, {
      hint: 'write a continent (EU), continent-country (EU-DE) or continent-country-subdivision (NA-US-CA), upper case',
    });
  };
  if (parts.length < 1 || parts.length > 3) fail('expected 1 to 3 parts separated by "-"');
  const [continent = '', country, subdivision] = parts;
  if (!CONTINENT_CODES.has(continent)) fail(`unknown continent ${JSON.stringify(continent)} (one of ${[...CONTINENT_CODES.keys()].join(', ')})`);
  if (country !== undefined && !COUNTRY_CODES.has(country)) fail(`unknown ISO 3166-1 alpha-2 country ${JSON.stringify(country)}`);
  if (subdivision !== undefined && !SUBDIVISION.test(subdivision)) fail(`subdivision ${JSON.stringify(subdivision)} is not 1-3 upper-case letters or digits`);
  const geo: GeoCode = { continent };
  if (country !== undefined) geo.country = country;
  if (subdivision !== undefined) geo.subdivision = subdivision;
  return geo;
}

export function isGeoCode(code: string): boolean {
  try {
    parseGeoCode(code);
    return true;
  } catch {
    return false;
  }
}

/**
 * Does the located client fall inside a geo code? A fact, not a decision: every part the code
 * names must equal the location's; a location missing a named part does not match.
 */
export function matchesGeo(location: Pick<ClientLocation, 'continent' | 'country' | 'subdivision'>, geo: GeoCode): boolean {
  if (location.continent !== geo.continent) return false;
  if (geo.country !== undefined && location.country !== geo.country) return false;
  if (geo.subdivision !== undefined && location.subdivision !== geo.subdivision) return false;
  return true;
}
