import Type from 'typebox';
import { entityIdPattern } from '../ids.ts';
import { keptPosition, MapPosition } from '../depot.ts';
import type { Localized } from '../locale.ts';
import { phoneInputPattern, toE164 } from '../phone.ts';

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

/** A rule of the fleet that an input breaks: the form field it is about (`vehicle-<index>-<key>`), and why. */
export interface FleetIssue {
  field: string;
  message: Localized;
}

export type FleetOutcome = { ok: true; value: FleetInput } | { ok: false; issues: FleetIssue[] };

/** The form field of a vehicle's property: `vehicle-2-driverPhone`. */
export const vehicleField = (index: number, key: keyof VehicleInput) => `vehicle-${index}-${key}`;

/**
 * The fleet as kept (names trimmed, phones in E.164, positions to 7 decimals), or what its
 * rules refuse: two vehicles with one id or one driver login, a working day that ends before
 * it starts, a phone that is no number, Circuit chosen while no key is stored.
 */
export function normalizeFleetInput(input: FleetInput, circuitKeyStored: boolean): FleetOutcome {
  const issues: FleetIssue[] = [];
  const ids = new Set<string>();
  const logins = new Set<string>();
  const vehicles = input.vehicles.map((vehicle, index): VehicleInput => {
    const label = vehicle.name.trim() || `n° ${index + 1}`;
    if (ids.has(vehicle.id)) {
      issues.push({
        field: vehicleField(index, 'id'),
        message: {
          fr: `Deux véhicules ont l’identifiant « ${vehicle.id} » : chaque véhicule a le sien.`,
          en: `Two vehicles have the id "${vehicle.id}": each vehicle needs its own.`,
        },
      });
    }
    ids.add(vehicle.id);
    const login = vehicle.driverUsername?.trim().toLowerCase();
    if (login) {
      if (logins.has(login)) {
        issues.push({
          field: vehicleField(index, 'driverUsername'),
          message: {
            fr: `L’identifiant de connexion « ${login} » est déjà celui d’un autre véhicule : un chauffeur conduit un seul véhicule.`,
            en: `The login "${login}" is already another vehicle's: a driver drives one vehicle.`,
          },
        });
      }
      logins.add(login);
    }
    if (clockSeconds(vehicle.workEnd) <= clockSeconds(vehicle.workStart)) {
      issues.push({
        field: vehicleField(index, 'workEnd'),
        message: {
          fr: `Véhicule « ${label} » : la fin de journée (${vehicle.workEnd}) doit venir après le début (${vehicle.workStart}).`,
          en: `Vehicle "${label}": the end of the working day (${vehicle.workEnd}) must come after its start (${vehicle.workStart}).`,
        },
      });
    }
    const typedPhone = vehicle.driverPhone?.trim();
    const phone = typedPhone ? toE164(typedPhone) : undefined;
    if (typedPhone && !phone) {
      issues.push({
        field: vehicleField(index, 'driverPhone'),
        message: {
          fr: `Véhicule « ${label} » : « Téléphone du chauffeur » n’est pas un numéro valide (exemple : 06 12 34 56 78).`,
          en: `Vehicle "${label}": « Driver's phone » is not a valid number (for example +33 6 12 34 56 78).`,
        },
      });
    }
    return {
      id: vehicle.id,
      name: vehicle.name.trim(),
      driverName: vehicle.driverName.trim(),
      ...(phone ? { driverPhone: phone } : {}),
      ...(login ? { driverUsername: login } : {}),
      capacity: vehicle.capacity,
      start: keptPosition(vehicle.start),
      ...(vehicle.end ? { end: keptPosition(vehicle.end) } : {}),
      workStart: vehicle.workStart,
      workEnd: vehicle.workEnd,
    };
  });
  if (input.optimiser === 'circuit' && !circuitKeyStored) {
    issues.push({
      field: 'optimiser',
      message: {
        fr: 'Pour optimiser les tournées avec Circuit, enregistrez d’abord la clé d’API Circuit du jardin (ou choisissez l’optimiseur intégré).',
        en: "To optimise rounds with Circuit, first store the garden's Circuit API key (or choose the built-in optimiser).",
      },
    });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      vehicles,
      serviceMinutes: { depot: input.serviceMinutes.depot, home: input.serviceMinutes.home },
      optimiser: input.optimiser,
      reoptimiseAfterApproval: input.reoptimiseAfterApproval,
      tellMembersTheirWindow: input.tellMembersTheirWindow,
    },
  };
}
