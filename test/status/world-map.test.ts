import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAP_PROJECTION, graticulePath, landOutlinePath, project } from '../../src/status/world-map.js';

test('the projection maps the crop corners to the map corners', () => {
  assert.deepEqual(project({ lat: MAP_PROJECTION.latTop, lon: -180 }), { x: 0, y: 0 });
  assert.deepEqual(project({ lat: MAP_PROJECTION.latBottom, lon: 180 }), { x: MAP_PROJECTION.width, y: MAP_PROJECTION.height });
  const greenwich = project({ lat: 0, lon: 0 });
  assert.equal(greenwich.x, MAP_PROJECTION.width / 2);
});

/** The absolute points a path of `M x y l dx dy ... z` subpaths visits. */
function points(path: string): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (const sub of path.match(/M[^Mz]*z/g) ?? []) {
    const numbers = (sub.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
    let x = numbers[0]!;
    let y = numbers[1]!;
    out.push({ x, y });
    for (let i = 2; i + 1 < numbers.length; i += 2) {
      x += numbers[i]!;
      y += numbers[i + 1]!;
      out.push({ x, y });
    }
  }
  return out;
}

test('the land outline is a compact set of closed subpaths inside the map', () => {
  const path = landOutlinePath();
  assert.match(path, /^(M-?[\d.]+ -?[\d.]+l[-\d. ]+z)+$/);
  assert.ok(path.length > 10_000 && path.length < 80_000, `size ${path.length}`);
  const all = points(path);
  assert.ok(all.length > 3000);
  for (const { x, y } of all) {
    assert.ok(x >= -0.5 && x <= MAP_PROJECTION.width + 0.5, `x ${x} on the map`);
    assert.ok(y >= -0.5, `y ${y} below the top edge`);
  }
});

test('rings crossing the antimeridian are cut, not drawn across the map', () => {
  // Fiji (about -17 lat) and Chukotka straddle 180°: no segment may span half the map.
  const path = landOutlinePath();
  for (const sub of path.match(/M[^Mz]*z/g) ?? []) {
    const numbers = (sub.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
    for (let i = 2; i + 1 < numbers.length; i += 2) {
      assert.ok(Math.abs(numbers[i]!) < MAP_PROJECTION.width / 2, `segment dx ${numbers[i]} in ${sub.slice(0, 40)}`);
    }
  }
});

test('the land outline covers Europe and leaves the mid-Atlantic empty', () => {
  // A point-in-polygon test over the decoded subpaths (even-odd rule).
  const path = landOutlinePath();
  const rings = (path.match(/M[^Mz]*z/g) ?? []).map((sub) => points(sub));
  const inside = (lat: number, lon: number): boolean => {
    const { x, y } = project({ lat, lon });
    let hits = 0;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const a = ring[i]!;
        const b = ring[j]!;
        if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) hits++;
      }
    }
    return hits % 2 === 1;
  };
  assert.ok(inside(50.11, 8.68), 'Frankfurt is on land');
  assert.ok(inside(-23.55, -46.63 + 1), 'inland São Paulo is on land');
  assert.ok(!inside(30, -40), 'the mid-Atlantic is sea');
  assert.ok(!inside(0, -150), 'the mid-Pacific is sea');
});

test('the graticule draws meridians and parallels every 30 degrees', () => {
  const path = graticulePath();
  assert.equal((path.match(/V/g) ?? []).length, 13);
  assert.equal((path.match(/H/g) ?? []).length, 5);
});
