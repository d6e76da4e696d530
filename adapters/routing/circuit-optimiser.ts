/**
 * Circuit (Spoke Dispatch) behind the rounds' optimiser port. Each call makes the day's plan
 * hold exactly the problem's stops, by our stop id kept in `recipient.externalId`: stops no
 * longer wanted are deleted, stops whose baskets, window, notes, phone or pin changed are
 * updated (only the fields that changed), a stop that moved is deleted and imported again
 * (Circuit cannot move one), missing stops are imported by 100; the plan is optimised when
 * anything changed or it never was. Before its first optimisation the plan is writable
 * (`DELETE`, `PATCH`, `stops:import`, `:optimize`); after it, changes go through the live
 * endpoints (`:liveDelete`, `:liveUpdate`, `stops:liveImport`), then `:reoptimize` and
 * `:save`, or `:redistribute` once the drivers have their routes (the contract's live plans).
 *
 * Every step can be run again after a crash without doing anything twice: the plan is found
 * by its title (garden and date), the drivers by their email, the stops by their externalId,
 * and each call compares Circuit's plan as it is now with the problem. A plan left with live
 * changes not re-optimised, or re-optimised but not saved, is finished by the next call.
 *
 * The whole call has a time budget (3 minutes by default) covering the requests, the
 * back-offs and the polling: past it, a `CircuitError` and the fallback plans locally, well
 * within the activity's 5 minutes.
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
import { checkRoundSolution } from '../../domain/rounds/feasibility.ts';
import { basketsAt } from '../../domain/rounds/timing.ts';
import { CircuitError, type CircuitClient } from './circuit-client.ts';
import {
  circuitDate,
  driverEmailOf,
  driverInput,
  driverUpdate,
  planPath,
  planTitle,
  stopChange,
  stopInput,
  type CircuitDriver,
  type CircuitImportResult,
  type CircuitOperation,
  type CircuitPlan,
  type CircuitStop,
  type CircuitStopInput,
  type CircuitStopUpdate,
} from './circuit-model.ts';

/** Circuit's limit for one `stops:import` (and live import) request. */
export const importBatchSize = 100;

/** Circuit takes 5 writes a second: one stop's delete or update at least this long after the last. */
export const writeIntervalMs = 200;

/** Creating a driver is limited to 1 a second (the contract's exception to the write limit). */
export const driverCreationIntervalMs = 1_000;

/** How a live plan's changes are applied (`:reoptimize`'s `optimizationType`, contract default first). */
export type ReoptimisationType =
  'reorder_changed_stops' | 'reorder_all_stops' | 'redistribute_stops_between_drivers';

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
  /**
   * The time one `optimise` (or `distribute`) may take in all: requests, back-offs, polling
   * (default 3 minutes, so that it and the local fallback end well within an activity's 5).
   */
  budgetMs?: number;
  /** Drivers are created as `<garden>.<vehicle>@<domain>` (Circuit keeps no external id for them). */
  driverEmailDomain?: string;
  timeZone?: string;
  sleep?: (ms: number) => Promise<void>;
  /** The clock the bounds are measured on (tests pass a fake one with `sleep`, to the client too). */
  now?: () => number;
}

/**
 * An optimiser that also keeps an outside plan in step when the routes are not optimised
 * again: the built-in optimiser has no such plan, Circuit has one per day.
 */
export interface LivePlanOptimiser extends RouteOptimiser {
  /**
   * After approval, for a garden that does not re-optimise: the plan is made to hold the kept
   * routes' stops (new ones on the driver `keepRoutes` chose, the others left where they are),
   * placed by Circuit without moving the others and sent again to the drivers who have it.
   * Returns the routes as Circuit now has them.
   */
  keepRoutes(problem: RoundProblem, kept: RoundSolution): Promise<RoundSolution>;
  /** A day left with no stop to route: the plan loses ours (and drivers who have it see that). */
  clear(gardenId: string, date: string): Promise<void>;
}

export interface CircuitOptimiser extends LivePlanOptimiser {
  /** Sends the approved routes to the drivers (`:distribute`); nothing happens if already sent. */
  distribute(gardenId: string, date: string): Promise<void>;
}

