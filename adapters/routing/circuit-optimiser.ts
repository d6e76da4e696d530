/**
 * Circuit (Spoke Dispatch) behind the rounds' optimiser port. Every step can be run again
 * after a crash without doing anything twice: the plan is found by its title (garden and
 * date), the drivers by their email, and the stops by our stop id kept in
 * `recipient.externalId`: a retried activity imports only the stops the plan does not have.
 */
import { gardenTimeZone } from '../../domain/calendar.ts';
import { startOfDayIn } from '../../domain/delivery-calendar.ts';
import { clockSeconds } from '../../domain/rounds/fleet.ts';
import type {
  PlannedStop,
  RoundProblem,
  RoundSolution,
  RouteOptimiser,
  Unrouted,
  VehicleRoute,
} from '../../domain/rounds/plan.ts';
import type { RoundStop } from '../../domain/rounds/stops.ts';
import { basketsAt } from '../../domain/rounds/timing.ts';
import { CircuitError, type CircuitClient } from './circuit-client.ts';
import {
  circuitDate,
  driverEmailOf,
  driverInput,
  planPath,
  planTitle,
  stopInput,
  type CircuitDriver,
  type CircuitImportResult,
  type CircuitOperation,
  type CircuitPlan,
  type CircuitStop,
} from './circuit-model.ts';

/** Circuit's limit for one `stops:import` (and live import) request. */
export const importBatchSize = 100;

export interface PollOptions {
  /** The first wait between two polls; it grows by half each time, up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Gives up (a `timeout` CircuitError) when the optimisation is not done after this long. */
  timeoutMs: number;
}

export interface CircuitOptimiserOptions {
  client: CircuitClient;
  poll?: Partial<PollOptions>;
  /** Drivers are created as `<garden>.<vehicle>@<domain>` (Circuit keeps no external id for them). */
  driverEmailDomain?: string;
  timeZone?: string;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the polling bound is measured on (tests pass a fake one with `sleep`). */
  now?: () => number;
}

export interface CircuitOptimiser extends RouteOptimiser {
  /** Sends the approved routes to the drivers (`:distribute`); nothing happens if already sent. */
  distribute(gardenId: string, date: string): Promise<void>;
}

const defaultPoll: PollOptions = { intervalMs: 2_000, maxIntervalMs: 15_000, timeoutMs: 10 * 60_000 };

const skippedReason = (reason: string): Unrouted['reason'] =>
  reason === 'impossible_time_window' ? 'time-window' : 'other';

