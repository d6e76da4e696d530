import type { Store } from '../../adapters/store/index.ts';
import type { IsoDate } from '../../domain/calendar.ts';
import type { PlannedBasket } from '../../domain/delivery-week.ts';
import type { Depot, MapPosition } from '../../domain/depot.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import type { MemberInput } from '../../domain/member.ts';
import type { FleetInput, VehicleInput } from '../../domain/rounds/fleet.ts';
import type { BasketSize } from '../../domain/subscription.ts';
import { addTestDepot } from './environment.ts';

/** Where the test vans leave from: the garden, north of Besançon. */
export const testGardenYard: MapPosition = { lat: 47.2609, lng: 6.0455 };

/** A van for the rounds' tests (30 baskets, 13:00 to 20:00, from the garden), with changes. */
export function testVehicle(vehicle: Pick<VehicleInput, 'id'> & Partial<VehicleInput>): VehicleInput {
  return {
    name: vehicle.id,
    driverName: 'Karim Haddad',
    capacity: 30,
    start: testGardenYard,
    workStart: '13:00',
    workEnd: '20:00',
    ...vehicle,
  };
}

/** The fleet of a test garden: these vans, the built-in optimiser, members told their window. */
export function testFleet(vehicles: VehicleInput[], settings: Partial<FleetInput> = {}): FleetInput {
  return {
    vehicles,
    serviceMinutes: { depot: 10, home: 3 },
    optimiser: 'local',
    reoptimiseAfterApproval: true,
    tellMembersTheirWindow: true,
    ...settings,
  };
}

/** Saves a test garden's fleet over whatever it had. */
export async function saveTestFleet(store: Store, gardenId: string, input: FleetInput): Promise<void> {
  const current = await store.fleet.get(gardenId);
  await store.fleet.put(gardenId, input, current.version, new Date().toISOString());
}

/**
 * The home-delivery "depot" (`d-domicile`, Tuesdays unless `fields` say another day, 17:00 to
 * 19:30); returns its id.
 */
export function addHomeDeliveryDepot(
  store: Store,
  gardenId: string,
  fields: Partial<Pick<Depot, 'deliveryWeekday' | 'capacity'>> = {},
): Promise<string> {
  return addTestDepot(store, gardenId, {
    id: 'd-domicile',
    name: 'Livraison à domicile',
    address: { street: '1 rue de la Gare', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2466, lng: 6.0223 },
    homeDelivery: true,
    pickupWindow: { start: '17:00', end: '19:30' },
    ...fields,
  });
}

export interface TestHousehold {
  id: string;
  location: MapPosition;
  member?: Partial<MemberInput>;
}

/** Households delivered at home: member records placed on the map. */
export async function addHouseholds(store: Store, gardenId: string, households: readonly TestHousehold[]) {
  const now = () => new Date().toISOString();
  for (const household of households) {
    await store.members.create(
      gardenId,
      household.id,
      { firstName: 'Foyer', lastName: household.id, phone: '+33611223344', ...household.member },
      now(),
    );
    await store.members.setLocation(gardenId, household.id, household.location, now());
  }
}

/** One basket of `size` per member on `date` at the depot, as the week plans them (`<member>.start`). */
export function basketsAt(
  date: IsoDate,
  depotId: string,
  memberIds: readonly string[],
  size: BasketSize = 'small',
  baskets = 1,
): PlannedBasket[] {
  return memberIds.map((memberId) => ({
    week: isoWeek(date),
    subscriptionId: `${memberId}.start`,
    memberId,
    date,
    depotId,
    basketSize: size,
    baskets,
    state: 'planned',
  }));
}

/** Writes the week's planned baskets as the week's planning would. */
export async function planTestBaskets(store: Store, gardenId: string, baskets: readonly PlannedBasket[]) {
  const weeks = [...new Set(baskets.map((basket) => basket.week))];
  for (const week of weeks) {
    const ofWeek = baskets.filter((basket) => basket.week === week);
    await store.weeks.replaceBaskets(
      gardenId,
      week,
      ofWeek.map((basket) => basket.subscriptionId),
      ofWeek,
    );
  }
}

/**
 * A day of home deliveries ready to plan: the home-delivery depot, the households placed on the
 * map, one medium basket each on `date`, and the fleet that delivers them.
 */
export async function homesToDeliver(
  store: Store,
  gardenId: string,
  date: IsoDate,
  homes: readonly TestHousehold[],
  fleet: FleetInput,
): Promise<void> {
  const depotId = await addHomeDeliveryDepot(store, gardenId);
  await addHouseholds(store, gardenId, homes);
  await planTestBaskets(
    store,
    gardenId,
    basketsAt(
      date,
      depotId,
      homes.map((home) => home.id),
      'medium',
    ),
  );
  await saveTestFleet(store, gardenId, fleet);
}
