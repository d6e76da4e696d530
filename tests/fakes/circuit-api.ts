/**
 * A contract fake of Circuit (Spoke Dispatch API v1) for the adapter's tests: an in-process
 * HTTP server that answers the endpoints the rounds use as the published OpenAPI contract
 * describes them (paths, bodies, ids as `plans/<id>`, list pages with `nextPageToken`, error
 * bodies `{ message, code }`, 409 codes). It optimises trivially (nearest neighbour per
 * driver, pins first/last) and gives ETAs. Tests can make it throttle (429), answer slowly,
 * keep an optimisation running, fail one, drop a connection after applying a request, or be
 * down; it records every request, and the stops deleted and updated.
 *
 * Plans follow the contract's life: writable until optimised (`stops:import`, `PATCH` and
 * `DELETE` of a stop, `:optimize`), then read-only, changed through the live endpoints
 * (`stops:liveImport`, `:liveUpdate`, `:liveDelete`, each answering `pending`), which open an
 * editing session applied by `:reoptimize` then `:save` (or `:redistribute` once the drivers
 * have their routes). The contract does not say which `optimization` value a plan shows in
 * between; the fake uses `editing` (live changes waiting), `preview` (re-optimised, not saved)
 * and `optimized` again once saved or redistributed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { haversineMetres } from '../../domain/rounds/distance.ts';
import { startOfDayIn } from '../../domain/delivery-calendar.ts';
import { signCircuitWebhook } from '../../adapters/routing/circuit-webhooks.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

interface TimeOfDay {
  hour: number;
  minute: number;
}

interface FakeAddress {
  address: string;
  addressLineOne: string;
  addressLineTwo: string;
  latitude: number | null;
  longitude: number | null;
  placeId: string | null;
  placeTypes: string[];
}

/** `driverSchema`, as the fake answers it. */
interface FakeDriver {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  displayName: string | null;
  active: boolean;
  depots: string[];
  routeOverrides: {
    startTime: TimeOfDay | null;
    endTime: TimeOfDay | null;
    startAddress: FakeAddress | null;
    endAddress: FakeAddress | null;
    maxStops: number | null;
    drivingSpeed: 'slower' | 'average' | 'faster';
    deliverySpeed: 'slower' | 'average' | 'faster';
    vehicleType: string | null;
  };
}

/** The contract's email pattern for `createDriver`. */
const driverEmailPattern =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
const addressKeys = [
  'addressName',
  'addressLineOne',
  'addressLineTwo',
  'city',
  'state',
  'zip',
  'country',
  'latitude',
  'longitude',
];
const routeOverrideKeys = [
  'startAddress',
  'endAddress',
  'startTime',
  'endTime',
  'maxStops',
  'drivingSpeed',
  'deliverySpeed',
  'vehicleType',
];
const speeds = ['slower', 'average', 'faster'];
const vehicleTypes = ['bike', 'scooter', 'car', 'small_truck', 'truck', 'electric_cargo_bike'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);
const optionalText = (value: unknown, max: number) =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.length >= 1 && value.length <= max);
const isTime = (value: unknown) =>
  value === undefined ||
  value === null ||
  (isObject(value) &&
    Object.keys(value).every((key) => key === 'hour' || key === 'minute') &&
    Number.isInteger(value.hour) &&
    Number.isInteger(value.minute));
const isAddress = (value: unknown) => {
  if (value === undefined || value === null) return true;
  if (!isObject(value) || Object.keys(value).some((key) => !addressKeys.includes(key))) return false;
  const { latitude, longitude } = value;
  const inRange = (n: unknown, max: number) =>
    n === undefined || n === null || (typeof n === 'number' && n >= -max && n <= max);
  return (
    inRange(latitude, 90) &&
    inRange(longitude, 180) &&
    ['addressName', 'addressLineOne', 'addressLineTwo'].every((key) => optionalText(value[key], 255)) &&
    ['city', 'state', 'zip', 'country'].every((key) => optionalText(value[key], 100))
  );
};

/**
 * The body of `createDriver` (or, with `update`, of `updateDriver`) checked as the contract's
 * schema has it; the first fault found, or undefined. `additionalProperties: false` at the top
 * and in addresses: the update takes no email nor phone.
 */
