import type { BasketCounts } from '../delivery-week.ts';
import type { MapPosition } from '../depot.ts';
import type { PostalAddress } from '../member.ts';

/** A time window, in seconds after the garden's midnight on the delivery day. */
export interface TimeWindow {
  start: number;
  end: number;
}

/**
 * A place a round stops at: a depot (members come to it later), or a member's door on a
 * home-delivery round. Its id is stable across plans and is the `externalId` given to Circuit:
 * `depot.<depotId>` or `home.<subscriptionId>`.
 */
export interface RoundStop {
  id: string;
  kind: 'depot' | 'home';
  depotId: string;
  subscriptionId?: string;
  memberId?: string;
  /** The depot's name, or the member's name at their door. */
  name: string;
  address?: PostalAddress;
  /** Absent when nobody placed it on the map yet: the stop is flagged, not routed. */
  location?: MapPosition;
  window?: TimeWindow;
  baskets: BasketCounts;
  /** A phone number to call at the stop (the depot's contact, or the member). */
  phone?: string;
  /** Door code, "behind the barn"… */
  accessNotes?: string;
  /** Seconds spent there (unloading). */
  serviceSeconds: number;
}

export function stopIdOfDepot(depotId: string): string {
  return `depot.${depotId}`;
}

export function stopIdOfHome(subscriptionId: string): string {
  return `home.${subscriptionId}`;
}
