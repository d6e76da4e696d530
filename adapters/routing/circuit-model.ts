/**
 * The part of Circuit's v1 models (Spoke Dispatch API, `components.schemas`) that the rounds
 * use, and how our stops and vehicles are written in them. Ids are serialized paths:
 * `plans/<id>`, `plans/<id>/stops/<id>`, `drivers/<id>`, `operations/<id>`.
 */
import { clockSeconds, type Vehicle } from '../../domain/rounds/fleet.ts';
import type { StopPin } from '../../domain/rounds/plan.ts';
import type { RoundStop } from '../../domain/rounds/stops.ts';
import { basketsAt } from '../../domain/rounds/timing.ts';
import { addressLine } from '../../domain/member.ts';

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface CircuitDate {
  day: number;
  month: number;
  year: number;
}

/** `planSchema` (the fields read here). */
export interface CircuitPlan {
  id: string;
  title: string;
  starts: CircuitDate;
  depot: string | null;
  distributed: boolean;
  writable: boolean;
  optimization: 'creating' | 'editing' | 'preview' | 'optimized' | 'optimizing' | null;
  drivers: string[];
  routes: string[];
}

/** `driverSchema` (the fields read here). */
export interface CircuitDriver {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  displayName: string | null;
  active: boolean;
  routeOverrides?: {
    startTime: TimeOfDay | null;
    endTime: TimeOfDay | null;
    startAddress: { latitude: number | null; longitude: number | null } | null;
    endAddress: { latitude: number | null; longitude: number | null } | null;
  };
}

/**
 * The body of `POST /drivers` (`createDriver`), as the contract has it: every field optional,
 * no other field allowed; names and phone 1 to 255 characters; the email matching its pattern;
 * in `routeOverrides`, addresses (latitude and longitude override the rest) and the driver's
 * hours. The contract has no capacity for a driver: `maxStops` counts stops, not baskets.
 */
export interface CircuitDriverInput {
  name?: string | null;
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  depots?: string[] | null;
  routeOverrides?: CircuitRouteOverrides | null;
}

export interface CircuitRouteOverrides {
  startAddress?: { latitude: number; longitude: number } | null;
  endAddress?: { latitude: number; longitude: number } | null;
  startTime?: TimeOfDay | null;
  endTime?: TimeOfDay | null;
}

/**
 * The body of `PATCH /drivers/{driverId}` (`updateDriver`): name, display name, depots and
 * route overrides only. Neither the email nor the phone can be changed through it.
 */
export type CircuitDriverUpdate = Pick<CircuitDriverInput, 'name' | 'displayName' | 'routeOverrides'>;

/** `stopSchema` (the fields read here). */
export interface CircuitStop {
  id: string;
  type: 'start' | 'stop' | 'end';
  address: { latitude: number | null; longitude: number | null };
  allowedDrivers: string[];
  notes: string | null;
  packageCount: number | null;
  optimizationOrder: 'first' | 'last' | 'default';
  stopPosition: number | null;
  estimatedTravelDuration: number | null;
  estimatedTravelDistance: number | null;
  recipient: { name: string | null; email: string | null; phone: string | null; externalId: string | null };
  route: { id: string; driver: string | null } | null;
  eta:
    | {
        status: 'available';
        value: {
          estimatedArrivalAt: number;
          estimatedEarliestArrivalAt: number;
          estimatedLatestArrivalAt: number;
        };
      }
    | { status: 'pending' | 'restricted' };
  timing: {
    estimatedAttemptDuration: number | null;
    earliestAttemptTime: TimeOfDay | null;
    latestAttemptTime: TimeOfDay | null;
  };
  deliveryInfo: { attempted: boolean; succeeded: boolean; state: string } | null;
}

/** `operationSchema`: an optimisation that runs on Circuit's side, polled until `done`. */
export interface CircuitOperation {
  id: string;
  type: 'plan_optimization';
  done: boolean;
  metadata: { canceled: boolean; startedAt: number; finishedAt: number | null; targetPlanId: string };
  result:
    | { numOptimizedStops: number; skippedStops: Array<{ id: string; reason: string }> }
    | { code: string; message: string }
    | null;
}

/** The request body of `POST /plans/{planId}/stops:import` (one item) and of a live import. */
export interface CircuitStopInput {
  address: {
    addressName?: string | null;
    addressLineOne?: string | null;
    zip?: string | null;
    city?: string | null;
    country?: string | null;
    latitude?: number | null;
    longitude?: number | null;
  };
  timing?: {
    earliestAttemptTime?: TimeOfDay | null;
    latestAttemptTime?: TimeOfDay | null;
    estimatedAttemptDuration?: number | null;
  } | null;
  recipient?: { externalId?: string | null; name?: string | null; phone?: string | null } | null;
  allowedDrivers?: string[] | null;
  optimizationOrder?: 'first' | 'last' | 'default' | null;
  packageCount?: number | null;
  notes?: string | null;
}

