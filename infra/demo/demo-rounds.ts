import { addDays, nextWeekday, type IsoDate } from '../../domain/calendar.ts';
import { isDeliveryDay, seasonOf, type DeliveryCalendarInput } from '../../domain/delivery-calendar.ts';
import type { Depot, MapPosition } from '../../domain/depot.ts';
import type { FleetInput } from '../../domain/rounds/fleet.ts';
import type { BasketSize, Frequency } from '../../domain/subscription.ts';
import type { DemoMember } from './demo-members.ts';

/**
 * The demo's delivery rounds: Val du Doubs takes baskets to a dozen households around
 * Besançon on Tuesday evenings, with two vans leaving from the garden. With the garden's
 * depots of that day, the week's plan gives the round planner real stops to order.
 */

/** Where the vans leave from and come back to: the garden, at Chalezeule. */
const garden: MapPosition = { lat: 47.2636, lng: 6.071 };

type DemoDepot = Omit<Depot, 'gardenId' | 'version'>;

export const demoHomeDeliveryDepots: Record<string, DemoDepot[]> = {
  'val-du-doubs': [
    {
      id: 'd-domicile-besancon',
      name: 'Livraison à domicile – Besançon',
      address: { street: '2 chemin des Vergers', postalCode: '25220', city: 'Chalezeule' },
      location: garden,
      deliveryWeekday: 2,
      openingHours: '17 h – 19 h 30',
      pickupWindow: { start: '17:00', end: '19:30' },
      capacity: 20,
      homeDelivery: true,
      contact: 'Accueil du jardin, 03 81 00 00 01',
      notes: 'Tournée du mardi soir : les paniers sont livrés chez les adhérents.',
    },
  ],
};

/** Vehicles and drivers, as the garden's administrator sets them on « Tournées : véhicules et chauffeurs ». */
export const demoFleets: Record<string, FleetInput> = {
  'val-du-doubs': {
    vehicles: [
      {
        id: 'v-kangoo',
        name: 'Kangoo électrique',
        driverName: 'Karim Haddad',
        driverPhone: '+33639980950',
        driverUsername: 'chauffeur-doubs',
        capacity: 40,
        start: garden,
        workStart: '13:30',
        workEnd: '20:00',
      },
      {
        id: 'v-trafic',
        name: 'Trafic',
        driverName: 'Mathilde Roussel',
        driverPhone: '+33639980951',
        driverUsername: 'chauffeur2-doubs',
        capacity: 80,
        start: garden,
        workStart: '13:00',
        workEnd: '19:30',
      },
    ],
    serviceMinutes: { depot: 10, home: 3 },
    optimiser: 'local',
    reoptimiseAfterApproval: true,
    tellMembersTheirWindow: true,
  },
};

/**
 * A household on the round in one line: names, address ("street, postal code city"), its
 * place on the map, and how the driver reaches the door (or nothing to say).
 */
type HouseholdLine = [
  firstName: string,
  lastName: string,
  address: string,
  at: [lat: number, lng: number],
  accessNotes: string,
];

// prettier-ignore
const householdLines: HouseholdLine[] = [
  ['Claire', 'Lambert', '12 rue Battant, 25000 Besançon', [47.2404, 6.0183], 'Code de la porte 4521B, 3e étage à gauche.'],
  ['Yanis', 'Moreau', '5 rue Mégevand, 25000 Besançon', [47.2361, 6.0229], 'Interphone « Moreau-Ferry ».'],
  ['Odile', 'Rigoulot', '18 avenue de Fontaine-Argent, 25000 Besançon', [47.2466, 6.0398], ''],
  ['Bruno', 'Jacquemin', '7 rue de Vesoul, 25000 Besançon', [47.2512, 6.0288], 'Sonner chez la voisine du rez-de-chaussée si absent.'],
  ['Fatima', 'Bôle', '23 chemin des Torcols, 25000 Besançon', [47.2547, 6.0074], 'Derrière la grange, panier sur le banc.'],
  ['Pierre', 'Cartier', '3 rue Jean-Wyrsch, 25000 Besançon', [47.2219, 5.9598], 'Bâtiment C, code 1937.'],
  ['Agathe', 'Dufour', '41 rue de Dole, 25000 Besançon', [47.2331, 5.9992], ''],
  ['Samuel', 'Euvrard', '9 rue de Belfort, 25000 Besançon', [47.2471, 6.0331], 'Portail vert, le chien est gentil.'],
  ['Nadia', 'Ferry', '14 chemin de Palente, 25000 Besançon', [47.2561, 6.0497], 'Laisser dans le casier à côté du garage.'],
  ['Gilles', 'Grandjean', '2 rue des Jardins, 25220 Chalezeule', [47.2612, 6.0688], ''],
  ['Hélène', 'Louvet', '30 route de Besançon, 25220 Thise', [47.2832, 6.0801], 'Ferme au bout du chemin, entrée par la cour.'],
  ['Victor', 'Mercier', '8 rue de la Mairie, 25870 Châtillon-le-Duc', [47.3049, 5.9951], 'Appeler en arrivant : sonnette en panne.'],
];

const basketCycle: BasketSize[] = ['medium', 'small', 'large', 'medium'];

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** A household delivered at home: a demo member with its place on the map. */
export interface DemoHousehold extends DemoMember {
  location: MapPosition;
}

/**
 * The households of a garden's home-delivery round, each with a running subscription that
 * started on the round's first delivery day of the last three weeks in this season (or the
 * season's first, when it has just begun): the same households every day, their dates from
 * the garden's calendar as it stands on `today`.
 */
export function demoHomeHouseholds(
  gardenId: string,
  today: IsoDate,
  calendar: DeliveryCalendarInput,
): DemoHousehold[] {
  const depot = demoHomeDeliveryDepots[gardenId]?.[0];
  if (!depot) return [];
  const season = seasonOf(calendar, today);
  const wanted = addDays(today, -21);
  const from = season && season.start > wanted ? season.start : wanted;
  let startDate = nextWeekday(from, depot.deliveryWeekday);
  for (let tries = 0; tries < 60 && !isDeliveryDay(calendar, depot.deliveryWeekday, startDate); tries++) {
    startDate = addDays(startDate, 7);
  }
  return householdLines.map(([firstName, lastName, address, [lat, lng], accessNotes], index) => {
    const [, street = '', postalCode = '', city = ''] = /^(.*), (\d{5}) (.*)$/.exec(address) ?? [];
    const frequency: Frequency = index % 5 === 4 ? 'fortnightly' : 'weekly';
    return {
      id: `m-domicile-${String(index + 1).padStart(4, '0')}`,
      input: {
        firstName,
        lastName,
        email: `${fold(firstName)}.${fold(lastName)}@exemple.fr`,
        // The range ARCEP keeps for fiction, above the other demo members'.
        phone: `+33639980${String(901 + index)}`,
        address: { street, postalCode, city },
        householdSize: (index % 4) + 1,
        ...(accessNotes ? { accessNotes } : {}),
        // Half of them want their time window by SMS on delivery morning.
        contactPreferences: { email: true, sms: index % 2 === 0 },
      },
      depotId: depot.id,
      basketSize: basketCycle[index % basketCycle.length] ?? 'medium',
      frequency,
      plan: { state: 'active', startDate },
      location: { lat, lng },
    };
  });
}
