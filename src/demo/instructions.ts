import type { DemoFleetInfo } from './types.js';

/** The purge a reader can paste: through the admin endpoint (in-process store) or the CLI (Redis). */
export function purgeCommand(info: DemoFleetInfo, path = '/'): string {
  const url = `http://${info.name}${path}`;
  if (info.metaStore !== 'memory') return `meridian purge ${url} --redis ${info.metaStore}`;
  const edge = info.nodes.find((node) => node.tier === 'edge')!;
  return `curl -s -X POST ${edge.admin}/purge -H 'authorization: Bearer ${info.adminToken}' -H 'content-type: application/json' -d '{"urls":["${url}"]}'`;
}

export function digCommand(info: DemoFleetInfo, subnet: string): string {
  return `dig @${info.dns.host} -p ${info.dns.port} ${info.name} A +subnet=${subnet} +short`;
}

export function curlCommand(info: DemoFleetInfo, edgeAddress: string, path = '/'): string {
  const port = new URL(info.nodes.find((node) => node.address === edgeAddress)!.url).port;
  return `curl -si --resolve ${info.name}:${port}:${edgeAddress} http://${info.name}:${port}${path}`;
}

/** What the demo prints once everything listens: how to see routing, caching and a purge. */
export function formatInstructions(info: DemoFleetInfo): string {
  const lines: string[] = [];
  lines.push('', 'Meridian demo fleet is up.', '');
  lines.push(`  status page  ${info.http}/   (live: nodes, health, load, routing decisions, purges)`);
  lines.push(`  DNS          ${info.dns.host}:${info.dns.port} (UDP+TCP)   HTTP API ${info.http} (/healthz /metrics /v1/route /v1/status)`);
  lines.push(`  origin       ${info.origin}`);
  for (const node of info.nodes) lines.push(`  ${node.id.padEnd(12)} ${node.url.padEnd(22)} ${node.tier}, region ${node.region}; admin ${node.admin}`);
  lines.push(`  metadata     ${info.metaStore === 'memory' ? 'in-process store (set REDIS_URL to share a Redis)' : info.metaStore}`);
  lines.push(`  zones        ${info.zonesDir}`, '');
  lines.push('Routing by continent (ECS, as a resolver would send it):');
  for (const client of info.clients) {
    const note = client.answered.join(',') === client.expectedEdge ? '' : `   (answering ${client.answered.join(',') || 'nothing'} while health checks settle)`;
    lines.push(`  ${client.continent.padEnd(14)} ${digCommand(info, client.subnet)}   # -> ${client.expectedEdge}${note}`);
  }
  const first = info.clients[0]!;
  lines.push('', `Fetch through the edge the European client was given (twice: miss, then hit):`);
  lines.push(`  ${curlCommand(info, first.expectedEdge)}`);
  lines.push('', 'Purge it everywhere, then fetch again (a miss):');
  lines.push(`  ${purgeCommand(info)}`);
  lines.push('', `Why that answer: curl -s '${info.http}/v1/route?name=${info.name}&client=${first.subnet.split('/')[0]}'`);
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}
