import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeError } from '../errors/index.js';
import { SimulateError, SimulateErrorCode } from './errors.js';
import type { Fleet, FleetNode } from './types.js';
import { formatConfigIssues } from '../config/index.js';

const UNITS: Record<string, number> = { '': 1, B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** `268435456`, `256MiB`, `1.5 GB`, or `0.5%` (a share of the trace's catalogue bytes). */
const capacity = z.union([
  z.number().int().positive(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*(%|[kKmMgGtT]i?[bB]|[bB])?\s*$/, 'must be bytes (268435456, 256MiB, 1.5GB) or a share of the catalogue (0.5%)'),
]);

const location = z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) });

const nodeSchema = z.strictObject({
  id: z.string().min(1),
  region: z.string().min(1),
  tier: z.enum(['edge', 'regional']),
  address: z.string().refine((a) => isIP(a) !== 0, 'must be an IP address'),
  capacity,
  location,
});

const fleetSchema = z
  .strictObject({
    name: z.string().min(1),
    origin: z.strictObject({ location }),
    nodes: z.array(nodeSchema).min(1),
  })
  .superRefine((fleet, ctx) => {
    const ids = new Set<string>();
    const addresses = new Set<string>();
    fleet.nodes.forEach((node, i) => {
      if (ids.has(node.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `duplicate node id ${node.id}` });
      if (addresses.has(node.address)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'address'], message: `duplicate address ${node.address}` });
      ids.add(node.id);
      addresses.add(node.address);
    });
    if (!fleet.nodes.some((n) => n.tier === 'edge')) ctx.addIssue({ code: 'custom', path: ['nodes'], message: 'needs at least one edge node' });
  });

export type FleetInput = z.input<typeof fleetSchema>;

/**
 * The fleet file: the routed name, the origin's location, and the nodes (id, region, tier, the address
 * routing answers with, capacity, location). Validated once; unknown keys are rejected.
 * Capacities given as a share of the catalogue are resolved against `catalogueBytes`.
 */
export function parseFleet(text: string, file: string, catalogueBytes: number): Fleet {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SimulateError(SimulateErrorCode.fleetInvalid, `${file}: not valid YAML: ${describeError(err)}`, { cause: err, hint: 'see src/simulate/README.md, "Fleet file"' });
  }
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error.issues, '(top)').map((line) => `${file}: ${line}`);
    throw new SimulateError(SimulateErrorCode.fleetInvalid, `the fleet file has errors:\n${lines.join('\n')}`, { hint: 'see src/simulate/README.md, "Fleet file"' });
  }
  const nodes: FleetNode[] = parsed.data.nodes.map((n) => ({
    id: n.id,
    region: n.region,
    tier: n.tier,
    address: n.address,
    capacityBytes: capacityBytes(n.capacity, catalogueBytes),
    latitude: n.location.lat,
    longitude: n.location.lon,
  }));
  return Object.freeze({
    name: parsed.data.name.toLowerCase().replace(/\.$/, ''),
    origin: Object.freeze({ latitude: parsed.data.origin.location.lat, longitude: parsed.data.origin.location.lon }),
    nodes: Object.freeze(nodes.map((n) => Object.freeze(n))),
  });
}

export async function readFleet(file: string, catalogueBytes: number): Promise<Fleet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SimulateError(SimulateErrorCode.unreadable, `cannot read the fleet file ${file}: ${describeError(err)}`, { cause: err, hint: 'check the --fleet path' });
  }
  return parseFleet(text, file, catalogueBytes);
}

function capacityBytes(value: number | string, catalogueBytes: number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%|[a-zA-Z]*)\s*$/.exec(value)!;
  const amount = Number(match[1]);
  const bytes = match[2] === '%' ? (catalogueBytes * amount) / 100 : amount * UNITS[match[2]!.toUpperCase()]!;
  return Math.max(1, Math.floor(bytes));
}