function driverBodyFault(body: unknown, update: boolean): string | undefined {
  if (!isObject(body)) return 'An object is required';
  const allowed = update
    ? ['name', 'displayName', 'depots', 'routeOverrides']
    : ['name', 'displayName', 'email', 'phone', 'depots', 'routeOverrides'];
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown) return `Unknown field ${unknown}`;
  if (!optionalText(body.name, 255)) return 'name must be 1 to 255 characters';
  if (!optionalText(body.displayName, 255)) return 'displayName must be 1 to 255 characters';
  if (!optionalText(body.phone, 255)) return 'phone must be 1 to 255 characters';
  if (
    body.email !== undefined &&
    body.email !== null &&
    (typeof body.email !== 'string' || body.email.length > 255 || !driverEmailPattern.test(body.email))
  ) {
    return 'email is not a valid email';
  }
  if (
    body.depots !== undefined &&
    body.depots !== null &&
    (!Array.isArray(body.depots) ||
      body.depots.length < 1 ||
      body.depots.length > 50 ||
      !body.depots.every((depot) => typeof depot === 'string' && /^depots\/[\w-]{1,50}$/.test(depot)))
  ) {
    return 'depots must be 1 to 50 depot ids';
  }
  const route = body.routeOverrides;
  if (route === undefined || route === null) return undefined;
  if (!isObject(route)) return 'routeOverrides must be an object';
  const unknownOverride = Object.keys(route).find((key) => !routeOverrideKeys.includes(key));
  if (unknownOverride) return `Unknown field routeOverrides.${unknownOverride}`;
  if (!isAddress(route.startAddress) || !isAddress(route.endAddress)) return 'Invalid address';
  if (!isTime(route.startTime) || !isTime(route.endTime)) return 'Invalid time of day';
  if (
    route.maxStops !== undefined &&
    route.maxStops !== null &&
    !(Number.isInteger(route.maxStops) && (route.maxStops as number) >= 0)
  ) {
    return 'maxStops must be a whole number';
  }
  for (const key of ['drivingSpeed', 'deliverySpeed'] as const) {
    if (route[key] !== undefined && route[key] !== null && !speeds.includes(route[key] as string)) {
      return `Invalid ${key}`;
    }
  }
  if (
    route.vehicleType !== undefined &&
    route.vehicleType !== null &&
    !vehicleTypes.includes(route.vehicleType as string)
  ) {
    return 'Invalid vehicleType';
  }
  return undefined;
}

const addressView = (input: unknown): FakeAddress | null => {
  if (!isObject(input)) return null;
  const line = typeof input.addressLineOne === 'string' ? input.addressLineOne : '';
  return {
    address: typeof input.addressName === 'string' ? input.addressName : line,
    addressLineOne: line,
    addressLineTwo: typeof input.addressLineTwo === 'string' ? input.addressLineTwo : '',
    latitude: typeof input.latitude === 'number' ? input.latitude : null,
    longitude: typeof input.longitude === 'number' ? input.longitude : null,
    placeId: null,
    placeTypes: [],
  };
};

interface FakePlan {
  id: string;
  title: string;
  starts: { day: number; month: number; year: number };
  depot: string | null;
  distributed: boolean;
  writable: boolean;
  optimization: 'creating' | 'editing' | 'preview' | 'optimized' | 'optimizing' | null;
  drivers: string[];
  routes: string[];
}

interface StopInput {
  address: { addressName?: string | null; latitude?: number | null; longitude?: number | null };
  timing?: {
    earliestAttemptTime?: TimeOfDay | null;
    latestAttemptTime?: TimeOfDay | null;
    estimatedAttemptDuration?: number | null;
  } | null;
  recipient?: {
    externalId?: string | null;
    name?: string | null;
    phone?: string | null;
    email?: string | null;
  } | null;
  allowedDrivers?: string[] | null;
  optimizationOrder?: 'first' | 'last' | 'default' | null;
  packageCount?: number | null;
  notes?: string | null;
}

interface FakeStop {
  id: string;
  input: StopInput;
  driver: string | null;
  position: number | null;
  arrival: number | null;
  travelDuration: number | null;
  travelDistance: number | null;
  deliveryInfo: { attempted: boolean; succeeded: boolean; state: string; attemptedAt: number } | null;
  /** Imported or updated since the last optimisation (what `reorder_changed_stops` places). */
  changed: boolean;
}

const optimisationTypes = [
  'reorder_changed_stops',
  'reorder_all_stops',
  'redistribute_stops_between_drivers',
] as const;
type OptimisationType = (typeof optimisationTypes)[number];

interface FakeOperation {
  id: string;
  planId: string;
  kind: 'optimize' | 'reoptimize';
  optimizationType: OptimisationType;
  polls: number;
  pollsUntilDone: number;
  fails: boolean;
  startedAt: number;
  done: boolean;
  result: unknown;
}

/** A stop deleted (`DELETE` or `:liveDelete`) or updated (`PATCH` or `:liveUpdate`). */
export interface StopChange {
  planId: string;
  stopId: string;
  externalId: string;
  live: boolean;
  /** The update's body as sent (nothing for a delete). */
  body?: Record<string, unknown>;
}

/** A driver created (`POST /drivers`) or updated (`PATCH /drivers/{id}`), with the body as sent. */
export interface DriverWrite {
  method: 'POST' | 'PATCH';
  driverId: string;
  body: Record<string, unknown>;
}

type Interruption = {
  match: (method: string, path: string) => boolean;
  times: number;
  afterApplying: boolean;
};

const speedMetresPerSecond = 40_000 / 3600;
const roadFactor = 1.3;

