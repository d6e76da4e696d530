import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { whileHeartbeating } from './heartbeat.ts';
import { formatDay, gardenDay, gardenTimeZone } from '../domain/calendar.ts';
import type { Act } from '../domain/actor.ts';
import { isoWeek, weekDays } from '../domain/iso-weeks.ts';
import { collectStops, roundDeadline } from '../domain/rounds/collect.ts';
import { planChanges } from '../domain/rounds/changes.ts';
import { keepRoutes } from '../domain/rounds/keep-routes.ts';
import { clockOf, type Fleet } from '../domain/rounds/fleet.ts';
import type { RouteOptimiser, RoundSolution, StopPin, Unrouted } from '../domain/rounds/plan.ts';
import type { RoundStop } from '../domain/rounds/stops.ts';
import { lastMarkOf, type Round, type RoundPhase } from '../domain/rounds/round.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import type { Texter } from '../adapters/messaging/texter.ts';
import type { Store } from '../adapters/store/index.ts';
import type { Geocoder } from '../adapters/geocoding/ban-geocoder.ts';
import type { RoundOptimiser } from '../adapters/routing/fallback-optimiser.ts';
import type { NotifyMemberInput, NotifyMemberResult } from './notifications.ts';

export interface RoundActivityDeps {
  store: Store;
  mailer: Mailer;
  texter: Texter;
  /** Sends a member a message once per key (activities/notifications.ts). */
  notifyMember: (input: NotifyMemberInput) => Promise<NotifyMemberResult>;
  /** The optimiser a garden's fleet asks for: the built-in one, or Circuit with the garden's key. */
  optimiserFor: (fleet: Fleet, circuitKey: string | undefined) => RouteOptimiser;
  /** Sends a Circuit plan to the drivers' Circuit app (`:distribute`), with the garden's key. */
  distributeInCircuit?: (circuitKey: string, gardenId: string, date: string) => Promise<void>;
  /** Finds the door of a household not yet placed on the map (BAN), when one is configured. */
  geocoder?: Geocoder;
  publicUrl: string;
  now?: () => Date;
}

/** A delivery window told to members: the planned arrival, a quarter of an hour either side, on 5 minutes. */
export function windowAround(arrival: number): { from: string; to: string } {
  const five = 300;
  const from = Math.max(0, Math.floor((arrival - 900) / five) * five);
  const to = Math.ceil((arrival + 900) / five) * five;
  return { from: clockOf(from), to: clockOf(to) };
}

