/** GET /v1/route?name=&client=&type=[&ecs=CIDR]: the decision with every step's reason, as JSON. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError, MeridianError } from '../errors/index.js';
import type { RoutingEngine } from './engine.js';
import { explainQuery } from './explain.js';

export type RouteHttpHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;

export function createRouteHttpHandler(engine: RoutingEngine): RouteHttpHandler {
  return (_request, response, url) => {
    const params = url.searchParams;
    try {
      const decision = explainQuery(engine, {
        name: params.get('name') ?? '',
        client: params.get('client') ?? '',
        type: params.get('type') ?? undefined,
        ecs: params.get('ecs') ?? undefined,
      });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(`${JSON.stringify(decision, null, 2)}\n`);
    } catch (err) {
      const code = err instanceof MeridianError ? err.code : 'MERIDIAN_E_INTERNAL';
      const hint = err instanceof MeridianError ? err.hint : undefined;
      response.writeHead(err instanceof MeridianError ? 400 : 500, { 'content-type': 'application/json; charset=utf-8' })
        .end(`${JSON.stringify({ error: { code, message: err instanceof MeridianError ? err.message : describeError(err), hint } })}\n`);
    }
  };
}
