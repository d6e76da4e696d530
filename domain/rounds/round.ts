import type { Act } from '../actor.ts';
import type { RoundSolution, StopPin } from './plan.ts';
import type { RoundStop } from './stops.ts';

/**
 * Where a round stands. `planning`: stops collected and routes optimised; `awaiting-approval`:
 * staff check the routes (nothing reaches drivers yet); `distributed`: drivers have them and
 * mark the stops; `done`: the day is over and reported.
 */
export const roundPhases = ['planning', 'awaiting-approval', 'distributed', 'done'] as const;
export type RoundPhase = (typeof roundPhases)[number];

export const notDeliveredReasons = ['absent', 'refused', 'inaccessible', 'damaged', 'other'] as const;
export type NotDeliveredReason = (typeof notDeliveredReasons)[number];

/** A driver's mark on a stop, made on the phone (maybe offline) and sent once. */
export interface StopMark {
  /** Made on the phone: the same mark sent twice is applied once. */
  markId: string;
  stopId: string;
  outcome: 'delivered' | 'not-delivered';
  reason?: NotDeliveredReason;
  comment?: string;
  /** The proof photo, in the garden's documents (S3 key). */
  photoKey?: string;
  /** When the driver marked it (the phone's clock), and when it reached us. */
  markedAt: string;
  receivedAt: string;
  by: Act['by'];
}

/** What changed between two plans, for staff: stops added, removed, moved to another vehicle. */
export interface PlanChanges {
  added: string[];
  removed: string[];
  moved: string[];
}

/** A delivery day's round as stored and shown: stops, routes, approval, marks. */
export interface Round {
  gardenId: string;
  /** The delivery day (garden time). */
  date: string;
  /** Its ISO week. */
  week: string;
  phase: RoundPhase;
  /** Counts the plans: each re-plan is a new revision; a late write never replaces a newer one. */
  revision: number;
  /** The fleet's version the plan was made with (a changed fleet is a reason to plan again). */
  fleetVersion?: number;
  stops: RoundStop[];
  pins: StopPin[];
  solution?: RoundSolution;
  changes?: PlanChanges;
  /** When staff should have approved (ISO instant); reminded before, told when it passes. */
  deadline: string;
  approval?: Act;
  distributedAt?: string;
  /** Each vehicle's stops as last sent to its driver: a driver hears again only of a change. */
  distributedRoutes?: Record<string, string[]>;
  marks: StopMark[];
  /** End-of-day report: baskets not delivered. */
  report?: { at: string; delivered: number; notDelivered: number; unmarked: number };
  updatedAt: string;
}

/** A stop's state on the day: its last mark, if any. */
export function lastMarkOf(round: Pick<Round, 'marks'>, stopId: string): StopMark | undefined {
  return round.marks.findLast((mark) => mark.stopId === stopId);
}

/** Delivered X of Y: the day's progress, over the routed stops. */
export function roundProgress(round: Pick<Round, 'marks' | 'solution'>): {
  delivered: number;
  notDelivered: number;
  total: number;
} {
  const routed = round.solution?.routes.flatMap((route) => route.stops.map((stop) => stop.stopId)) ?? [];
  let delivered = 0;
  let notDelivered = 0;
  for (const stopId of routed) {
    const mark = lastMarkOf(round, stopId);
    if (mark?.outcome === 'delivered') delivered += 1;
    else if (mark?.outcome === 'not-delivered') notDelivered += 1;
  }
  return { delivered, notDelivered, total: routed.length };
}

/**
 * Where a stop's proof photo is kept: the photo's id, made on the phone with its mark, is the
 * key's last part, so staff can ask for it by id (GET /rounds/:date/photos/:photoId).
 */
export function roundPhotoKey(gardenId: string, date: string, photoId: string): string {
  return `${gardenId}/rounds/${date}/photos/${photoId}.jpg`;
}

/** The photo's id from its key (the key's last part, without its extension). */
export function photoIdOfKey(photoKey: string): string {
  const last = photoKey.split('/').pop() ?? photoKey;
  return last.replace(/\.jpe?g$/i, '');
}
