import type { Vehicle } from '../../../../domain/rounds/fleet.ts';
import type { RoundStop } from '../../../../domain/rounds/stops.ts';
import type { DriverRouteView, RoundView } from '../../../../domain/rounds/views.ts';
import { gardenId } from '../../testing/api-stub.ts';

/** Test data for the round pages: two vans out of the garden, a depot and two homes. */
export const date = '2026-12-08';

export const vans: Vehicle[] = [
  {
    id: 'van-1',
    name: 'Kangoo',
    driverName: 'Paul Roux',
    driverPhone: '+33611111111',
    capacity: 40,
    start: { lat: 47.24, lng: 6.02 },
    workStart: '08:00',
    workEnd: '18:00',
  },
  {
    id: 'van-2',
    name: 'Trafic',
    driverName: 'Léa Faure',
    capacity: 60,
    start: { lat: 47.24, lng: 6.02 },
    workStart: '08:00',
    workEnd: '18:00',
  },
];

export const stops: RoundStop[] = [
  {
    id: 'depot.d-centre',
    kind: 'depot',
    depotId: 'd-centre',
    name: 'Biocoop Centre',
    address: { street: '1 place Pasteur', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.238, lng: 6.024 },
    window: { start: 16 * 3600, end: 19 * 3600 },
    baskets: { small: 4, medium: 6, large: 2 },
    phone: '+33381000000',
    accessNotes: 'Entrée par la cour',
    serviceSeconds: 600,
  },
  {
    id: 'home.s-1',
    kind: 'home',
    depotId: 'd-round',
    subscriptionId: 's-1',
    memberId: 'm-1',
    name: 'Élodie <b>Bérard</b>',
    address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.25, lng: 6.03 },
    window: { start: 17 * 3600, end: 18 * 3600 },
    baskets: { small: 0, medium: 1, large: 0 },
    phone: '+33612345678',
    accessNotes: 'Code 1234, derrière la grange',
    serviceSeconds: 180,
  },
  {
    id: 'home.s-2',
    kind: 'home',
    depotId: 'd-round',
    subscriptionId: 's-2',
    memberId: 'm-2',
    name: 'Marc Petit',
    baskets: { small: 1, medium: 0, large: 0 },
    serviceSeconds: 180,
  },
];

export function aRound(overrides: Partial<RoundView> = {}): RoundView {
  return {
    gardenId,
    date,
    week: '2026-W50',
    phase: 'awaiting-approval',
    revision: 2,
    stops,
    pins: [],
    solution: {
      routes: [
        {
          vehicleId: 'van-1',
          stops: [
            {
              stopId: 'depot.d-centre',
              arrival: 16 * 3600 + 600,
              departure: 16 * 3600 + 1200,
              distance: 2500,
            },
            {
              stopId: 'home.s-1',
              arrival: 18 * 3600 + 720,
              departure: 18 * 3600 + 900,
              distance: 1800,
              late: { byMinutes: 12, reason: 'Trop d’arrêts avant celui-ci' },
            },
          ],
          start: 16 * 3600,
          end: 18 * 3600 + 1500,
          distance: 6300,
          driving: 1500,
          baskets: 13,
        },
      ],
      unrouted: [{ stopId: 'home.s-2', reason: 'no-location' }],
      optimiser: 'vroom',
    },
    changes: { added: ['home.s-1'], removed: [], moved: [] },
    deadline: '2026-12-07T17:00:00.000Z',
    marks: [],
    updatedAt: '2026-12-05T10:00:00.000Z',
    vehicles: vans,
    progress: { delivered: 0, notDelivered: 0, total: 2 },
    running: true,
    ...overrides,
  };
}

/** The same round with the home stop moved first on the second van, as the API answers a pin. */
export function aMovedRound(): RoundView {
  const round = aRound();
  const [depot, home] = round.solution!.routes[0]!.stops;
  return {
    ...round,
    revision: 3,
    pins: [{ stopId: 'home.s-1', vehicleId: 'van-2', position: 'first' }],
    solution: {
      ...round.solution!,
      routes: [
        { ...round.solution!.routes[0]!, stops: [depot!], baskets: 12 },
        {
          vehicleId: 'van-2',
          stops: [{ ...home!, arrival: 17 * 3600 + 300, late: undefined }],
          start: 17 * 3600,
          end: 17 * 3600 + 1200,
          distance: 4000,
          driving: 900,
          baskets: 1,
        },
      ],
    },
    changes: { added: [], removed: [], moved: ['home.s-1'] },
  };
}

/** Paul's route on the day, as the driver's phone reads it. */
export function aDriverRoute(overrides: Partial<DriverRouteView> = {}): DriverRouteView {
  const round = aRound({ phase: 'distributed' });
  return {
    gardenId,
    gardenName: 'Jardin du Val du Doubs',
    date,
    vehicle: vans[0]!,
    route: round.solution!.routes[0]!,
    stops: [stops[0]!, stops[1]!],
    sheets: [
      { depotId: 'd-centre', url: '/api/gardens/val-du-doubs/weeks/2026-W50/documents/sheet-d-centre.pdf' },
    ],
    marks: [],
    ...overrides,
  };
}
