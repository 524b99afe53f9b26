/** Shared by `meridian route explain` and GET /v1/route: check the query, run the traced decision. */
import type { ClientSubnet } from '../dns/index.js';
import { createParsedAddress, parseAddress, parseCidr } from './address.js';
import type { RoutingEngine } from './engine.js';
import { RoutingError, RoutingErrorCode } from './errors.js';
import type { Decision } from './types.js';

export interface ExplainQuery {
  name: string;
  client: string;
  type?: string | undefined;
  /** An ECS source network (`203.0.113.0/24`), as a resolver would send it. */
  ecs?: string | undefined;
}

export function explainQuery(engine: RoutingEngine, query: ExplainQuery): Decision {
  if (!query.name) throw new RoutingError(RoutingErrorCode.badQuery, 'name is required', { hint: 'give the routed name, e.g. www.cdn.example.com' });
  if (!query.client || !parseAddress(query.client, createParsedAddress()) || query.client.includes('%')) {
    throw new RoutingError(RoutingErrorCode.badQuery, `client '${query.client}' is not an IP address`, { hint: 'give the client (or resolver) address, e.g. 198.51.100.7' });
  }
  let ecs: ClientSubnet | undefined;
  if (query.ecs) {
    const parsed = parseCidr(query.ecs);
    if (typeof parsed === 'string') throw new RoutingError(RoutingErrorCode.badQuery, `ecs: ${parsed}`, { hint: 'give the ECS source network, e.g. 203.0.113.0/24' });
    ecs = { family: parsed.family === 4 ? 1 : 2, sourcePrefix: parsed.prefix, address: query.ecs.slice(0, query.ecs.indexOf('/')) };
  }
  return engine.explain({ name: query.name, type: query.type, client: query.client, ecs });
}