/**
 * The body of `PATCH /plans/{planId}/stops/{stopId}` and of `:liveUpdate`: only the fields
 * sent change (objects and arrays sent whole). A stop's location cannot be updated.
 */
export type CircuitStopUpdate = Partial<
  Pick<
    CircuitStopInput,
    'timing' | 'recipient' | 'allowedDrivers' | 'optimizationOrder' | 'packageCount' | 'notes'
  >
>;

/** The import answer: the created stops' ids, and what failed with why. */
export interface CircuitImportResult {
  success: string[];
  failed: Array<{ error: { message: string }; stop: unknown }>;
}

export const planPath = (planId: string) => `/${planId}`;
export const bareId = (serializedId: string) => serializedId.slice(serializedId.lastIndexOf('/') + 1);

/** Our title for a garden's delivery day: a retried call finds the plan by it. */
export function planTitle(gardenId: string, date: string): string {
  return `Cocagne ${gardenId} ${date}`;
}

export function circuitDate(date: string): CircuitDate {
  const [year, month, day] = date.split('-').map(Number);
  return { year: year ?? 2000, month: month ?? 1, day: day ?? 1 };
}

export function timeOfDay(seconds: number): TimeOfDay {
  const minutes = Math.floor(seconds / 60);
  return { hour: Math.min(23, Math.floor(minutes / 60)), minute: minutes % 60 };
}

/**
 * The driver of a vehicle in Circuit, found again by this email on a retry (Circuit keeps
 * no external id for drivers). Each garden's vehicles get their own address. A vehicle id
 * made of lower-case letters, digits and dashes is written as it is; any other (upper case,
 * `.`, `_`) is escaped after a `_` (`_0` a dot, `__` an underscore, `_k` a `K`), so that the
 * address always matches the contract's email pattern (no dot at the end, none twice) and two
 * vehicles never share one (`Van` and `van` would, lower-cased).
 */
export function driverEmailOf(gardenId: string, vehicle: Pick<Vehicle, 'id'>, domain: string): string {
  const local = /^[a-z0-9-]+$/.test(vehicle.id)
    ? vehicle.id
    : vehicle.id.replace(/[^a-z0-9-]/g, (char) =>
        char === '.' ? '_0' : char === '_' ? '__' : `_${char.toLowerCase()}`,
      );
  return `${gardenId}.${local}@${domain.toLowerCase()}`;
}

const upTo = (text: string, max: number) => text.slice(0, max);

export function driverInput(vehicle: Vehicle, email: string): CircuitDriverInput {
  return {
    ...driverDetails(vehicle),
    email,
    ...(vehicle.driverPhone ? { phone: vehicle.driverPhone } : {}),
  };
}

/** What Circuit's app shows of a vehicle's driver and what its optimisation uses of them. */
function driverDetails(vehicle: Vehicle): Required<CircuitDriverUpdate> {
  const end = vehicle.end ?? vehicle.start;
  return {
    name: upTo(vehicle.driverName, 255),
    displayName: upTo(`${vehicle.driverName} (${vehicle.name})`, 255),
    routeOverrides: {
      startTime: timeOfDay(clockSeconds(vehicle.workStart)),
      endTime: timeOfDay(clockSeconds(vehicle.workEnd)),
      startAddress: { latitude: vehicle.start.lat, longitude: vehicle.start.lng },
      endAddress: { latitude: end.lat, longitude: end.lng },
    },
  };
}

const samePlace = (
  a: { latitude: number | null; longitude: number | null } | null | undefined,
  b: { latitude: number; longitude: number } | null | undefined,
) =>
  !!a &&
  !!b &&
  a.latitude !== null &&
  a.longitude !== null &&
  Math.abs(a.latitude - b.latitude) <= 1e-6 &&
  Math.abs(a.longitude - b.longitude) <= 1e-6;

/**
 * What to send `PATCH /drivers/{id}` so that Circuit's driver is the vehicle's as it now is
 * (its driver's name, the van's name, hours, start and end), only the fields that differ;
 * undefined when nothing does. The phone is not among them: the contract cannot change it.
 */
export function driverUpdate(current: CircuitDriver, vehicle: Vehicle): CircuitDriverUpdate | undefined {
  const wanted = driverDetails(vehicle);
  const update: CircuitDriverUpdate = {};
  if (current.name !== wanted.name) update.name = wanted.name;
  if (current.displayName !== wanted.displayName) update.displayName = wanted.displayName;
  const now = current.routeOverrides;
  const route = wanted.routeOverrides as CircuitRouteOverrides;
  if (
    !now ||
    !sameTime(now.startTime, route.startTime) ||
    !sameTime(now.endTime, route.endTime) ||
    !samePlace(now.startAddress, route.startAddress) ||
    !samePlace(now.endAddress, route.endAddress)
  ) {
    update.routeOverrides = route;
  }
  return Object.keys(update).length === 0 ? undefined : update;
}

