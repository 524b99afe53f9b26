import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { StatusError, StatusErrorCode } from './errors.js';
import type { GeoPoint } from './types.js';

/**
 * A plain equirectangular projection, cropped to the latitudes where people live
 * (Antarctica and the high Arctic hold no cache nodes and would waste a third of the
 * height). The page's script projects the dots with the same numbers, sent to it as data.
 */
export const MAP_PROJECTION = Object.freeze({
  width: 1000,
  latTop: 84,
  latBottom: -60,
  height: (1000 * (84 - -60)) / 360,
});

export function project(point: GeoPoint): { x: number; y: number } {
  const { width, height, latTop, latBottom } = MAP_PROJECTION;
  return {
    x: ((point.lon + 180) / 360) * width,
    y: ((latTop - point.lat) / (latTop - latBottom)) * height,
  };
}

/**
 * The land outline of Natural Earth 1:110m (npm `world-atlas`) as one SVG path in the
 * projection above. Computed once at start-up by the caller and kept as a string:
 * about 40 kB, drawn identically for every page view.
 */
export function landOutlinePath(): string {
  let topology: Topology<{ land: GeometryCollection }>;
  try {
    const require = createRequire(import.meta.url);
    topology = JSON.parse(readFileSync(require.resolve('world-atlas/land-110m.json'), 'utf8')) as Topology<{ land: GeometryCollection }>;
  } catch (cause) {
    throw new StatusError(StatusErrorCode.MapDataUnavailable, 'cannot read world-atlas/land-110m.json', {
      cause,
      hint: 'reinstall dependencies (npm ci); the status page draws a graticule only meanwhile',
    });
  }
  const land = feature(topology, topology.objects.land);
  const parts: string[] = [];
  for (const item of land.features) {
    const geometry = item.geometry;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    for (const polygon of polygons) {
      for (const ring of polygon) {
        const path = ringPath(ring);
        if (path) parts.push(path);
      }
    }
  }
  return parts.join('');
}

/** Lines every 30 degrees, in the same projection. */
export function graticulePath(): string {
  const { width, height, latTop, latBottom } = MAP_PROJECTION;
  const parts: string[] = [];
  for (let lon = -180; lon <= 180; lon += 30) {
    const { x } = project({ lat: 0, lon });
    parts.push(`M${round(x)} 0V${round(height)}`);
  }
  for (let lat = -60; lat <= 90; lat += 30) {
    if (lat < latBottom || lat > latTop) continue;
    const { y } = project({ lat, lon: 0 });
    parts.push(`M0 ${round(y)}H${width}`);
  }
  return parts.join('');
}

/**
 * One ring as SVG subpaths. Natural Earth rings that cross the antimeridian (Fiji,
 * Chukotka) would otherwise draw a stroke across the whole map: they are cut where they
 * cross, each piece closed along the map's edge. Rings wholly below the crop are skipped.
 */
function ringPath(ring: number[][]): string {
  const points = ring.filter((p): p is [number, number] => p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]));
  if (points.every(([, lat]) => lat < MAP_PROJECTION.latBottom)) return '';
  const crossing = points.findIndex((p, i) => i > 0 && crosses(points[i - 1]!, p));
  if (crossing < 0) return piecePath(points);
  const last = points[points.length - 1]!;
  const open = last[0] === points[0]![0] && last[1] === points[0]![1] ? points.slice(0, -1) : points;
  // Walk from just after a crossing, so every piece runs from one edge to the other in one go.
  const start = crossing % open.length;
  const walk = [...open.slice(start), ...open.slice(0, start)];
  const pieces: [number, number][][] = [];
  let piece: [number, number][] = [];
  walk.forEach((current, i) => {
    const previous = walk[(i - 1 + walk.length) % walk.length]!;
    if (crosses(previous, current)) {
      const { edge, lat } = edgePoint(previous, current);
      if (piece.length > 0) pieces.push([...piece, [edge, lat]]);
      piece = [[-edge, lat]];
    }
    piece.push(current);
  });
  const { edge, lat } = edgePoint(walk[walk.length - 1]!, walk[0]!);
  pieces.push([...piece, [edge, lat]]);
  return pieces.map(piecePath).join('');
}

function crosses(a: [number, number], b: [number, number]): boolean {
  return Math.abs(b[0] - a[0]) > 180;
}

/** Where the segment a→b, going the short way round, meets the antimeridian on a's side. */
function edgePoint(a: [number, number], b: [number, number]): { edge: number; lat: number } {
  const edge = a[0] > 0 ? 180 : -180;
  const span = 360 - Math.abs(b[0] - a[0]);
  const t = span === 0 ? 0 : Math.abs(edge - a[0]) / span;
  return { edge, lat: a[1] + (b[1] - a[1]) * t };
}

/**
 * One closed piece as `M x y l dx dy ... z`, in tenths of a map unit: relative moves keep
 * the string short, and rounding absolute positions first keeps errors from adding up.
 */
function piecePath(points: [number, number][]): string {
  let out = '';
  let prevX = 0;
  let prevY = 0;
  let count = 0;
  for (const [lon, lat] of points) {
    const { x, y } = project({ lat, lon });
    const tx = Math.round(x * 10);
    const ty = Math.round(y * 10);
    if (count === 0) {
      out = `M${tx / 10} ${ty / 10}l`;
    } else {
      const dx = tx - prevX;
      const dy = ty - prevY;
      if (dx === 0 && dy === 0) continue;
      out += `${count > 1 && dx >= 0 ? ' ' : ''}${dx / 10}${dy >= 0 ? ' ' : ''}${dy / 10}`;
    }
    prevX = tx;
    prevY = ty;
    count++;
  }
  return count > 2 ? `${out}z` : '';
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
