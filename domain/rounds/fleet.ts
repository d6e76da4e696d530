import Type from 'typebox';
import { entityIdPattern } from '../ids.ts';
import { MapPosition } from '../depot.ts';
import { phoneInputPattern } from '../phone.ts';

const clock = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
const name = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

/**
 * A vehicle of the garden and the driver who takes it out: how many baskets it carries,
 * where it starts and ends, and the hours the driver works (garden time).
 */
export const VehicleInput = Type.Object(
  {
    id: Type.String({ pattern: entityIdPattern }),
    name: name(80),
    driverName: name(120),
    /** The driver's phone, for staff and for the link sent by SMS (E.164 once stored). */
    driverPhone: Type.Optional(Type.String({ maxLength: 30, pattern: phoneInputPattern })),
    /** The driver's login (Keycloak username): the driver page shows this vehicle's routes. */
    driverUsername: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._@-]+$' }),
    ),
    /** Baskets it can carry, all sizes counted alike. */
    capacity: Type.Integer({ minimum: 1, maximum: 2000 }),
    start: MapPosition,
    /** Where the round ends; the start when absent (back to the garden). */
    end: Type.Optional(MapPosition),
    workStart: clock,
    workEnd: clock,
  },
  { additionalProperties: false },
);
export type VehicleInput = Type.Static<typeof VehicleInput>;
export type Vehicle = VehicleInput;

export const optimisers = ['local', 'circuit'] as const;
export type OptimiserChoice = (typeof optimisers)[number];

/** What a garden admin sets for the rounds. */
export const FleetInput = Type.Object(
  {
    vehicles: Type.Array(VehicleInput, { maxItems: 50 }),
    /** Minutes spent at a stop: unloading at a depot, handing over at a door. */
    serviceMinutes: Type.Object(
      {
        depot: Type.Integer({ minimum: 0, maximum: 120 }),
        home: Type.Integer({ minimum: 0, maximum: 60 }),
      },
      { additionalProperties: false },
    ),
    /** The built-in optimiser (VROOM), or Circuit (Spoke Dispatch) with the garden's API key. */
    optimiser: Type.Enum([...optimisers]),
    /** After approval, a late change re-optimises the live routes (otherwise it is added at the end). */
    reoptimiseAfterApproval: Type.Boolean(),
    /** Members with home delivery get their time window on the delivery morning (if they opted in). */
    tellMembersTheirWindow: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type FleetInput = Type.Static<typeof FleetInput>;

export interface Fleet extends FleetInput {
  gardenId: string;
  /** The last four characters of the Circuit API key, when one is stored (the key is never shown). */
  circuitKeyHint?: string;
  updatedAt: string;
  version: number;
}

export function emptyFleet(gardenId: string): Fleet {
  return {
    gardenId,
    vehicles: [],
    serviceMinutes: { depot: 10, home: 3 },
    optimiser: 'local',
    reoptimiseAfterApproval: true,
    tellMembersTheirWindow: true,
    updatedAt: '1970-01-01T00:00:00.000Z',
    version: 0,
  };
}

/** "08:30" as seconds after the garden's midnight. */
export function clockSeconds(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 3600 + (minutes ?? 0) * 60;
}

/** Seconds after midnight as "08:30" (rounded down to the minute). */
export function clockOf(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60) % 24;
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