export function createCircuitOptimiser(options: CircuitOptimiserOptions): CircuitOptimiser {
  const { client } = options;
  const poll = { ...defaultPoll, ...options.poll };
  const emailDomain = options.driverEmailDomain ?? 'drivers.cocagne.invalid';
  const timeZone = options.timeZone ?? gardenTimeZone;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  async function findPlan(gardenId: string, date: string): Promise<CircuitPlan | undefined> {
    const plans = await client.listAll<CircuitPlan>('/plans', 'plans', {
      'filter.title': planTitle(gardenId, date),
      'filter.startsGte': date,
      'filter.startsLte': date,
      maxPageSize: 20,
    });
    return plans.find((plan) => plan.title === planTitle(gardenId, date));
  }

  /** One Circuit driver per vehicle, found by email or created; vehicle id → driver id. */
  async function ensureDrivers(problem: RoundProblem): Promise<Map<string, string>> {
    const drivers = await client.listAll<CircuitDriver>('/drivers', 'drivers', { maxPageSize: 50 });
    const byEmail = new Map(drivers.map((driver) => [driver.email?.toLowerCase(), driver.id]));
    const ids = new Map<string, string>();
    for (const vehicle of problem.vehicles) {
      const email = driverEmailOf(problem.gardenId, vehicle, emailDomain);
      let id = byEmail.get(email);
      if (!id) {
        const created = await client.request<CircuitDriver>('POST', '/drivers', {
          body: driverInput(vehicle, email),
        });
        id = created.id;
      }
      ids.set(vehicle.id, id);
    }
    return ids;
  }

  async function ensurePlan(problem: RoundProblem, driverIds: string[]): Promise<CircuitPlan> {
    const found = await findPlan(problem.gardenId, problem.date);
    if (!found) {
      return client.request<CircuitPlan>('POST', '/plans', {
        body: {
          title: planTitle(problem.gardenId, problem.date),
          starts: circuitDate(problem.date),
          drivers: driverIds,
        },
      });
    }
    const sameDrivers =
      found.drivers.length === driverIds.length && driverIds.every((id) => found.drivers.includes(id));
    if (sameDrivers || !found.writable) return found;
    return client.request<CircuitPlan>('PATCH', planPath(found.id), { body: { drivers: driverIds } });
  }

  /** Imports the stops the plan does not hold yet, by 100; returns how many it imported. */
  async function importMissing(
    problem: RoundProblem,
    plan: CircuitPlan,
    driverOf: Map<string, string>,
  ): Promise<{ imported: number; failed: Unrouted[] }> {
    const present = new Set(
      (await listStops(plan)).map((stop) => stop.recipient.externalId).filter((id): id is string => !!id),
    );
    const missing = problem.stops.filter((stop) => !present.has(stop.id));
    const pins = new Map(problem.pins.map((pin) => [pin.stopId, pin]));
    const live = !plan.writable || plan.optimization === 'optimized';
    const failed: Unrouted[] = [];
    let imported = 0;
    for (let at = 0; at < missing.length; at += importBatchSize) {
      const batch = missing.slice(at, at + importBatchSize);
      const body = batch.map((stop) => {
        const pin = pins.get(stop.id);
        return stopInput(stop, pin, pin ? driverOf.get(pin.vehicleId) : undefined);
      });
      const result = await client.request<CircuitImportResult>(
        'POST',
        `${planPath(plan.id)}/stops:${live ? 'liveImport' : 'import'}`,
        { body },
      );
      imported += result.success.length;
      for (const failure of result.failed) {
        const externalId = (failure.stop as { recipient?: { externalId?: string } } | undefined)?.recipient
          ?.externalId;
        if (externalId) failed.push({ stopId: externalId, reason: 'other' });
      }
    }
    return { imported, failed };
  }

  function listStops(plan: CircuitPlan): Promise<CircuitStop[]> {
    return client.listAll<CircuitStop>(`${planPath(plan.id)}/stops`, 'stops', { maxPageSize: 10 });
  }

  /** Polls until `done`, waiting longer each time, within the bound. */
  async function awaitOperation(operation: CircuitOperation): Promise<CircuitOperation> {
    const deadline = now() + poll.timeoutMs;
    let wait = poll.intervalMs;
    let current = operation;
    while (!current.done) {
      if (now() + wait > deadline) {
        throw new CircuitError(
          'timeout',
          `Circuit's optimisation ${operation.id} was not done after ${poll.timeoutMs} ms`,
        );
      }
      await sleep(wait);
      wait = Math.min(poll.maxIntervalMs, Math.round(wait * 1.5));
      current = await client.request<CircuitOperation>('GET', `/${operation.id}`);
    }
    if (current.metadata.canceled) {
      throw new CircuitError('operation-failed', `Circuit's optimisation ${operation.id} was cancelled`);
    }
    if (current.result && 'code' in current.result) {
      throw new CircuitError(
        'operation-failed',
        `Circuit's optimisation failed: ${current.result.message}`,
        undefined,
        current.result.code,
      );
    }
    return current;
  }

  /** When another call's optimisation is running (a retry), waits for the plan to be optimised. */
  async function awaitPlanOptimised(plan: CircuitPlan): Promise<void> {
    const deadline = now() + poll.timeoutMs;
    let wait = poll.intervalMs;
    for (;;) {
      const current = await client.request<CircuitPlan>('GET', planPath(plan.id));
      if (current.optimization === 'optimized') return;
      if (now() + wait > deadline) {
        throw new CircuitError(
          'timeout',
          `Circuit's plan ${plan.id} was not optimised after ${poll.timeoutMs} ms`,
        );
      }
      await sleep(wait);
      wait = Math.min(poll.maxIntervalMs, Math.round(wait * 1.5));
    }
  }

  async function optimisePlan(
    plan: CircuitPlan,
    imported: number,
  ): Promise<Array<{ id: string; reason: string }>> {
    const live = !plan.writable || plan.optimization === 'optimized';
    if (plan.optimization === 'optimized' && imported === 0) return [];
    try {
      const operation = await client.request<CircuitOperation>(
        'POST',
        `${planPath(plan.id)}:${live ? 'reoptimize' : 'optimize'}`,
      );
      const done = await awaitOperation(operation);
      return done.result && 'skippedStops' in done.result ? done.result.skippedStops : [];
    } catch (error) {
      if (!(error instanceof CircuitError) || error.kind !== 'conflict') throw error;
      if (error.code === 'plan_already_optimized') return [];
      if (error.code === 'plan_optimization_in_progress') {
        await awaitPlanOptimised(plan);
        return [];
      }
      throw error;
    }
  }

  function solutionOf(
    problem: RoundProblem,
    driverOf: Map<string, string>,
    stops: CircuitStop[],
    skipped: Array<{ id: string; reason: string }>,
    failed: Unrouted[],
  ): RoundSolution {
    const ours = new Map(problem.stops.map((stop) => [stop.id, stop]));
    const vehicleOf = new Map([...driverOf].map(([vehicleId, driverId]) => [driverId, vehicleId]));
    const midnight = startOfDayIn(problem.date, timeZone).getTime() / 1000;
    const byVehicle = new Map<string, CircuitStop[]>();
    const routed = new Set<string>();
    for (const stop of stops) {
      const externalId = stop.recipient.externalId;
      const vehicleId = stop.route?.driver ? vehicleOf.get(stop.route.driver) : undefined;
      if (stop.type !== 'stop' || !externalId || !ours.has(externalId) || !vehicleId) continue;
      if (routed.has(externalId)) continue;
      routed.add(externalId);
      byVehicle.set(vehicleId, [...(byVehicle.get(vehicleId) ?? []), stop]);
    }
    const routes: VehicleRoute[] = [];
    for (const vehicle of problem.vehicles) {
      const inOrder = (byVehicle.get(vehicle.id) ?? []).sort(
        (a, b) => (a.stopPosition ?? 0) - (b.stopPosition ?? 0),
      );
      if (inOrder.length === 0) continue;
      let clock = clockSeconds(vehicle.workStart);
      let distance = 0;
      let driving = 0;
      let baskets = 0;
      const planned: PlannedStop[] = inOrder.map((circuitStop) => {
        const stop = ours.get(circuitStop.recipient.externalId ?? '') as RoundStop;
        const travel = circuitStop.estimatedTravelDuration ?? 0;
        const arrival =
          circuitStop.eta.status === 'available'
            ? Math.round(circuitStop.eta.value.estimatedArrivalAt - midnight)
            : clock + travel;
        const legDistance = Math.round(circuitStop.estimatedTravelDistance ?? 0);
        distance += legDistance;
        driving += travel;
        baskets += basketsAt(stop);
        clock = arrival + stop.serviceSeconds;
        const result: PlannedStop = { stopId: stop.id, arrival, departure: clock, distance: legDistance };
        if (stop.window && arrival > stop.window.end) {
          result.late = { byMinutes: Math.ceil((arrival - stop.window.end) / 60), reason: 'window-closed' };
        }
        return result;
      });
      routes.push({
        vehicleId: vehicle.id,
        stops: planned,
        start: clockSeconds(vehicle.workStart),
        end: clock,
        distance,
        driving,
        baskets,
      });
    }
    const circuitIdOf = new Map(stops.map((stop) => [stop.id, stop.recipient.externalId]));
    const unrouted = new Map<string, Unrouted>();
    for (const skip of skipped) {
      const stopId = circuitIdOf.get(skip.id);
      if (stopId && !routed.has(stopId)) unrouted.set(stopId, { stopId, reason: skippedReason(skip.reason) });
    }
    for (const failure of failed) if (!routed.has(failure.stopId)) unrouted.set(failure.stopId, failure);
    for (const stop of problem.stops) {
      if (!routed.has(stop.id) && !unrouted.has(stop.id))
        unrouted.set(stop.id, { stopId: stop.id, reason: 'other' });
    }
    return { routes, unrouted: [...unrouted.values()], optimiser: 'circuit' };
  }

  return {
    async optimise(problem) {
      const driverOf = await ensureDrivers(problem);
      const plan = await ensurePlan(problem, [...new Set(driverOf.values())]);
      const { imported, failed } = await importMissing(problem, plan, driverOf);
      const skipped = await optimisePlan(plan, imported);
      return solutionOf(problem, driverOf, await listStops(plan), skipped, failed);
    },

    async distribute(gardenId, date) {
      const plan = await findPlan(gardenId, date);
      if (!plan) throw new CircuitError('not-found', `No Circuit plan for ${gardenId} on ${date}`);
      if (plan.distributed) return;
      await client.request<CircuitPlan>('POST', `${planPath(plan.id)}:distribute`);
    },
  };
}