/** Side effects of a delivery round. */
export function createRoundActivities(deps: RoundActivityDeps) {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const base = deps.publicUrl.replace(/\/+$/, '');

  async function roundOf(gardenId: string, date: string): Promise<Round> {
    const round = await store.rounds.get(gardenId, date);
    if (!round) throw new Error(`The round of ${date} in garden ${gardenId} is not stored.`);
    return round;
  }

  /** A one-time marker, for messages a retried activity must not send twice. */
  async function once(gardenId: string, key: string, send: () => Promise<void>): Promise<boolean> {
    const marker = { pk: gardenId, sk: `ROUNDSENT#${key}` };
    const done = await store.db.send(
      new GetCommand({ TableName: store.tables.gardens, Key: marker, ConsistentRead: true }),
    );
    if (done.Item) return false;
    await send();
    await store.db.send(
      new PutCommand({ TableName: store.tables.gardens, Item: { ...marker, at: now().toISOString() } }),
    );
    return true;
  }

  /**
   * Households delivered at home that nobody placed on the map yet: the geocoder (BAN) finds
   * their door from the address, and the member record keeps it (staff can still move it).
   * Not found, or the geocoder out of reach: the stop stays flagged for staff to place.
   */
  async function placeHouseholds(gardenId: string, stops: RoundStop[]): Promise<void> {
    const geocoder = deps.geocoder;
    if (!geocoder) return;
    for (const stop of stops) {
      if (stop.kind !== 'home' || stop.location || !stop.address || !stop.memberId) continue;
      const found = await geocoder.geocode(stop.address).catch(() => undefined);
      if (!found) continue;
      stop.location = found.position;
      await store.members.setLocation(gardenId, stop.memberId, found.position, now().toISOString());
    }
  }

  return {
    /**
     * The delivery days of a week that get a round: those from today on with planned baskets,
     * in a garden that has vehicles to carry them.
     */
    async roundDays(input: { gardenId: string; week: string; timeZone: string }): Promise<string[]> {
      const [fleet, baskets] = await Promise.all([
        store.fleet.get(input.gardenId),
        store.weeks.baskets(input.gardenId, input.week),
      ]);
      const today = gardenDay(now(), input.timeZone || gardenTimeZone);
      const days = weekDays(input.week);
      // Rounds already planned this week hear of changes too, even once their day has no basket left.
      const planned = (await store.rounds.between(input.gardenId, days[0] as string, days[6] as string))
        .filter((round) => round.date >= today && round.phase !== 'done')
        .map((round) => round.date);
      const withBaskets =
        fleet.vehicles.length === 0
          ? []
          : baskets
              .filter((basket) => basket.state === 'planned' && basket.baskets > 0 && basket.date >= today)
              .map((basket) => basket.date);
      return [...new Set([...withBaskets, ...planned])].sort();
    },

    /**
     * Collects the day's stops from its planned baskets, optimises them with the garden's
     * vehicles and pins, and stores the plan as revision `revision` (kept approval and
     * distribution included). A retry after the write stores nothing new. It heartbeats while it
     * runs (Circuit's optimisation can take minutes): a planning whose worker died is tried again
     * within the heartbeat timeout.
     */
    async planRound(input: {
      gardenId: string;
      date: string;
      timeZone: string;
      revision: number;
      pins: StopPin[];
      phase: RoundPhase;
      /** Plan again even when nothing changed (staff asked). */
      force?: boolean;
    }): Promise<{ revision: number; stops: number; unrouted: number; fallbackReason?: string }> {
      return whileHeartbeating(async () => {
        const { gardenId, date } = input;
        const week = isoWeek(date);
        const [fleet, depots, baskets, previous, circuitKey] = await Promise.all([
          store.fleet.get(gardenId),
          store.depots.list(gardenId),
          store.weeks.baskets(gardenId, week),
          store.rounds.get(gardenId, date),
          store.fleet.circuitKey(gardenId),
        ]);
        if (previous && previous.revision >= input.revision) {
          return {
            revision: previous.revision,
            stops: previous.stops.length,
            unrouted: previous.solution?.unrouted.length ?? 0,
          };
        }
        const memberIds = [
          ...new Set(baskets.filter((basket) => basket.date === date).map((basket) => basket.memberId)),
        ];
        const members = await store.members.getMany(gardenId, memberIds);
        const stops = collectStops({ date, baskets, depots, members, serviceMinutes: fleet.serviceMinutes });
        await placeHouseholds(gardenId, stops);
        const routable = stops.filter((stop) => stop.location);
        const stopIds = new Set(stops.map((stop) => stop.id));
        const vehicleIds = new Set(fleet.vehicles.map((vehicle) => vehicle.id));
        const pins = input.pins.filter((pin) => stopIds.has(pin.stopId) && vehicleIds.has(pin.vehicleId));
        // The same stops, pins and vehicles as the stored plan: nothing to plan again (a change
        // elsewhere in the week, or a second signal), so drivers are not told of a change.
        if (
          previous &&
          !input.force &&
          JSON.stringify(previous.stops) === JSON.stringify(stops) &&
          JSON.stringify(previous.pins) === JSON.stringify(pins) &&
          previous.fleetVersion === fleet.version
        ) {
          return {
            revision: previous.revision,
            stops: previous.stops.length,
            unrouted: previous.solution?.unrouted.length ?? 0,
            ...(previous.solution?.fallbackReason
              ? { fallbackReason: previous.solution.fallbackReason }
              : {}),
          };
        }
        const flagged: Unrouted[] = stops
          .filter((stop) => !stop.location)
          .map((stop) => ({ stopId: stop.id, reason: 'no-location' }));
        let solution: RoundSolution;
        const optimiser: RoundOptimiser = deps.optimiserFor(fleet, circuitKey);
        const problem = { gardenId, date, vehicles: fleet.vehicles, stops: routable, pins };
        if (routable.length === 0 || fleet.vehicles.length === 0) {
          // Nothing to route: Circuit's plan (if any) loses its stops too, so its drivers do not
          // drive to them; what Circuit could not take is said to staff.
          const stale = optimiser.clear ? await optimiser.clear(gardenId, date) : undefined;
          solution = {
            routes: [],
            unrouted: routable.map((stop) => ({ stopId: stop.id, reason: 'no-vehicle' as const })),
            optimiser: 'vroom',
            ...(stale ? { fallbackReason: stale } : {}),
          };
        } else if (
          previous?.phase === 'distributed' &&
          previous.solution &&
          !fleet.reoptimiseAfterApproval &&
          !input.force
        ) {
          solution = keepRoutes(problem, previous.solution);
          // Routes Circuit made and sent stay in step: its plan gets the change, without re-optimising.
          if (previous.solution.optimiser === 'circuit' && optimiser.keepRoutes) {
            solution = await optimiser.keepRoutes(problem, solution);
          }
        } else {
          solution = await optimiser.optimise(problem);
        }
        solution = { ...solution, unrouted: [...solution.unrouted, ...flagged] };
        const round: Omit<Round, 'marks'> = {
          gardenId,
          date,
          week,
          phase: previous?.phase === 'distributed' ? 'distributed' : input.phase,
          revision: input.revision,
          fleetVersion: fleet.version,
          stops,
          pins,
          solution,
          ...(previous?.solution ? { changes: planChanges(previous.solution, solution) } : {}),
          deadline: roundDeadline(date, input.timeZone || gardenTimeZone).toISOString(),
          ...(previous?.approval ? { approval: previous.approval } : {}),
          ...(previous?.distributedAt ? { distributedAt: previous.distributedAt } : {}),
          ...(previous?.distributedRoutes ? { distributedRoutes: previous.distributedRoutes } : {}),
          updatedAt: now().toISOString(),
        };
        const written = await store.rounds.savePlan(round);
        const stored = written ? round : await roundOf(gardenId, date);
        return {
          revision: stored.revision,
          stops: stored.stops.length,
          unrouted: stored.solution?.unrouted.length ?? 0,
          ...(stored.solution?.fallbackReason ? { fallbackReason: stored.solution.fallbackReason } : {}),
        };
      });
    },

    async setRoundPhase(input: {
      gardenId: string;
      date: string;
      phase: RoundPhase;
      approval?: Act | undefined;
    }): Promise<void> {
      await store.rounds.setPhase(input.gardenId, input.date, {
        phase: input.phase,
        updatedAt: now().toISOString(),
        ...(input.approval ? { approval: input.approval } : {}),
      });
    },

    /**
     * Sends each driver with stops the link to their route (SMS when the fleet has their
     * phone), once per plan revision, and marks the round distributed.
     */
    async distributeRound(input: { gardenId: string; date: string; revision: number }): Promise<number> {
      const { gardenId, date } = input;
      const [round, fleet, garden] = await Promise.all([
        roundOf(gardenId, date),
        store.fleet.get(gardenId),
        store.gardens.get(gardenId),
      ]);
      // Routes Circuit made also go to the drivers' Circuit app (nothing happens if already sent).
      if (round.solution?.optimiser === 'circuit' && deps.distributeInCircuit) {
        const key = await store.fleet.circuitKey(gardenId);
        if (key) await deps.distributeInCircuit(key, gardenId, date);
      }
      // Each driver hears of their own route: all of it the first time, then only when it changed.
      const before = round.distributedRoutes;
      const routes: Record<string, string[]> = {};
      for (const route of round.solution?.routes ?? []) {
        if (route.stops.length > 0) routes[route.vehicleId] = route.stops.map((stop) => stop.stopId);
      }
      const gardenName = garden?.name ?? 'Cocagne';
      const link = `${base}/chauffeur/${date}`;
      let told = 0;
      for (const vehicle of fleet.vehicles) {
        const stops = Object.hasOwn(routes, vehicle.id) ? routes[vehicle.id] : undefined;
        const had = before && Object.hasOwn(before, vehicle.id) ? before[vehicle.id] : undefined;
        if (!vehicle.driverPhone || (!stops && !had)) continue;
        if (stops && had && stops.join() === had.join()) continue;
        const route = round.solution?.routes.find((candidate) => candidate.vehicleId === vehicle.id);
        const text = !stops
          ? `${gardenName} : vous n'avez plus d'arrêt sur la tournée du ${formatDay(date)}. ${link}`
          : !before
            ? `${gardenName} : votre tournée du ${formatDay(date)} (${stops.length} arrêts, départ ${clockOf(route?.start ?? 0)}) : ${link}`
            : `${gardenName} : votre tournée du ${formatDay(date)} a changé (${stops.length} arrêts) : ${link}`;
        const sent = await once(gardenId, `${date}#${input.revision}#${vehicle.id}`, async () => {
          await deps.texter.send({ to: vehicle.driverPhone as string, text });
        });
        if (sent) told += 1;
      }
      await store.rounds.setPhase(gardenId, date, {
        phase: 'distributed',
        distributedAt: round.distributedAt ?? now().toISOString(),
        distributedRoutes: routes,
        updatedAt: now().toISOString(),
      });
      return told;
    },

    async remindStaffOfRound(input: {
      gardenId: string;
      date: string;
      deadline: string;
      overdue: boolean;
    }): Promise<boolean> {
      const garden = await store.gardens.get(input.gardenId);
      if (!garden) return false;
      const page = `${base}/equipe/tournees/${input.date}`;
      const day = formatDay(input.date);
      const due = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'full',
        timeStyle: 'short',
        timeZone: garden.timeZone,
      }).format(new Date(input.deadline));
      return once(input.gardenId, `${input.date}#${input.overdue ? 'overdue' : 'reminder'}`, async () => {
        await deps.mailer.send({
          to: garden.contactEmail,
          subject: input.overdue
            ? `Tournées du ${day} toujours pas validées`
            : `Tournées du ${day} à valider`,
          text: input.overdue
            ? `Bonjour,\n\nLes tournées du ${day} devaient être validées avant le ${due} et ne le sont pas : les chauffeurs n'ont encore rien reçu.\n\n${page}\n\n— Cocagne, ${garden.name}`
            : `Bonjour,\n\nLes tournées du ${day} attendent votre validation, avant le ${due}. Tant qu'elles ne sont pas validées, rien n'est envoyé aux chauffeurs.\n\n${page}\n\n— Cocagne, ${garden.name}`,
        });
      });
    },

    /** Tells each home-delivery member their window, from the planned arrival. */
    async tellMembersTheirWindows(input: { gardenId: string; date: string }): Promise<number> {
      const { gardenId, date } = input;
      const [round, fleet] = await Promise.all([roundOf(gardenId, date), store.fleet.get(gardenId)]);
      if (!fleet.tellMembersTheirWindow) return 0;
      const stops = new Map(round.stops.map((stop) => [stop.id, stop]));
      let told = 0;
      for (const route of round.solution?.routes ?? []) {
        for (const planned of route.stops) {
          const stop = stops.get(planned.stopId);
          if (stop?.kind !== 'home' || !stop.memberId || !stop.subscriptionId) continue;
          const window = windowAround(planned.arrival);
          const result = await deps.notifyMember({
            gardenId,
            memberId: stop.memberId,
            notification: { kind: 'delivery-window', data: { date, from: window.from, to: window.to } },
            idempotencyKey: `${stop.subscriptionId}/delivery-window/${date}`,
          });
          if (result.status === 'sent') told += 1;
        }
      }
      return told;
    },

    /** Tells a home-delivery member their basket could not be delivered. */
    async tellMemberNotDelivered(input: {
      gardenId: string;
      date: string;
      stopId: string;
      markId: string;
    }): Promise<boolean> {
      const round = await roundOf(input.gardenId, input.date);
      const stop = round.stops.find((candidate) => candidate.id === input.stopId);
      const mark = round.marks.find((candidate) => candidate.markId === input.markId);
      if (
        stop?.kind !== 'home' ||
        !stop.memberId ||
        !stop.subscriptionId ||
        mark?.outcome !== 'not-delivered'
      )
        return false;
      const result = await deps.notifyMember({
        gardenId: input.gardenId,
        memberId: stop.memberId,
        notification: { kind: 'delivery-missed', data: { date: input.date, reason: mark.reason ?? 'other' } },
        idempotencyKey: `${stop.subscriptionId}/delivery-missed/${input.date}`,
      });
      return result.status === 'sent';
    },

    /**
     * The evening report: delivered, not delivered, unmarked; kept on the round, mailed to staff.
     * `revised`: made again after marks that came late; mailed only when its figures changed.
     */
    async reportRoundDay(input: {
      gardenId: string;
      date: string;
      approved: boolean;
      revised?: boolean;
    }): Promise<NonNullable<Round['report']>> {
      const { gardenId, date } = input;
      const [round, garden] = await Promise.all([roundOf(gardenId, date), store.gardens.get(gardenId)]);
      const routed = round.solution?.routes.flatMap((route) => route.stops.map((stop) => stop.stopId)) ?? [];
      const stops = new Map(round.stops.map((stop) => [stop.id, stop]));
      const report = { at: now().toISOString(), delivered: 0, notDelivered: 0, unmarked: 0 };
      const missed: string[] = [];
      for (const stopId of routed) {
        const mark = lastMarkOf(round, stopId);
        if (mark?.outcome === 'delivered') report.delivered += 1;
        else {
          if (mark?.outcome === 'not-delivered') report.notDelivered += 1;
          else report.unmarked += 1;
          const stop = stops.get(stopId);
          if (stop) missed.push(`- ${stop.name} : ${mark ? 'non livré' : 'non renseigné'}`);
        }
      }
      // Stops no route took (not on the map, no room) were not delivered either, unless marked so.
      for (const { stopId } of round.solution?.unrouted ?? []) {
        if (lastMarkOf(round, stopId)?.outcome === 'delivered') {
          report.delivered += 1;
          continue;
        }
        report.notDelivered += 1;
        const stop = stops.get(stopId);
        if (stop) missed.push(`- ${stop.name} : hors tournée`);
      }
      const figures = `${report.delivered}/${report.notDelivered}/${report.unmarked}`;
      const before = round.report;
      const unchanged =
        before !== undefined && `${before.delivered}/${before.notDelivered}/${before.unmarked}` === figures;
      if (input.revised && unchanged) return before;
      await store.rounds.setPhase(gardenId, date, { phase: 'done', report, updatedAt: report.at });
      if (garden) {
        const day = formatDay(date);
        const key = input.revised ? `${date}#report-again#${figures}` : `${date}#report`;
        await once(gardenId, key, async () => {
          await deps.mailer.send({
            to: garden.contactEmail,
            subject: `${input.revised ? 'Bilan corrigé' : 'Bilan'} des tournées du ${day} : ${report.delivered} livrés sur ${round.stops.length}`,
            text:
              `Bonjour,\n\n${input.revised ? 'Des marques arrivées après le bilan du soir le changent.\n\n' : ''}` +
              `${input.approved ? '' : "Les tournées de ce jour n'ont pas été validées.\n\n"}` +
              `Livrés : ${report.delivered}\nNon livrés : ${report.notDelivered}\nNon renseignés : ${report.unmarked}\n` +
              (missed.length > 0 ? `\n${missed.join('\n')}\n` : '') +
              `\n${base}/equipe/tournees/${date}\n\n— Cocagne, ${garden.name}`,
          });
        });
      }
      return report;
    },
  };
}
export type RoundActivities = ReturnType<typeof createRoundActivities>;