export interface CircuitFake {
  baseUrl: string;
  apiKey: string;
  webhookSecret: string;
  requests: RecordedRequest[];
  /** The next `count` requests answer 429 (with Retry-After seconds if given). */
  throttle(count: number, retryAfterSeconds?: number): void;
  /** Every answer waits this long first. */
  slow(ms: number): void;
  /** Optimisations are done after this many polls of the operation (Infinity: never). */
  operationPolls(count: number): void;
  /** The next optimisation ends done with an error result. */
  failNextOperation(): void;
  /** Drops the connection of the next matching request, before or after applying it. */
  interrupt(
    match: (method: string, path: string) => boolean,
    options?: { afterApplying?: boolean; times?: number },
  ): void;
  down(): void;
  up(): void;
  plans(): FakePlan[];
  drivers(): FakeDriver[];
  /** Our stop ids (recipient.externalId) held by a plan, in import order. */
  externalIdsOf(planId: string): string[];
  /** Every externalId sent in a successful import, in order (a repeat means a stop imported twice). */
  importedExternalIds(): string[];
  /** Stops deleted, in order (a repeat of one stop id means a stop deleted twice). */
  deletions(): StopChange[];
  /** Stops updated, in order, with the fields sent. */
  updates(): StopChange[];
  /** Drivers created and updated, in order. */
  driverWrites(): DriverWrite[];
  /** A signed `stop.attempted_delivery` event, as Circuit posts it. */
  attemptedDelivery(
    externalId: string,
    outcome: { succeeded: boolean; state: string },
    created?: number,
  ): { rawBody: string; signature: string };
  close(): Promise<void>;
}

