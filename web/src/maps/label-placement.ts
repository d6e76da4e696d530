/**
 * Where to put the names of points on a map so that none hides another: depots close together
 * (École-Valentin between Chalezeule and Besançon) would otherwise stack their labels.
 *
 * Everything is in screen pixels, in the map's own frame. Each label is tried beside its point
 * (right, left, above, below, then the corners), a little further out each round, and takes the
 * first place that covers no other label, no point and stays inside the map; when none is free,
 * the place that covers least. The most crowded points choose first.
 */

export interface LabelToPlace {
  id: string;
  /** The point the label names, in pixels from the map's top left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The label's top left corner, from its point. */
export interface LabelOffset {
  dx: number;
  dy: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacementOptions {
  /** The map's size: labels stay inside it. */
  area: { width: number; height: number };
  /** Things labels must not cover (the points' markers), besides each other. */
  obstacles?: readonly Rect[];
  /** Space between a point and its label, in px. */
  gap?: number;
  /** How much further out each round tries, in px. */
  step?: number;
  rounds?: number;
}

function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** The places a label can take around its point at a distance, nearest first. */
function candidates(label: LabelToPlace, distance: number): LabelOffset[] {
  const { width, height } = label;
  const corner = Math.round(distance * 0.7);
  return [
    { dx: distance, dy: -height / 2 },
    { dx: -distance - width, dy: -height / 2 },
    { dx: -width / 2, dy: -distance - height },
    { dx: -width / 2, dy: distance },
    { dx: corner, dy: -corner - height },
    { dx: corner, dy: corner },
    { dx: -corner - width, dy: -corner - height },
    { dx: -corner - width, dy: corner },
  ];
}

export function placeLabels(
  labels: readonly LabelToPlace[],
  options: PlacementOptions,
): Map<string, LabelOffset> {
  const { area, obstacles = [], gap = 10, step = 14, rounds = 5 } = options;
  const reach = (label: LabelToPlace) => label.width + gap;
  // The points with most neighbours within a label's reach choose first.
  const crowding = new Map(
    labels.map((label) => [
      label.id,
      labels.filter(
        (other) =>
          other !== label &&
          Math.abs(other.x - label.x) < reach(label) + reach(other) &&
          Math.abs(other.y - label.y) < 3 * (label.height + other.height),
      ).length,
    ]),
  );
  const order = [...labels].sort(
    (a, b) => (crowding.get(b.id) ?? 0) - (crowding.get(a.id) ?? 0) || a.x - b.x || a.y - b.y,
  );

  const placed: Rect[] = [];
  const offsets = new Map<string, LabelOffset>();
  for (const label of order) {
    let best: { offset: LabelOffset; rect: Rect; cost: number } | undefined;
    search: for (let round = 0; round < rounds; round++) {
      for (const offset of candidates(label, gap + round * step)) {
        const rect = {
          x: label.x + offset.dx,
          y: label.y + offset.dy,
          width: label.width,
          height: label.height,
        };
        const outside =
          label.width * label.height -
          overlapArea(rect, { x: 0, y: 0, width: area.width, height: area.height });
        let cost = outside * 4;
        for (const other of placed) cost += overlapArea(rect, other) * 10;
        for (const obstacle of obstacles) cost += overlapArea(rect, obstacle) * 10;
        // Further out costs a little, so a tie goes to the nearer place.
        cost += round;
        if (!best || cost < best.cost) best = { offset, rect, cost };
        if (cost <= round) break search;
      }
    }
    if (!best) continue;
    placed.push(best.rect);
    offsets.set(label.id, { dx: Math.round(best.offset.dx), dy: Math.round(best.offset.dy) });
  }
  return offsets;
}