/** A stop as Circuit imports it: our stop id in `recipient.externalId`, pins as order and driver. */
export function stopInput(
  stop: RoundStop,
  pin: StopPin | undefined,
  driverId: string | undefined,
): CircuitStopInput {
  const location = stop.location;
  return {
    address: {
      addressName: stop.name.slice(0, 255),
      ...(stop.address
        ? {
            addressLineOne: stop.address.street,
            zip: stop.address.postalCode,
            city: stop.address.city,
            country: 'FR',
          }
        : {}),
      latitude: location?.lat ?? null,
      longitude: location?.lng ?? null,
    },
    timing: {
      earliestAttemptTime: stop.window ? timeOfDay(stop.window.start) : null,
      latestAttemptTime: stop.window ? timeOfDay(stop.window.end) : null,
      estimatedAttemptDuration: stop.serviceSeconds,
    },
    recipient: { externalId: stop.id, name: stop.name.slice(0, 255), phone: stop.phone ?? null },
    allowedDrivers: driverId ? [driverId] : null,
    optimizationOrder: pin?.position ?? 'default',
    packageCount: Math.max(1, basketsAt(stop)),
    notes:
      [stop.accessNotes, stop.address ? addressLine(stop.address) : undefined]
        .filter(Boolean)
        .join(' — ')
        .slice(0, 2000) || null,
  };
}

const sameTime = (a: TimeOfDay | null | undefined, b: TimeOfDay | null | undefined) =>
  (a ?? null) === null ? (b ?? null) === null : !!b && a!.hour === b.hour && a!.minute === b.minute;

/** A stop moved by more than this (degrees, about 10 cm) is another place. */
const sameSpot = 1e-6;

/**
 * What to do for a stop Circuit holds so that it becomes `wanted`: nothing, an update of the
 * fields that differ (and only those), or — when it moved, which Circuit cannot update — a
 * delete and an import.
 */
export function stopChange(
  current: CircuitStop,
  wanted: CircuitStopInput,
  options: { keepPlace?: boolean } = {},
): { kind: 'same' } | { kind: 'update'; update: CircuitStopUpdate } | { kind: 'move' } {
  const { latitude, longitude } = wanted.address;
  if (
    typeof latitude === 'number' &&
    typeof longitude === 'number' &&
    (current.address.latitude === null ||
      current.address.longitude === null ||
      Math.abs(current.address.latitude - latitude) > sameSpot ||
      Math.abs(current.address.longitude - longitude) > sameSpot)
  ) {
    return { kind: 'move' };
  }
  const update: CircuitStopUpdate = {};
  const timing = wanted.timing;
  if (
    timing &&
    (!sameTime(current.timing.earliestAttemptTime, timing.earliestAttemptTime) ||
      !sameTime(current.timing.latestAttemptTime, timing.latestAttemptTime) ||
      (current.timing.estimatedAttemptDuration ?? null) !== (timing.estimatedAttemptDuration ?? null))
  ) {
    update.timing = timing;
  }
  const recipient = wanted.recipient;
  if (
    recipient &&
    ((current.recipient.name ?? null) !== (recipient.name ?? null) ||
      (current.recipient.phone ?? null) !== (recipient.phone ?? null))
  ) {
    update.recipient = recipient;
  }
  // Keeping the routes drivers have, a stop already on one stays where it is: its driver and
  // order are not touched (that would make Circuit place it again).
  const drivers = wanted.allowedDrivers ?? [];
  if (
    !options.keepPlace &&
    (drivers.length !== current.allowedDrivers.length ||
      drivers.some((driver) => !current.allowedDrivers.includes(driver)))
  ) {
    update.allowedDrivers = wanted.allowedDrivers ?? null;
  }
  if (
    !options.keepPlace &&
    (wanted.optimizationOrder ?? 'default') !== (current.optimizationOrder ?? 'default')
  ) {
    update.optimizationOrder = wanted.optimizationOrder ?? 'default';
  }
  if ((wanted.packageCount ?? null) !== (current.packageCount ?? null)) {
    update.packageCount = wanted.packageCount ?? null;
  }
  if ((wanted.notes ?? null) !== (current.notes ?? null)) update.notes = wanted.notes ?? null;
  return Object.keys(update).length === 0 ? { kind: 'same' } : { kind: 'update', update };
}
