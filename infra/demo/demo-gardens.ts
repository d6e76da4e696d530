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

export const demoDepots: Record<string, DemoDepot[]> = {
  'val-du-doubs': [
    {
      id: 'd-chalezeule',
      name: 'Chalezeule – Au jardin',
      address: { street: '2 chemin des Vergers', postalCode: '25220', city: 'Chalezeule' },
      location: { lat: 47.2636, lng: 6.071 },
      deliveryWeekday: 2,
      openingHours: '16 h – 19 h',
      pickupWindow: { start: '16:00', end: '19:00' },
      capacity: 60,
      contact: 'Accueil du jardin, 03 81 00 00 01',
      notes: 'Paniers dans la chambre froide à gauche de la serre.',
    },
    {
      id: 'd-besancon-beaux-arts',
      name: 'Besançon – Marché Beaux-Arts',
      address: { street: 'Place de la Révolution', postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.2402, lng: 6.0218 },
      deliveryWeekday: 2,
      openingHours: '17 h – 19 h',
      pickupWindow: { start: '17:00', end: '19:00' },
      capacity: 40,
    },
    {
      id: 'd-planoise',
      name: 'Besançon – Planoise, maison de quartier',
      address: { street: '6 rue de Cologne', postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.2231, lng: 5.9702 },
      deliveryWeekday: 3,
      openingHours: '17 h – 19 h',
      pickupWindow: { start: '17:00', end: '19:00' },
      capacity: 30,
    },
    {
      id: 'd-ecole-valentin',
      name: 'École-Valentin – Mairie',
      address: { street: '1 rue de la Mairie', postalCode: '25480', city: 'École-Valentin' },
      location: { lat: 47.265, lng: 5.989 },
      deliveryWeekday: 3,
      openingHours: '16 h 30 – 18 h 30',
      pickupWindow: { start: '16:30', end: '18:30' },
      capacity: 25,
    },
    {
      id: 'd-saint-vit',
      name: 'Saint-Vit – Salle des fêtes',
      address: { street: '3 rue de la Fontaine', postalCode: '25410', city: 'Saint-Vit' },
      location: { lat: 47.1832, lng: 5.8107 },
      deliveryWeekday: 4,
      openingHours: '17 h – 19 h',
      pickupWindow: { start: '17:00', end: '19:00' },
      capacity: 25,
    },
    {
      id: 'd-ornans',
      name: 'Ornans – Place Courbet',
      address: { street: 'Place Gustave-Courbet', postalCode: '25290', city: 'Ornans' },
      location: { lat: 47.105, lng: 6.1444 },
      deliveryWeekday: 4,
      openingHours: '16 h – 18 h',
      pickupWindow: { start: '16:00', end: '18:00' },
      capacity: 20,
    },
  ],
  'pays-de-vesoul': [
    {
      id: 'd-vesoul-republique',
      name: 'Vesoul – Place de la République',
      address: { street: 'Place de la République', postalCode: '70000', city: 'Vesoul' },
      location: { lat: 47.6227, lng: 6.1553 },
      deliveryWeekday: 5,
      openingHours: '16 h – 19 h',
      pickupWindow: { start: '16:00', end: '19:00' },
      capacity: 40,
    },
    {
      id: 'd-noidans',
      name: 'Noidans-lès-Vesoul – Mairie',
      address: { street: '1 rue de la Mairie', postalCode: '70000', city: 'Noidans-lès-Vesoul' },
      location: { lat: 47.6135, lng: 6.1263 },
      deliveryWeekday: 5,
      openingHours: '17 h – 19 h',
      pickupWindow: { start: '17:00', end: '19:00' },
      capacity: 25,
    },
  ],
};

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