export const defaultBudgetMs = 3 * 60_000;

const defaultPoll: PollOptions = { intervalMs: 2_000, maxIntervalMs: 15_000, timeoutMs: 10 * 60_000 };

const skippedReason = (reason: string): Unrouted['reason'] =>
  reason === 'impossible_time_window' ? 'time-window' : 'other';

/** After its first optimisation a plan is changed through the live endpoints only. */
const isLive = (plan: CircuitPlan) =>
  !plan.writable || plan.optimization === 'optimized' || plan.optimization === 'preview' || plan.distributed;

const externalIdOf = (failure: { stop: unknown }) =>
  (failure.stop as { recipient?: { externalId?: string } } | undefined)?.recipient?.externalId;

export function createCircuitOptimiser(options: CircuitOptimiserOptions): CircuitOptimiser {
  const poll = { ...defaultPoll, ...options.poll };
  const budgetMs = options.budgetMs ?? defaultBudgetMs;
  const emailDomain = options.driverEmailDomain ?? 'drivers.cocagne.invalid';
  const timeZone = options.timeZone ?? gardenTimeZone;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;

  /** One call's work, every request and wait bounded by the call's deadline. */
  function within(deadline: number) {
    const client = options.client.withDeadline(deadline);
    let lastWrite = Number.NEGATIVE_INFINITY;
    let lastDriverCreation = Number.NEGATIVE_INFINITY;

    /** Sleeps `ms`, or fails as `timeout` when that would outlast the deadline. */
    async function wait(ms: number, what: string): Promise<void> {
      if (now() + ms > deadline) {
        throw new CircuitError('timeout', `${what}: no time left within the ${budgetMs} ms budget`);
      }
      await sleep(ms);
    }

    /** One stop's write, spaced from the last so as to keep under Circuit's 5 writes a second. */
    async function paced<T>(write: () => Promise<T>): Promise<T> {
      const gap = lastWrite + writeIntervalMs - now();
      if (gap > 0) await wait(gap, 'Spacing writes to Circuit');
      try {
        return await write();
      } finally {
        lastWrite = now();
      }
    }

    async function findPlan(gardenId: string, date: string): Promise<CircuitPlan | undefined> {
      const plans = await client.listAll<CircuitPlan>('/plans', 'plans', {
        'filter.title': planTitle(gardenId, date),
        'filter.startsGte': date,
        'filter.startsLte': date,
        maxPageSize: 20,
      });
      return plans.find((plan) => plan.title === planTitle(gardenId, date));
    }

    /**
     * One Circuit driver per vehicle, found by email or created (at most 1 a second); one found
     * whose name, van, hours, start or end changed is updated, so that Circuit's app shows the
     * vehicle's driver as the fleet has it now. Vehicle id → driver id.
     */
    async function ensureDrivers(problem: RoundProblem): Promise<Map<string, string>> {
      const drivers = await client.listAll<CircuitDriver>('/drivers', 'drivers', { maxPageSize: 50 });
      const byEmail = new Map(drivers.map((driver) => [driver.email?.toLowerCase(), driver]));
      const ids = new Map<string, string>();
      for (const vehicle of problem.vehicles) {
        const email = driverEmailOf(problem.gardenId, vehicle, emailDomain);
        const found = byEmail.get(email);
        if (found) {
          const update = driverUpdate(found, vehicle);
          if (update) await paced(() => client.request('PATCH', planPath(found.id), { body: update }));
          ids.set(vehicle.id, found.id);
          continue;
        }
        const gap = lastDriverCreation + driverCreationIntervalMs - now();
        if (gap > 0) await wait(gap, 'Spacing driver creations in Circuit');
        try {
          const created = await paced(() =>
            client.request<CircuitDriver>('POST', '/drivers', { body: driverInput(vehicle, email) }),
          );
          ids.set(vehicle.id, created.id);
        } finally {
          lastDriverCreation = now();
        }
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

    function listStops(plan: CircuitPlan): Promise<CircuitStop[]> {
      return client.listAll<CircuitStop>(`${planPath(plan.id)}/stops`, 'stops', { maxPageSize: 10 });
    }

    /** Deletes one stop; one already gone (a retry after a lost answer) is done. */
    async function deleteStop(stop: CircuitStop, live: boolean): Promise<void> {
      try {
        await paced(() =>
          live
            ? client.request('POST', `${planPath(stop.id)}:liveDelete`)
            : client.request('DELETE', planPath(stop.id)),
        );
      } catch (error) {
        if (error instanceof CircuitError && error.kind === 'not-found') return;
        throw error;
      }
    }

    async function updateStop(stop: CircuitStop, update: CircuitStopUpdate, live: boolean): Promise<void> {
      await paced(() =>
        live
          ? client.request('POST', `${planPath(stop.id)}:liveUpdate`, { body: update })
          : client.request('PATCH', planPath(stop.id), { body: update }),
      );
    }

    /**
     * Makes the plan hold the problem's stops: deletes, updates, then imports by 100.
     * Returns how many changes were made and the stops Circuit refused to import.
     */
    async function reconcile(
      problem: RoundProblem,
      plan: CircuitPlan,
      driverOf: Map<string, string>,
      /** Keeping the routes: each stop's vehicle (the stops imported go to its driver). */
      keptOn?: Map<string, string>,
    ): Promise<{ changes: number; failed: Unrouted[] }> {
      const live = isLive(plan);
      const pins = new Map(problem.pins.map((pin) => [pin.stopId, pin]));
      const wanted = new Map<string, CircuitStopInput>(
        problem.stops.map((stop) => {
          const pin = pins.get(stop.id);
          const vehicleId = keptOn ? keptOn.get(stop.id) : pin?.vehicleId;
          return [stop.id, stopInput(stop, pin, vehicleId ? driverOf.get(vehicleId) : undefined)];
        }),
      );
      const held = new Map<string, CircuitStop>();
      const extra: CircuitStop[] = [];
      const updates: Array<{ stop: CircuitStop; update: CircuitStopUpdate }> = [];
      for (const stop of await listStops(plan)) {
        const externalId = stop.recipient.externalId;
        // Stops not ours (added by hand in Circuit, with no externalId) are left as they are.
        if (stop.type !== 'stop' || !externalId) continue;
        const input = wanted.get(externalId);
        if (!input || held.has(externalId)) {
          extra.push(stop);
          continue;
        }
        const change = stopChange(stop, input, { keepPlace: !!keptOn });
        if (change.kind === 'move') {
          extra.push(stop);
          continue;
        }
        held.set(externalId, stop);
        if (change.kind === 'update') updates.push({ stop, update: change.update });
      }
      for (const stop of extra) await deleteStop(stop, live);
      for (const { stop, update } of updates) await updateStop(stop, update, live);

      const missing = problem.stops.filter((stop) => !held.has(stop.id));
      const failed: Unrouted[] = [];
      let imported = 0;
      for (let at = 0; at < missing.length; at += importBatchSize) {
        const body = missing.slice(at, at + importBatchSize).map((stop) => wanted.get(stop.id));
        const result = await client.request<CircuitImportResult>(
          'POST',
          `${planPath(plan.id)}/stops:${live ? 'liveImport' : 'import'}`,
          { body },
        );
        imported += result.success.length;
        for (const failure of result.failed) {
          const externalId = externalIdOf(failure);
          if (externalId) failed.push({ stopId: externalId, reason: 'other' });
        }
      }
      return { changes: extra.length + updates.length + imported, failed };
    }

    async function getPlan(plan: CircuitPlan): Promise<CircuitPlan> {
      return client.request<CircuitPlan>('GET', planPath(plan.id));
    }

    /** Polls until `done`, waiting longer each time, within the bound and the budget. */
    async function awaitOperation(operation: CircuitOperation): Promise<CircuitOperation> {
      const bound = now() + poll.timeoutMs;
      let pause = poll.intervalMs;
      let current = operation;
      while (!current.done) {
        if (now() + pause > bound) {
          throw new CircuitError(
            'timeout',
            `Circuit's optimisation ${operation.id} was not done after ${poll.timeoutMs} ms`,
          );
        }
        await wait(pause, `Circuit's optimisation ${operation.id} was not done`);
        pause = Math.min(poll.maxIntervalMs, Math.round(pause * 1.5));
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

    /** Waits for an optimisation another call started (a retry) to end; the plan as it then is. */
    async function awaitPlanSettled(plan: CircuitPlan): Promise<CircuitPlan> {
      const bound = now() + poll.timeoutMs;
      let pause = poll.intervalMs;
      for (;;) {
        const current = await getPlan(plan);
        if (current.optimization !== 'optimizing') return current;
        if (now() + pause > bound) {
          throw new CircuitError(
            'timeout',
            `Circuit's plan ${plan.id} was not optimised after ${poll.timeoutMs} ms`,
          );
        }
        await wait(pause, `Circuit's plan ${plan.id} was not optimised`);
        pause = Math.min(poll.maxIntervalMs, Math.round(pause * 1.5));
      }
    }

    /** `:optimize` (a writable plan) or `:reoptimize` (a live one), polled to its end. */
    async function optimisePlan(
      plan: CircuitPlan,
      live: boolean,
      type?: ReoptimisationType,
    ): Promise<Array<{ id: string; reason: string }>> {
      try {
        const operation = await client.request<CircuitOperation>(
          'POST',
          `${planPath(plan.id)}:${live ? 'reoptimize' : 'optimize'}`,
          live && type ? { body: { optimizationType: type } } : {},
        );
        const done = await awaitOperation(operation);
        return done.result && 'skippedStops' in done.result ? done.result.skippedStops : [];
      } catch (error) {
        if (!(error instanceof CircuitError) || error.kind !== 'conflict') throw error;
        if (error.code === 'plan_already_optimized') return [];
        if (error.code === 'plan_optimization_in_progress') {
          await awaitPlanSettled(plan);
          return [];
        }
        throw error;
      }
    }

    /** Applies a live plan's re-optimisation: sent to the drivers if they have their routes, else kept. */
    async function commit(plan: CircuitPlan): Promise<void> {
      await client.request('POST', `${planPath(plan.id)}:${plan.distributed ? 'redistribute' : 'save'}`);
    }

    return {
      async optimise(problem: RoundProblem): Promise<RoundSolution> {
        const driverOf = await ensureDrivers(problem);
        let plan = await ensurePlan(problem, [...new Set(driverOf.values())]);
        if (plan.optimization === 'optimizing') plan = await awaitPlanSettled(plan);
        const live = isLive(plan);
        const { changes, failed } = await reconcile(problem, plan, driverOf);
        let skipped: Array<{ id: string; reason: string }> = [];
        if (!live) {
          // Never optimised yet.
          skipped = await optimisePlan(plan, false);
        } else if (changes > 0 || plan.optimization !== 'optimized') {
          // Besides this call's changes, a live plan may hold an earlier call's: in `editing`,
          // changes not re-optimised; in `preview`, a re-optimisation not saved.
          // The garden chose to re-optimise after approval (or staff asked for a new plan): the
          // whole plan, stops moving between drivers if that is shorter (the contract's default
          // would only place the changed stops).
          if (changes > 0 || plan.optimization !== 'preview') {
            skipped = await optimisePlan(plan, true, 'redistribute_stops_between_drivers');
          }
          await commit(plan);
        }
        return withinCapacity(problem, solutionOf(problem, driverOf, await listStops(plan), skipped, failed));
      },

      async keepRoutes(problem: RoundProblem, kept: RoundSolution): Promise<RoundSolution> {
        const driverOf = await ensureDrivers(problem);
        let plan = await findPlan(problem.gardenId, problem.date);
        if (!plan) {
          throw new CircuitError('not-found', `No Circuit plan for ${problem.gardenId} on ${problem.date}`);
        }
        if (plan.optimization === 'optimizing') plan = await awaitPlanSettled(plan);
        // Only the stops the kept routes take go to Circuit: one left out (no room) is not
        // driven, so Circuit's drivers must not see it either.
        const keptOn = new Map(
          kept.routes.flatMap((route) => route.stops.map((stop) => [stop.stopId, route.vehicleId] as const)),
        );
        const routedProblem = { ...problem, stops: problem.stops.filter((stop) => keptOn.has(stop.id)) };
        const { changes, failed } = await reconcile(routedProblem, plan, driverOf, keptOn);
        let skipped: Array<{ id: string; reason: string }> = [];
        if (!isLive(plan)) {
          skipped = await optimisePlan(plan, false);
        } else if (changes > 0 || plan.optimization !== 'optimized') {
          // Circuit cannot be given a stop's place in a route (only first, last or its choice):
          // the changed stops are placed by it, the others keep their order.
          if (changes > 0 || plan.optimization !== 'preview') {
            skipped = await optimisePlan(plan, true, 'reorder_changed_stops');
          }
          await commit(plan);
        }
        const solution = solutionOf(routedProblem, driverOf, await listStops(plan), skipped, failed);
        const routed = new Set(solution.routes.flatMap((route) => route.stops.map((stop) => stop.stopId)));
        const listed = new Set(solution.unrouted.map((entry) => entry.stopId));
        return {
          ...solution,
          unrouted: [
            ...solution.unrouted,
            ...kept.unrouted.filter((entry) => !routed.has(entry.stopId) && !listed.has(entry.stopId)),
          ],
        };
      },

      async clear(gardenId: string, date: string): Promise<void> {
        let plan = await findPlan(gardenId, date);
        if (!plan) return;
        if (plan.optimization === 'optimizing') plan = await awaitPlanSettled(plan);
        const live = isLive(plan);
        const ours = (await listStops(plan)).filter(
          (stop) => stop.type === 'stop' && stop.recipient.externalId,
        );
        for (const stop of ours) await deleteStop(stop, live);
        // Live deletes wait for a re-optimisation; drivers who have the plan get it again.
        if (live && (ours.length > 0 || plan.optimization === 'editing' || plan.optimization === 'preview')) {
          if (ours.length > 0 || plan.optimization !== 'preview') {
            await optimisePlan(plan, true, 'reorder_changed_stops');
          }
          await commit(plan);
        }
      },

      async distribute(gardenId: string, date: string): Promise<void> {
        const plan = await findPlan(gardenId, date);
        if (!plan) throw new CircuitError('not-found', `No Circuit plan for ${gardenId} on ${date}`);
        // A re-optimisation not applied yet goes to the drivers with it.
        if (plan.optimization === 'preview') {
          await client.request('POST', `${planPath(plan.id)}:redistribute`);
          return;
        }
        if (plan.distributed) return;
        await client.request<CircuitPlan>('POST', `${planPath(plan.id)}:distribute`);
      },
    };
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

  /**
   * Circuit's contract has no capacity for a vehicle (a driver's or plan's `maxStops` counts
   * stops, and the team's vehicle capacity is a dashboard setting): it only gets each stop's
   * `packageCount`. So its routes are checked here, as every plan is (`checkRoundSolution`),
   * and one that loads a vehicle beyond its capacity is refused: the built-in optimiser,
   * which keeps capacities, plans instead and staff read why.
   */
  function withinCapacity(problem: RoundProblem, solution: RoundSolution): RoundSolution {
    const over = checkRoundSolution(problem, solution, problem.vehicles).filter(
      (violation) => violation.kind === 'over-capacity',
    );
    if (over.length > 0) {
      throw new CircuitError('over-capacity', over.map((violation) => violation.message.fr).join(' '));
    }
    return solution;
  }

  return {
    optimise: (problem) => within(now() + budgetMs).optimise(problem),
    keepRoutes: (problem, kept) => within(now() + budgetMs).keepRoutes(problem, kept),
    clear: (gardenId, date) => within(now() + budgetMs).clear(gardenId, date),
    distribute: (gardenId, date) => within(now() + budgetMs).distribute(gardenId, date),
  };
}
