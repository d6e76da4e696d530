import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelToPlace, type Rect } from './label-placement.ts';

const rectOf = (label: LabelToPlace, offsets: ReturnType<typeof placeLabels>): Rect => {
  const offset = offsets.get(label.id);
  if (!offset) throw new Error(`${label.id} not placed`);
  return { x: label.x + offset.dx, y: label.y + offset.dy, width: label.width, height: label.height };
};
const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const dot = (label: LabelToPlace): Rect => ({ x: label.x - 6, y: label.y - 6, width: 12, height: 12 });

describe('placeLabels', () => {
  it('puts a lone label just right of its point', () => {
    const label = { id: 'a', x: 100, y: 100, width: 80, height: 20 };
    expect(placeLabels([label], { area: { width: 400, height: 300 } }).get('a')).toEqual({ dx: 10, dy: -10 });
  });

  it('keeps a label inside the map: on the left of a point near the right edge', () => {
    const label = { id: 'a', x: 380, y: 100, width: 80, height: 20 };
    const offset = placeLabels([label], { area: { width: 400, height: 300 } }).get('a');
    expect(offset).toEqual({ dx: -90, dy: -10 });
  });

  it('separates labels of points close together, and covers none of the points', () => {
    // The demo garden's depots at zoom 10, with the test garden's depot near Beaux-Arts.
    const labels: LabelToPlace[] = [
      { id: 'chalezeule', x: 420, y: 180, width: 190, height: 22 },
      { id: 'beaux-arts', x: 384, y: 204, width: 250, height: 22 },
      { id: 'centre', x: 386, y: 207, width: 160, height: 22 },
      { id: 'planoise', x: 346, y: 222, width: 300, height: 22 },
      { id: 'ecole-valentin', x: 360, y: 179, width: 210, height: 22 },
      { id: 'saint-vit', x: 230, y: 262, width: 200, height: 22 },
      { id: 'ornans', x: 475, y: 307, width: 180, height: 22 },
    ];
    const offsets = placeLabels(labels, { area: { width: 1000, height: 500 }, obstacles: labels.map(dot) });
    const rects = labels.map((label) => rectOf(label, offsets));
    for (const [i, a] of rects.entries()) {
      for (const b of rects.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
      for (const label of labels) expect(overlaps(a, dot(label))).toBe(false);
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x + a.width).toBeLessThanOrEqual(1000);
    }
  });

  it('gives every label a place even when they cannot all be apart', () => {
    const labels = Array.from({ length: 6 }, (_, i) => ({
      id: `p${i}`,
      x: 50,
      y: 50,
      width: 100,
      height: 20,
    }));
    expect(placeLabels(labels, { area: { width: 120, height: 100 } }).size).toBe(6);
  });
});
