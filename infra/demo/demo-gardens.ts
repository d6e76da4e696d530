import { addDays, type IsoDate } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import type { DeliveryCalendarInput } from '../../domain/delivery-calendar.ts';
import type { Depot } from '../../domain/depot.ts';
import type { Garden } from '../../domain/garden.ts';
import type { GardenContact } from '../../domain/garden-contact.ts';

/**
 * Two demo gardens in Franche-Comté, with depots at real places (coordinates from the map).
 * The Keycloak demo realm (infra/keycloak/realm-cocagne.json) has accounts in both.
 */
export const demoGardens: Garden[] = [
  {
    id: 'val-du-doubs',
    name: 'Jardin de Cocagne du Val du Doubs',
    city: 'Chalezeule',
    contactEmail: 'contact@val-du-doubs.cocagne.local',
    timeZone: 'Europe/Paris',
    createdAt: '2026-06-01T08:00:00.000Z',
  },
  {
    id: 'pays-de-vesoul',
    name: 'Jardin de Cocagne du Pays de Vesoul',
    city: 'Vesoul',
    contactEmail: 'contact@pays-de-vesoul.cocagne.local',
    timeZone: 'Europe/Paris',
    createdAt: '2026-06-01T08:00:00.000Z',
  },
];

/**
 * How members reach each demo garden and pay it without a card, as a garden administrator
 * would set them on « Coordonnées du jardin » (the IBANs are made up, with valid check digits).
 */
export const demoContacts: Record<string, Omit<GardenContact, 'version'>> = {
  'val-du-doubs': {
    email: 'contact@val-du-doubs.cocagne.local',
    phone: '+33381000001',
    address: 'Jardin de Cocagne du Val du Doubs\n2 chemin des Vergers\n25220 Chalezeule',
    payment: {
      payee: 'Association Jardin de Cocagne du Val du Doubs',
      iban: 'FR7630006000011234567890189',
      bic: 'AGRIFRPP825',
    },
  },
  'pays-de-vesoul': {
    email: 'contact@pays-de-vesoul.cocagne.local',
    phone: '+33384000002',
    address: 'Jardin de Cocagne du Pays de Vesoul\n14 rue des Maraîchers\n70000 Vesoul',
    payment: {
      payee: 'Jardin de Cocagne du Pays de Vesoul',
      iban: 'FR1420041010050500013M02606',
      bic: 'PSSTFRPPDIJ',
      chequeAddress: 'Jardin de Cocagne du Pays de Vesoul, BP 20, 70001 Vesoul Cedex',
    },
  },
};

type DemoDepot = Omit<Depot, 'gardenId' | 'version'>;

/**
 * A depot in one line: its id, its name, its address as written on a letter
 * ("street, postal code city"), its place on the map, its delivery weekday (1 = Monday), its
 * pick-up window and how many baskets it holds.
 */
type DepotLine = [
  id: string,
  name: string,
  address: string,
  at: [lat: number, lng: number],
  weekday: number,
  window: `${string}-${string}`,
  capacity: number,
];

// prettier-ignore
const depotLines: Record<string, DepotLine[]> = {
  'val-du-doubs': [
    ['d-chalezeule', 'Chalezeule – Au jardin', '2 chemin des Vergers, 25220 Chalezeule', [47.2636, 6.071], 2, '16:00-19:00', 60],
    ['d-besancon-beaux-arts', 'Besançon – Marché Beaux-Arts', 'Place de la Révolution, 25000 Besançon', [47.2402, 6.0218], 2, '17:00-19:00', 40],
    ['d-planoise', 'Besançon – Planoise, maison de quartier', '6 rue de Cologne, 25000 Besançon', [47.2231, 5.9702], 3, '17:00-19:00', 30],
    ['d-ecole-valentin', 'École-Valentin – Mairie', '1 rue de la Mairie, 25480 École-Valentin', [47.265, 5.989], 3, '16:30-18:30', 25],
    ['d-saint-vit', 'Saint-Vit – Salle des fêtes', '3 rue de la Fontaine, 25410 Saint-Vit', [47.1832, 5.8107], 4, '17:00-19:00', 25],
    ['d-ornans', 'Ornans – Place Courbet', 'Place Gustave-Courbet, 25290 Ornans', [47.105, 6.1444], 4, '16:00-18:00', 20],
  ],
  'pays-de-vesoul': [
    ['d-vesoul-republique', 'Vesoul – Place de la République', 'Place de la République, 70000 Vesoul', [47.6227, 6.1553], 5, '16:00-19:00', 40],
    ['d-noidans', 'Noidans-lès-Vesoul – Mairie', '1 rue de la Mairie, 70000 Noidans-lès-Vesoul', [47.6135, 6.1263], 5, '17:00-19:00', 25],
  ],
};

/** What staff noted on a depot beyond its line: who to call, where the baskets wait. */
const depotNotes: Record<string, Pick<DemoDepot, 'contact' | 'notes'>> = {
  'd-chalezeule': {
    contact: 'Accueil du jardin, 03 81 00 00 01',
    notes: 'Paniers dans la chambre froide à gauche de la serre.',
  },
};

/** "16:30" → "16 h 30", "17:00" → "17 h": the hours as a depot's sign writes them. */
function hourOnSign(time: string): string {
  const [hours = '', minutes = ''] = time.split(':');
  return minutes === '00' ? `${Number(hours)} h` : `${Number(hours)} h ${minutes}`;
}

function demoDepot([id, name, address, [lat, lng], deliveryWeekday, window, capacity]: DepotLine): DemoDepot {
  const [, street = '', postalCode = '', city = ''] = /^(.*), (\d{5}) (.*)$/.exec(address) ?? [];
  const [start = '', end = ''] = window.split('-');
  return {
    id,
    name,
    address: { street, postalCode, city },
    location: { lat, lng },
    deliveryWeekday,
    openingHours: `${hourOnSign(start)} – ${hourOnSign(end)}`,
    pickupWindow: { start, end },
    capacity,
    ...depotNotes[id],
  };
}

export const demoDepots: Record<string, DemoDepot[]> = Object.fromEntries(
  Object.entries(depotLines).map(([gardenId, lines]) => [gardenId, lines.map(demoDepot)]),
);

/**
 * The demo gardens' calendar around today: last season, this one and the next (March to
 * February), each closed for two weeks in August, at Christmas and on New Year's week.
 */
export function demoCalendar(today: IsoDate): DeliveryCalendarInput {
  const year = Number(today.slice(0, 4));
  const first = Number(today.slice(5, 7)) >= 3 ? year - 1 : year - 2;
  const startYears = [first, first + 1, first + 2];
  const seasons = startYears.map((start) => ({
    id: `${start}-${start + 1}`,
    start: `${start}-03-01`,
    end: addDays(`${start + 1}-03-01`, -1),
  }));
  const closedWeeks = startYears.flatMap((start) =>
    [`${start}-08-10`, `${start}-08-17`, `${start}-12-25`, `${start + 1}-01-01`].map(isoWeek),
  );
  return { seasons, closedWeeks: [...new Set(closedWeeks)], cutoffHours: 48 };
}
