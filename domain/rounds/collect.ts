import { addDays, type IsoDate } from '../calendar.ts';
import { offsetMinutes } from '../delivery-calendar.ts';
import { zeroCounts, type PlannedBasket } from '../delivery-week.ts';
import type { Depot } from '../depot.ts';
import { memberDisplayName, type Member } from '../member.ts';
import { clockSeconds, type FleetInput } from './fleet.ts';
import { stopIdOfDepot, stopIdOfHome, type RoundStop, type TimeWindow } from './stops.ts';

function windowOf(depot: Depot): TimeWindow | undefined {
  if (!depot.pickupWindow) return undefined;
  return { start: clockSeconds(depot.pickupWindow.start), end: clockSeconds(depot.pickupWindow.end) };
}

/**
 * The stops of a delivery day from its planned baskets: one per depot that receives baskets,
 * and one per household on a home-delivery depot. A household not placed on the map yet has
 * no location: the optimiser leaves it out and staff see it flagged. Sorted by id, so the same
 * baskets always give the same stops.
 */
export function collectStops(input: {
  date: IsoDate;
  baskets: readonly PlannedBasket[];
  depots: readonly Depot[];
  members: ReadonlyMap<string, Member>;
  serviceMinutes: FleetInput['serviceMinutes'];
}): RoundStop[] {
  const depots = new Map(input.depots.map((depot) => [depot.id, depot]));
  const stops = new Map<string, RoundStop>();
  for (const basket of input.baskets) {
    if (basket.date !== input.date || basket.state !== 'planned' || basket.baskets <= 0) continue;
    const depot = depots.get(basket.depotId);
    if (!depot) continue;
    const window = windowOf(depot);
    if (depot.homeDelivery) {
      const id = stopIdOfHome(basket.subscriptionId);
      const member = input.members.get(basket.memberId);
      const stop: RoundStop = stops.get(id) ?? {
        id,
        kind: 'home',
        depotId: depot.id,
        subscriptionId: basket.subscriptionId,
        memberId: basket.memberId,
        name: member ? memberDisplayName(member) : basket.memberId,
        ...(member?.address ? { address: member.address } : {}),
        ...(member?.location ? { location: member.location } : {}),
        ...(window ? { window } : {}),
        ...(member?.phone ? { phone: member.phone } : {}),
        ...(member?.accessNotes ? { accessNotes: member.accessNotes } : {}),
        baskets: zeroCounts(),
        serviceSeconds: input.serviceMinutes.home * 60,
      };
      stop.baskets[basket.basketSize] += basket.baskets;
      stops.set(id, stop);
    } else {
      const id = stopIdOfDepot(depot.id);
      const stop: RoundStop = stops.get(id) ?? {
        id,
        kind: 'depot',
        depotId: depot.id,
        name: depot.name,
        address: depot.address,
        location: depot.location,
        ...(window ? { window } : {}),
        ...(depot.contact ? { phone: depot.contact } : {}),
        ...(depot.notes ? { accessNotes: depot.notes } : {}),
        baskets: zeroCounts(),
        serviceSeconds: input.serviceMinutes.depot * 60,
      };
      stop.baskets[basket.basketSize] += basket.baskets;
      stops.set(id, stop);
    }
  }
  return [...stops.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The instant of a time of day (seconds after midnight) on a day, in the garden's time zone. */
export function instantAt(day: IsoDate, seconds: number, timeZone: string): Date {
  const local = Date.parse(`${day}T00:00:00Z`) + seconds * 1000;
  let instant = local;
  for (let pass = 0; pass < 2; pass++) instant = local - offsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

/** Staff approve a day's round by 18:00 the day before: drivers then have their evening to look. */
export function roundDeadline(date: IsoDate, timeZone: string): Date {
  return instantAt(addDays(date, -1), 18 * 3600, timeZone);
}

/** Members hear their window at 7:00 on the day; the day is reported at 21:00. */
export function roundMorning(date: IsoDate, timeZone: string): Date {
  return instantAt(date, 7 * 3600, timeZone);
}
export function roundEvening(date: IsoDate, timeZone: string): Date {
  return instantAt(date, 21 * 3600, timeZone);
}
/**
 * A phone that had no network all evening sends its marks later: they are heard (the member
 * told, the report made again) until 21:00 two days after the round.
 */
export function roundLateMarksEnd(date: IsoDate, timeZone: string): Date {
  return instantAt(addDays(date, 2), 21 * 3600, timeZone);
}