export async function startCircuitFake(
  options: { apiKey?: string; webhookSecret?: string; timeZone?: string } = {},
): Promise<CircuitFake> {
  const apiKey = options.apiKey ?? 'circuit-test-key';
  const webhookSecret = options.webhookSecret ?? '7fd4eb15359c04280311116c6c597041';
  const timeZone = options.timeZone ?? 'Europe/Paris';
  const requests: RecordedRequest[] = [];
  const drivers = new Map<string, FakeDriver>();
  const plans = new Map<string, FakePlan>();
  const stops = new Map<string, FakeStop[]>();
  const operations = new Map<string, FakeOperation>();
  const deletions: StopChange[] = [];
  const updates: StopChange[] = [];
  let sequence = 0;
  const nextId = () => `f${(++sequence).toString(36).padStart(6, '0')}`;
  let throttled = 0;
  let retryAfter: number | undefined;
  let delayMs = 0;
  let pollsUntilDone = 1;
  let failOperation = false;
  let isDown = false;
  const interruptions: Interruption[] = [];

  const driverWrites: DriverWrite[] = [];
  /** The fields of `routeOverrides` sent are set; those not sent are kept (the contract's PATCH rules). */
  const applyRouteOverrides = (driver: FakeDriver, input: unknown) => {
    if (input === null) {
      driver.routeOverrides = {
        ...driver.routeOverrides,
        startTime: null,
        endTime: null,
        startAddress: null,
        endAddress: null,
        maxStops: null,
      };
    }
    if (!isObject(input)) return;
    const route = driver.routeOverrides;
    if (input.startTime !== undefined) route.startTime = (input.startTime as TimeOfDay | null) ?? null;
    if (input.endTime !== undefined) route.endTime = (input.endTime as TimeOfDay | null) ?? null;
    if (input.startAddress !== undefined) route.startAddress = addressView(input.startAddress);
    if (input.endAddress !== undefined) route.endAddress = addressView(input.endAddress);
    if (input.maxStops !== undefined) route.maxStops = (input.maxStops as number | null) ?? null;
    if (input.vehicleType !== undefined) route.vehicleType = (input.vehicleType as string | null) ?? null;
  };

  const send = (response: ServerResponse, status: number, body?: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body === undefined ? undefined : JSON.stringify(body));
    return status;
  };
  const problem = (response: ServerResponse, status: number, message: string, code?: string) =>
    send(response, status, code ? { message, code } : { message });

  const authorised = (header: string | undefined) => {
    if (!header) return false;
    if (header === `Bearer ${apiKey}`) return true;
    if (!header.startsWith('Basic ')) return false;
    return Buffer.from(header.slice(6), 'base64').toString() === `${apiKey}:`;
  };

  const page = <T>(items: T[], query: Record<string, string>, max: number, defaultSize = 10) => {
    const size = Math.min(max, Number(query.maxPageSize ?? defaultSize));
    const from = Number(query.pageToken ?? 0);
    const slice = items.slice(from, from + size);
    return { slice, nextPageToken: from + size < items.length ? String(from + size) : null };
  };

  const stopView = (plan: FakePlan, stop: FakeStop) => ({
    id: stop.id,
    address: {
      address: stop.input.address.addressName ?? '',
      addressLineOne: stop.input.address.addressName ?? '',
      addressLineTwo: '',
      latitude: stop.input.address.latitude ?? null,
      longitude: stop.input.address.longitude ?? null,
      placeId: null,
      placeTypes: [],
    },
    barcodes: [],
    allowedDrivers: stop.input.allowedDrivers ?? [],
    estimatedTravelDuration: stop.travelDuration,
    estimatedTravelDistance: stop.travelDistance,
    notes: stop.input.notes ?? null,
    packageCount: stop.input.packageCount ?? null,
    weight: null,
    type: 'stop',
    packageLabel: null,
    stopPosition: stop.position,
    trackingLink: null,
    webAppLink: `https://dispatch.spoke.com/${stop.id}`,
    orderInfo: {
      products: [],
      invoiceNumber: null,
      sellerName: null,
      sellerOrderId: null,
      sellerWebsite: null,
    },
    placeInVehicle: null,
    recipient: {
      name: stop.input.recipient?.name ?? null,
      email: stop.input.recipient?.email ?? null,
      phone: stop.input.recipient?.phone ?? null,
      externalId: stop.input.recipient?.externalId ?? null,
    },
    activity: 'delivery',
    deliveryInfo: stop.deliveryInfo
      ? {
          ...stop.deliveryInfo,
          timeAtStopInfo: { status: 'pending', pendingReason: 'not_yet_arrived' },
          attemptedLocation: null,
          driverProvidedInternalNotes: null,
          driverProvidedRecipientNotes: null,
          photoUrls: [],
          recipientProvidedNotes: null,
          signatureUrl: null,
          signeeName: null,
        }
      : null,
    paymentOnDelivery: null,
    proofOfAttemptRequirements: { enabled: null },
    plan: plan.id,
    route: stop.driver
      ? {
          id: `routes/${bareOf(plan.id)}-${bareOf(stop.driver)}`,
          title: plan.title,
          stopCount: 0,
          driver: stop.driver,
          state: null,
          plan: plan.id,
        }
      : null,
    eta:
      stop.arrival === null
        ? { status: 'pending', pendingReason: 'not_optimized' }
        : {
            status: 'available',
            value: {
              estimatedArrivalAt: stop.arrival,
              estimatedEarliestArrivalAt: stop.arrival - 600,
              estimatedLatestArrivalAt: stop.arrival + 600,
            },
          },
    timing: {
      estimatedAttemptDuration: stop.input.timing?.estimatedAttemptDuration ?? null,
      earliestAttemptTime: stop.input.timing?.earliestAttemptTime ?? null,
      latestAttemptTime: stop.input.timing?.latestAttemptTime ?? null,
    },
    optimizationOrder: stop.input.optimizationOrder ?? 'default',
    customProperties: null,
    clientId: null,
    serviceInfo: { status: 'empty' },
  });

  const operationView = (operation: FakeOperation) => ({
    id: operation.id,
    type: 'plan_optimization',
    done: operation.done,
    metadata: {
      canceled: false,
      startedAt: operation.startedAt,
      finishedAt: operation.done ? Math.floor(Date.now() / 1000) : null,
      startedBy: 'api',
      targetPlanId: operation.planId,
    },
    result: operation.done ? operation.result : null,
  });

  /** Nearest neighbour per driver, drivers taking turns; pinned stops go to their driver, first/last kept. */
  /**
   * `redistribute_stops_between_drivers` (and a first optimisation): every stop placed again;
   * `reorder_all_stops`: each routed stop stays with its driver, routes reordered;
   * `reorder_changed_stops` (the contract's default for `:reoptimize`): routed stops not changed
   * since keep their driver and order, the changed and new ones are put where they add least.
   */
  const optimise = (plan: FakePlan, type: OptimisationType = 'redistribute_stops_between_drivers') => {
    const planStops = stops.get(plan.id) ?? [];
    const day = `${plan.starts.year}-${String(plan.starts.month).padStart(2, '0')}-${String(plan.starts.day).padStart(2, '0')}`;
    const midnight = startOfDayIn(day, timeZone).getTime() / 1000;
    const routeOf = new Map<string, FakeStop[]>(plan.drivers.map((id) => [id, []]));
    const skipped: Array<{ id: string; reason: string }> = [];
    const located = (stop: FakeStop) =>
      typeof stop.input.address.latitude === 'number' && typeof stop.input.address.longitude === 'number';
    const position = (stop: FakeStop) => ({
      lat: stop.input.address.latitude as number,
      lng: stop.input.address.longitude as number,
    });
    const startOf = (driverId: string) => {
      const start = drivers.get(driverId)?.routeOverrides.startAddress;
      return start && start.latitude !== null && start.longitude !== null
        ? { lat: start.latitude, lng: start.longitude }
        : { lat: 47.24, lng: 6.02 };
    };
    let remaining = planStops.filter((stop) => {
      if (located(stop)) return true;
      skipped.push({ id: stop.id, reason: 'impossible_navigation' });
      return false;
    });
    const mayTake = (stop: FakeStop, driverId: string) =>
      type === 'reorder_all_stops' && stop.driver && plan.drivers.includes(stop.driver)
        ? stop.driver === driverId
        : !stop.input.allowedDrivers?.length || stop.input.allowedDrivers.includes(driverId);
    if (type === 'reorder_changed_stops') {
      const settled = remaining.filter(
        (stop) => !stop.changed && stop.driver !== null && plan.drivers.includes(stop.driver),
      );
      for (const driverId of plan.drivers) {
        routeOf.set(
          driverId,
          settled
            .filter((stop) => stop.driver === driverId)
            .sort((a, b) => (a.position ?? 0) - (b.position ?? 0)),
        );
      }
      remaining = remaining.filter((stop) => !settled.includes(stop));
      for (const stop of remaining.splice(0)) {
        let best: { driverId: string; index: number; cost: number } | undefined;
        for (const driverId of plan.drivers) {
          if (!mayTake(stop, driverId)) continue;
          const route = routeOf.get(driverId) ?? [];
          for (let index = 0; index <= route.length; index += 1) {
            const before = index === 0 ? startOf(driverId) : position(route[index - 1] as FakeStop);
            const after = index < route.length ? position(route[index] as FakeStop) : undefined;
            const cost =
              haversineMetres(before, position(stop)) +
              (after ? haversineMetres(position(stop), after) - haversineMetres(before, after) : 0);
            if (!best || cost < best.cost) best = { driverId, index, cost };
          }
        }
        if (!best) skipped.push({ id: stop.id, reason: 'impossible_order_of_stops' });
        else routeOf.get(best.driverId)?.splice(best.index, 0, stop);
      }
    }
    const here = new Map(plan.drivers.map((id) => [id, startOf(id)]));
    while (remaining.length > 0) {
      let progressed = false;
      for (const driverId of plan.drivers) {
        const allowed = remaining.filter((stop) => mayTake(stop, driverId));
        if (allowed.length === 0) continue;
        const from = here.get(driverId) ?? startOf(driverId);
        const nearest = allowed.reduce((best, stop) =>
          haversineMetres(from, position(stop)) < haversineMetres(from, position(best)) ? stop : best,
        );
        remaining.splice(remaining.indexOf(nearest), 1);
        routeOf.get(driverId)?.push(nearest);
        here.set(driverId, position(nearest));
        progressed = true;
      }
      if (!progressed) {
        for (const stop of remaining.splice(0))
          skipped.push({ id: stop.id, reason: 'impossible_order_of_stops' });
      }
    }
    for (const [driverId, route] of routeOf) {
      const rank = (stop: FakeStop) =>
        stop.input.optimizationOrder === 'first' ? 0 : stop.input.optimizationOrder === 'last' ? 2 : 1;
      const ordered = [...route].sort((a, b) => rank(a) - rank(b));
      const startTime = drivers.get(driverId)?.routeOverrides.startTime ?? { hour: 8, minute: 0 };
      let clock = midnight + startTime.hour * 3600 + startTime.minute * 60;
      let from = startOf(driverId);
      ordered.forEach((stop, index) => {
        const metres = Math.round(haversineMetres(from, position(stop)) * roadFactor);
        const seconds = Math.round(metres / speedMetresPerSecond);
        clock += seconds;
        const earliest = stop.input.timing?.earliestAttemptTime;
        if (earliest) clock = Math.max(clock, midnight + earliest.hour * 3600 + earliest.minute * 60);
        Object.assign(stop, {
          driver: driverId,
          position: index + 1,
          arrival: clock,
          travelDuration: seconds,
          travelDistance: metres,
        });
        clock += stop.input.timing?.estimatedAttemptDuration ?? 180;
        from = position(stop);
      });
    }
    for (const skip of skipped) {
      const stop = planStops.find((candidate) => candidate.id === skip.id);
      if (stop) Object.assign(stop, { driver: null, position: null, arrival: null });
    }
    for (const stop of planStops) stop.changed = false;
    plan.routes = plan.drivers.map((driverId) => `routes/${bareOf(plan.id)}-${bareOf(driverId)}`);
    return { numOptimizedStops: planStops.length - skipped.length, skippedStops: skipped };
  };

  const startOperation = (
    plan: FakePlan,
    kind: FakeOperation['kind'],
    optimizationType: OptimisationType = 'redistribute_stops_between_drivers',
  ) => {
    const operation: FakeOperation = {
      id: `operations/${nextId()}`,
      planId: plan.id,
      kind,
      optimizationType,
      polls: 0,
      pollsUntilDone,
      fails: failOperation,
      startedAt: Math.floor(Date.now() / 1000),
      done: false,
      result: null,
    };
    failOperation = false;
    plan.optimization = 'optimizing';
    operations.set(operation.id, operation);
    return operation;
  };

  /** One step of an optimisation: done (optimised, or failed) after `pollsUntilDone` looks. */
  const advance = (operation: FakeOperation) => {
    operation.polls += 1;
    if (operation.done || operation.polls < operation.pollsUntilDone) return;
    const plan = plans.get(operation.planId) as FakePlan;
    operation.done = true;
    if (operation.fails) {
      operation.result = {
        code: 'optimization_failed',
        message: 'The optimization could not find a solution',
      };
      // A failed first optimisation leaves the plan writable; a failed re-optimisation leaves
      // the live changes waiting.
      plan.optimization = 'editing';
    } else {
      operation.result = optimise(plan, operation.optimizationType);
      // Optimised, a plan is read-only: changes go through the live endpoints from then on.
      plan.writable = false;
      plan.optimization = operation.kind === 'reoptimize' ? 'preview' : 'optimized';
    }
  };

  const importStops = (plan: FakePlan, body: unknown, response: ServerResponse, live: boolean) => {
    if (!Array.isArray(body) || body.length < 1 || body.length > 100) {
      return problem(response, 400, 'An array of 1 to 100 stops is required', 'invalid_request');
    }
    const success: string[] = [];
    const failed: Array<{ error: { message: string }; stop: unknown }> = [];
    for (const input of body as StopInput[]) {
      if (!input?.address || typeof input.address !== 'object') {
        failed.push({ error: { message: 'address is required' }, stop: input });
        continue;
      }
      const stop: FakeStop = {
        id: `${plan.id}/stops/${nextId()}`,
        input,
        driver: null,
        position: null,
        arrival: null,
        travelDuration: null,
        travelDistance: null,
        deliveryInfo: null,
        changed: true,
      };
      stops.get(plan.id)?.push(stop);
      success.push(stop.id);
    }
    return send(response, 200, live ? { success, failed, pending: startEditing(plan) } : { success, failed });
  };

  /** A live change on a read-only plan opens (or joins) an editing session; on a writable plan it applies. */
  const startEditing = (plan: FakePlan) => {
    if (plan.writable) return false;
    plan.optimization = 'editing';
    return true;
  };

  const updatable = new Set([
    'recipient',
    'timing',
    'notes',
    'packageCount',
    'allowedDrivers',
    'optimizationOrder',
    'orderInfo',
    'activity',
    'weight',
    'customProperties',
  ]);

  /** A sparse update: fields absent are kept, objects merged, arrays replaced (the contract's PATCH rules). */
  const updateStop = (
    plan: FakePlan,
    stop: FakeStop,
    body: unknown,
    response: ServerResponse,
    live: boolean,
  ): number | undefined => {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return problem(response, 400, 'An object is required', 'invalid_request');
    }
    const input = body as Record<string, unknown>;
    if ('address' in input) {
      return problem(
        response,
        400,
        "A stop's location cannot be changed: delete the stop and create a new one",
        'invalid_request',
      );
    }
    const unknown = Object.keys(input).find((key) => !updatable.has(key));
    if (unknown) return problem(response, 400, `Unknown field ${unknown}`, 'invalid_request');
    const current = stop.input as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(input)) {
      const before = current[key];
      current[key] =
        value && typeof value === 'object' && !Array.isArray(value) && before && typeof before === 'object'
          ? { ...before, ...value }
          : value;
    }
    stop.changed = true;
    updates.push({
      planId: plan.id,
      stopId: stop.id,
      externalId: stop.input.recipient?.externalId ?? '',
      live,
      body: input,
    });
    return undefined;
  };

  const deleteStop = (plan: FakePlan, stop: FakeStop, live: boolean) => {
    const list = stops.get(plan.id) ?? [];
    list.splice(list.indexOf(stop), 1);
    deletions.push({
      planId: plan.id,
      stopId: stop.id,
      externalId: stop.input.recipient?.externalId ?? '',
      live,
    });
  };

  const route = async (
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    response: ServerResponse,
  ): Promise<number> => {
    let match: RegExpMatchArray | null;
    if (path === '/plans' && method === 'GET') {
      const wanted = [...plans.values()].filter((plan) => {
        const day = `${plan.starts.year}-${String(plan.starts.month).padStart(2, '0')}-${String(plan.starts.day).padStart(2, '0')}`;
        return (
          (!query['filter.title'] || plan.title === query['filter.title']) &&
          (!query['filter.startsGte'] || day >= query['filter.startsGte']) &&
          (!query['filter.startsLte'] || day <= query['filter.startsLte'])
        );
      });
      const { slice, nextPageToken } = page(wanted, query, 20);
      return send(response, 200, { plans: slice, nextPageToken });
    }
    if (path === '/plans' && method === 'POST') {
      const input = body as { title?: string; starts?: FakePlan['starts']; drivers?: string[] };
      if (!input?.title || !input.starts) return problem(response, 400, 'title and starts are required');
      for (const driverId of input.drivers ?? []) {
        if (!drivers.has(driverId)) return problem(response, 404, 'Driver not found');
      }
      const plan: FakePlan = {
        id: `plans/${nextId()}`,
        title: input.title,
        starts: input.starts,
        depot: 'depots/main',
        distributed: false,
        writable: true,
        optimization: 'creating',
        drivers: [...new Set(input.drivers ?? [])],
        routes: [],
      };
      plans.set(plan.id, plan);
      stops.set(plan.id, []);
      return send(response, 200, plan);
    }
    if ((match = /^\/(plans\/[\w-]+)(?::(optimize|reoptimize|distribute|redistribute|save))?$/.exec(path))) {
      const plan = plans.get(match[1] as string);
      if (!plan) return problem(response, 404, 'Plan not found');
      const action = match[2];
      if (!action && method === 'GET') {
        // An optimisation runs on Circuit's side whoever looks: reading the plan moves it on too.
        for (const operation of operations.values()) {
          if (operation.planId === plan.id && !operation.done) advance(operation);
        }
        return send(response, 200, plan);
      }
      if (!action && method === 'PATCH') {
        const input = body as { drivers?: string[]; title?: string };
        if (!plan.writable) return problem(response, 409, 'Plan is not writable', 'plan_not_writable');
        if (input.drivers) plan.drivers = [...new Set(input.drivers)];
        if (input.title) plan.title = input.title;
        return send(response, 200, plan);
      }
      if (method !== 'POST') return problem(response, 405, 'Method not allowed');
      if (action === 'optimize' || action === 'reoptimize') {
        if (plan.optimization === 'optimizing') {
          return problem(response, 409, 'Plan optimization in progress', 'plan_optimization_in_progress');
        }
        if (action === 'optimize' && !plan.writable) {
          return problem(response, 409, 'Plan already optimized', 'plan_already_optimized');
        }
        // Re-optimising is for a plan optimised before (a live plan), with or without changes.
        if (action === 'reoptimize' && plan.writable) {
          return problem(response, 409, 'Plan not optimized', 'plan_not_optimized');
        }
        if (plan.drivers.length === 0) {
          return problem(
            response,
            409,
            "Plan has no drivers. Either the plan's depot has no drivers, if the optimization is for minimizing drivers, or the plan has no assigned drivers.",
            'no_drivers_available',
          );
        }
        if (action === 'optimize') return send(response, 200, operationView(startOperation(plan, action)));
        // `:reoptimize` takes `{ optimizationType }` only, `reorder_changed_stops` by default.
        const input = (body ?? {}) as Record<string, unknown>;
        if (
          !isObject(input) ||
          Object.keys(input).some((key) => key !== 'optimizationType') ||
          (input.optimizationType !== undefined &&
            !optimisationTypes.includes(input.optimizationType as OptimisationType))
        ) {
          return problem(response, 400, 'Invalid re-optimization request', 'invalid_request');
        }
        const type = (input.optimizationType as OptimisationType | undefined) ?? 'reorder_changed_stops';
        return send(response, 200, operationView(startOperation(plan, action, type)));
      }
      if (action === 'save') {
        if (plan.optimization === 'preview') plan.optimization = 'optimized';
        if (plan.optimization !== 'optimized')
          return problem(
            response,
            409,
            'Plan has changes waiting for a re-optimization',
            'plan_not_optimized',
          );
        return send(response, 204);
      }
      if (action === 'redistribute') {
        if (plan.optimization === 'preview') plan.optimization = 'optimized';
        if (plan.optimization !== 'optimized')
          return problem(
            response,
            409,
            'Plan has changes waiting for a re-optimization',
            'plan_not_optimized',
          );
        plan.distributed = true;
        return send(response, 200, plan);
      }
      if (plan.optimization !== 'optimized')
        return problem(response, 409, 'Plan not optimized', 'plan_not_optimized');
      plan.distributed = true;
      for (const stop of stops.get(plan.id) ?? []) stop.deliveryInfo ??= null;
      return send(response, 200, plan);
    }
    if ((match = /^\/(plans\/[\w-]+)\/stops\/([\w-]+)(?::(liveUpdate|liveDelete))?$/.exec(path))) {
      const plan = plans.get(match[1] as string);
      if (!plan) return problem(response, 404, 'Plan not found');
      const stopId = `${plan.id}/stops/${match[2] as string}`;
      const stop = (stops.get(plan.id) ?? []).find((candidate) => candidate.id === stopId);
      if (!stop) return problem(response, 404, 'Stop not found');
      const action = match[3];
      if (!action && method === 'GET') return send(response, 200, stopView(plan, stop));
      if (!action && (method === 'PATCH' || method === 'DELETE')) {
        if (!plan.writable) return problem(response, 409, 'Plan is not writable', 'plan_not_writable');
        if (method === 'DELETE') {
          deleteStop(plan, stop, false);
          return send(response, 204);
        }
        const refused = updateStop(plan, stop, body, response, false);
        return refused ?? send(response, 200, stopView(plan, stop));
      }
      if (action && method === 'POST') {
        if (action === 'liveDelete') {
          deleteStop(plan, stop, true);
          return send(response, 200, { pending: startEditing(plan) });
        }
        const refused = updateStop(plan, stop, body, response, true);
        return refused ?? send(response, 200, { pending: startEditing(plan), stop: stopView(plan, stop) });
      }
      return problem(response, 405, 'Method not allowed');
    }
    if ((match = /^\/(plans\/[\w-]+)\/stops(?::(import|liveImport))?$/.exec(path))) {
      const plan = plans.get(match[1] as string);
      if (!plan) return problem(response, 404, 'Plan not found');
      const action = match[2];
      if (!action && method === 'GET') {
        const all = (stops.get(plan.id) ?? []).filter(
          (stop) =>
            !query['filter.externalId'] || stop.input.recipient?.externalId === query['filter.externalId'],
        );
        const { slice, nextPageToken } = page(all, query, 10);
        return send(response, 200, { stops: slice.map((stop) => stopView(plan, stop)), nextPageToken });
      }
      if (action === 'import' && method === 'POST') {
        if (!plan.writable || plan.optimization === 'optimizing') {
          return problem(response, 409, 'Plan is not writable', 'plan_not_writable');
        }
        return importStops(plan, body, response, false);
      }
      if (action === 'liveImport' && method === 'POST') return importStops(plan, body, response, true);
      return problem(response, 405, 'Method not allowed');
    }
    if (path === '/drivers' && method === 'GET') {
      const { slice, nextPageToken } = page([...drivers.values()], query, 50);
      return send(response, 200, { drivers: slice, nextPageToken });
    }
    if (path === '/drivers' && method === 'POST') {
      const fault = driverBodyFault(body, false);
      if (fault) return problem(response, 400, fault);
      const input = body as Record<string, unknown>;
      const driver: FakeDriver = {
        id: `drivers/${nextId()}`,
        name: (input.name as string | null | undefined) ?? null,
        email: (input.email as string | null | undefined) ?? null,
        phone: (input.phone as string | null | undefined) ?? null,
        displayName: (input.displayName as string | null | undefined) ?? null,
        active: true,
        depots: (input.depots as string[] | null | undefined) ?? ['depots/main'],
        routeOverrides: {
          startTime: null,
          endTime: null,
          startAddress: null,
          endAddress: null,
          maxStops: null,
          drivingSpeed: 'average',
          deliverySpeed: 'average',
          vehicleType: null,
        },
      };
      applyRouteOverrides(driver, input.routeOverrides);
      drivers.set(driver.id, driver);
      driverWrites.push({ method: 'POST', driverId: driver.id, body: input });
      return send(response, 200, driver);
    }
    if ((match = /^\/(drivers\/[\w-]+)$/.exec(path))) {
      const driver = drivers.get(match[1] as string);
      if (!driver) return problem(response, 404, 'Driver not found');
      if (method === 'GET') return send(response, 200, driver);
      if (method !== 'PATCH') return problem(response, 405, 'Method not allowed');
      const fault = driverBodyFault(body, true);
      if (fault) return problem(response, 400, fault);
      const input = body as Record<string, unknown>;
      if (input.name !== undefined) driver.name = input.name as string | null;
      if (input.displayName !== undefined) driver.displayName = input.displayName as string | null;
      if (input.depots !== undefined) driver.depots = (input.depots as string[] | null) ?? ['depots/main'];
      applyRouteOverrides(driver, input.routeOverrides);
      driverWrites.push({ method: 'PATCH', driverId: driver.id, body: input });
      return send(response, 200, driver);
    }
    if ((match = /^\/(operations\/[\w-]+)$/.exec(path)) && method === 'GET') {
      const operation = operations.get(match[1] as string);
      if (!operation) return problem(response, 404, 'Operation not found');
      advance(operation);
      return send(response, 200, operationView(operation));
    }
    return problem(response, 404, 'Not found');
  };

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (text += chunk));
      request.on('end', () => resolve(text));
      request.on('error', reject);
    });

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const path = url.pathname.replace(/^\/public\/v1/, '');
      const method = request.method ?? 'GET';
      const query = Object.fromEntries(url.searchParams);
      const text = await readBody(request);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const record: RecordedRequest = { method, path, query, body, status: 0 };
      requests.push(record);
      if (isDown) {
        request.socket.destroy();
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (response.destroyed) return;
      if (!authorised(request.headers.authorization)) {
        record.status = problem(response, 401, 'Unauthorized');
        return;
      }
      if (throttled > 0) {
        throttled -= 1;
        if (retryAfter !== undefined) response.setHeader('retry-after', String(retryAfter));
        record.status = problem(response, 429, 'Too many requests');
        return;
      }
      if (text && !String(request.headers['content-type']).startsWith('application/json')) {
        record.status = problem(response, 400, 'Content-type must be application/json');
        return;
      }
      const interruption = interruptions.find(
        (candidate) => candidate.times > 0 && candidate.match(method, path),
      );
      if (interruption) interruption.times -= 1;
      if (interruption && !interruption.afterApplying) {
        request.socket.destroy();
        return;
      }
      const sink = interruption
        ? ({
            writeHead: () => undefined,
            end: () => undefined,
            setHeader: () => undefined,
          } as unknown as ServerResponse)
        : response;
      record.status = await route(method, path, query, body, sink);
      if (interruption) request.socket.destroy();
    })().catch((error: unknown) => {
      if (!response.headersSent)
        problem(response, 500, error instanceof Error ? error.message : 'Internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/public/v1`,
    apiKey,
    webhookSecret,
    requests,
    throttle(count, retryAfterSeconds) {
      throttled = count;
      retryAfter = retryAfterSeconds;
    },
    slow(ms) {
      delayMs = ms;
    },
    operationPolls(count) {
      pollsUntilDone = count;
    },
    failNextOperation() {
      failOperation = true;
    },
    interrupt(match, { afterApplying = false, times = 1 } = {}) {
      interruptions.push({ match, times, afterApplying });
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    plans: () => [...plans.values()],
    drivers: () => [...drivers.values()],
    externalIdsOf: (planId) =>
      (stops.get(planId) ?? []).map((stop) => stop.input.recipient?.externalId ?? '').filter(Boolean),
    importedExternalIds: () =>
      requests
        .filter((request) => request.status === 200 && /\/stops:(import|liveImport)$/.test(request.path))
        .flatMap((request) => (request.body as StopInput[]).map((stop) => stop.recipient?.externalId ?? '')),
    deletions: () => [...deletions],
    updates: () => [...updates],
    driverWrites: () => [...driverWrites],
    attemptedDelivery(externalId, outcome, created = Date.now()) {
      const found = [...stops.entries()]
        .flatMap(([planId, list]) => list.map((stop) => ({ planId, stop })))
        .find(({ stop }) => stop.input.recipient?.externalId === externalId);
      if (!found) throw new Error(`No stop ${externalId} in the fake`);
      const plan = plans.get(found.planId) as FakePlan;
      found.stop.deliveryInfo = {
        attempted: true,
        succeeded: outcome.succeeded,
        state: outcome.state,
        attemptedAt: Math.floor(created / 1000),
      };
      const rawBody = JSON.stringify({
        type: 'stop.attempted_delivery',
        version: 'v1',
        created,
        data: stopView(plan, found.stop),
      });
      return { rawBody, signature: signCircuitWebhook(rawBody, webhookSecret) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function bareOf(serializedId: string): string {
  return serializedId.slice(serializedId.lastIndexOf('/') + 1);
}
