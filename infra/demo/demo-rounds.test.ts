import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { addDays, nextWeekday } from '../../domain/calendar.ts';
import { isDeliveryDay, startOfDayIn, type DeliveryCalendar } from '../../domain/delivery-calendar.ts';
import { upcomingDeliveries } from '../../domain/delivery-schedule.ts';
import { DepotInput } from '../../domain/depot.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { MemberInput, normalizeMemberInput } from '../../domain/member.ts';
import { haversineMetres } from '../../domain/rounds/distance.ts';
import { FleetInput, normalizeFleetInput } from '../../domain/rounds/fleet.ts';
import { seasonTerms } from '../../domain/subscription-actions.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { demoCalendar, demoDepots } from './demo-gardens.ts';
import { demoFleets, demoHomeDeliveryDepots, demoHomeHouseholds } from './demo-rounds.ts';

/**
 * The rounds' demo: Val du Doubs's two vans and drivers (accounts of the demo realm), and a
 * Tuesday-evening home-delivery round whose households have running subscriptions on every
 * day of the year, so that the week's plan gives the round planner home stops.
 */

const gardenId = 'val-du-doubs';
const timeZone = 'Europe/Paris';
const garden = { lat: 47.2636, lng: 6.071 };

interface RealmUser {
  username: string;
  attributes?: Record<string, string[]>;
  realmRoles?: string[];
}
const realm = JSON.parse(
  readFileSync(new URL('../keycloak/realm-cocagne.json', import.meta.url), 'utf8'),
) as { users: RealmUser[] };

describe('the demo fleet', () => {
  const fleet = demoFleets[gardenId]!;

  it('is a fleet the API would keep as it is: two vehicles leaving from the garden', () => {
    expect(Value.Check(FleetInput, fleet)).toBe(true);
    expect(normalizeFleetInput(fleet, false)).toEqual({ ok: true, value: fleet });
    expect(fleet.vehicles).toHaveLength(2);
    for (const vehicle of fleet.vehicles) expect(vehicle.start).toEqual(garden);
  });

  it('is driven by drivers of the demo realm, in this garden: Karim Haddad and a second driver', () => {
    expect(fleet.vehicles.map((vehicle) => vehicle.driverUsername)).toEqual([
      'chauffeur-doubs',
      'chauffeur2-doubs',
    ]);
    expect(fleet.vehicles[0]?.driverName).toBe('Karim Haddad');
    for (const vehicle of fleet.vehicles) {
      const user = realm.users.find((candidate) => candidate.username === vehicle.driverUsername);
      expect(user, vehicle.driverUsername).toBeDefined();
      expect(user?.realmRoles).toContain('driver');
      expect(user?.attributes?.garden).toEqual([gardenId]);
    }
  });
});

describe('the demo home-delivery round', () => {
  const depot = demoHomeDeliveryDepots[gardenId]![0]!;

  it('is a home-delivery depot on a day Val du Doubs delivers, 17:00 to 19:30', () => {
    const { id: _id, ...input } = depot;
    expect(Value.Check(DepotInput, input)).toBe(true);
    expect(depot).toMatchObject({ homeDelivery: true, pickupWindow: { start: '17:00', end: '19:30' } });
    expect(demoDepots[gardenId]!.map((other) => other.deliveryWeekday)).toContain(depot.deliveryWeekday);
    // Not among the depots members are spread over: the other demo members keep theirs.
    expect(demoDepots[gardenId]!.map((other) => other.id)).not.toContain(depot.id);
  });

  it('has a dozen households with addresses, places around Besançon and access notes', () => {
    const households = demoHomeHouseholds(gardenId, '2027-06-01', demoCalendar('2027-06-01'));
    expect(households).toHaveLength(12);
    expect(new Set(households.map((household) => household.id)).size).toBe(12);
    for (const household of households) {
      expect(Value.Check(MemberInput, household.input), household.id).toBe(true);
      expect(normalizeMemberInput(household.input, 'fr').ok, household.id).toBe(true);
      expect(household.input.address, household.id).toBeDefined();
      expect(haversineMetres(garden, household.location), household.id).toBeLessThan(20_000);
      expect(household.depotId).toBe(depot.id);
    }
    expect(households.filter((household) => household.input.accessNotes).length).toBeGreaterThanOrEqual(8);
  });

  it('delivers them this week or next on almost every day of the year, each subscription running', () => {
    const first = '2027-06-01';
    let withBaskets = 0;
    for (let index = 0; index < 366; index++) {
      const today = addDays(first, index);
      const now = new Date(startOfDayIn(today, timeZone).getTime() + 10 * 3_600_000);
      const calendar: DeliveryCalendar = { ...demoCalendar(today), gardenId, version: 1, updatedAt: '' };
      const households = demoHomeHouseholds(gardenId, today, calendar);
      const context = {
        calendar,
        depotWeekdays: { [depot.id]: depot.deliveryWeekday },
        absencePolicy: defaultGardenRules.absencePolicy,
        timeZone,
      };
      let delivered = false;
      let latestStart = '';
      for (const household of households) {
        if (household.plan.state !== 'active') throw new Error(`${household.id} is not active`);
        const { startDate } = household.plan;
        if (startDate > latestStart) latestStart = startDate;
        expect(isDeliveryDay(calendar, depot.deliveryWeekday, startDate), `${today} ${household.id}`).toBe(
          true,
        );
        const subscription: Subscription = {
          id: `${household.id}.${startDate}`,
          gardenId,
          memberId: household.id,
          basketSize: household.basketSize,
          frequency: household.frequency,
          depotId: household.depotId,
          startDate,
          status: 'active',
          requested: { by: { userId: 'demo', name: 'Démo' }, at: '' },
          changes: [],
          absences: [],
          ...seasonTerms(calendar, defaultGardenRules, startDate),
          updatedAt: '',
          revision: 2,
        };
        expect(subscription.endDate === undefined || subscription.endDate >= today, `${today}`).toBe(true);
        const weeks = [isoWeek(today), isoWeek(addDays(today, 7))];
        const coming = upcomingDeliveries(subscription, context, now, 2);
        if (coming.some((day) => day.state === 'delivery' && weeks.includes(isoWeek(day.date)))) {
          delivered = true;
        }
      }
      if (delivered) withBaskets++;
      else {
        // Only when neither this week's nor next week's Tuesday is a delivery day of theirs still ahead.
        const tuesdays = [
          nextWeekday(today, depot.deliveryWeekday),
          nextWeekday(addDays(today, 7), depot.deliveryWeekday),
        ];
        expect(
          tuesdays.filter(
            (day) =>
              isDeliveryDay(calendar, depot.deliveryWeekday, day) &&
              weeksOf(today, day) &&
              day >= latestStart &&
              day > today,
          ),
          today,
        ).toEqual([]);
      }
    }
    expect(withBaskets).toBeGreaterThan(300);
  }, 60_000);
});

/** The day falls in today's ISO week or the next. */
function weeksOf(today: string, day: string): boolean {
  return [isoWeek(today), isoWeek(addDays(today, 7))].includes(isoWeek(day));
}
