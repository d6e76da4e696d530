import { defineStore } from 'pinia';
import { ref } from 'vue';
import { lastMarkOf, type NotDeliveredReason } from '../../../../domain/rounds/round.ts';
import { addDays, gardenDay } from '../../../../domain/calendar.ts';
import { orProblem } from '../../api-client/problems.ts';
import type { ApiError } from '../../api-client/request.ts';
import { onSignOut } from '../../auth/keycloak.ts';
import { requireGardenId } from '../../stores/session.ts';
import * as api from './driver-api.ts';
import type { DriverRoundSummary, DriverRouteView, StopMark } from './driver-api.ts';
import { isTransient, MarkQueue, queueKey, type QueuedMark, type QueueStorage } from './mark-queue.ts';
import { blobOf } from './photo.ts';
import { phoneStorage } from './queue-storage.ts';
import { indexedDbRouteStorage, type RouteStorage } from './route-storage.ts';

/** An id made on the phone (crypto.randomUUID needs a secure context; a plain http address has none). */
export function newMarkId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What the driver says about a stop: delivered or not (with a reason), a comment, a photo (data URL). */
export interface MarkChoice {
  outcome: 'delivered' | 'not-delivered';
  reason?: NotDeliveredReason;
  comment?: string;
  photo?: string;
}

/** How a stop stands for the driver: the API's last mark, or one still on the phone. */
export type StopState =
  | { kind: 'unmarked' }
  | { kind: 'sent'; mark: StopMark }
  | { kind: 'waiting'; mark: QueuedMark }
  | { kind: 'refused'; mark: QueuedMark };

let storage: QueueStorage | undefined;
/** Tests give their own storage; the app keeps marks in IndexedDB (localStorage if refused). */
export function useQueueStorage(chosen: QueueStorage): void {
  storage = chosen;
}

let routeStorage: RouteStorage | undefined;
/** Tests give their own; the app keeps the rounds as last loaded in IndexedDB (route-storage.ts). */
export function useRouteStorage(chosen: RouteStorage): void {
  routeStorage = chosen;
}
function keptRoutes(): RouteStorage {
  routeStorage ??= indexedDbRouteStorage();
  return routeStorage;
}
// The rounds kept on the phone are the driver's: signing out forgets them (never the marks waiting).
onSignOut(() => keptRoutes().clear());

/** No network (or the API out of reach): the phone's copy is worth showing. */
const unreachable = (error: ApiError) => error.status === 0;
/** Days kept after their date (a late mark, a look back), before they are dropped. */
const keptDays = 7;

/**
 * The driver's rounds (today and next) and each day's route, with the marks made on this
 * phone and not yet received by the API (see mark-queue.ts).
 */
export const useDriverStore = defineStore('driver', () => {
  const rounds = ref<DriverRoundSummary[]>();
  const listError = ref<string>();
  const routes = ref<Record<string, DriverRouteView>>({});
  const errors = ref<Record<string, string>>({});
  const loading = ref<Record<string, boolean>>({});
  /** Marks on the phone, by day, in the order they were made. */
  const queued = ref<Record<string, QueuedMark[]>>({});
  /** The last try found no network (or the API down): the page says marks wait. */
  const offline = ref<Record<string, boolean>>({});
  /** Sending stopped for another cause (a session to open again, an access refused): the API's sentence. */
  const held = ref<Record<string, string | undefined>>({});
  const queues = new Map<string, MarkQueue>();

  function queueOf(date: string): MarkQueue {
    const gardenId = requireGardenId();
    const key = queueKey(gardenId, date);
    let queue = queues.get(key);
    if (!queue) {
      storage ??= phoneStorage();
      queue = new MarkQueue(
        storage,
        {
          photo: async (photoId, photo) =>
            (await api.sendPhoto(gardenId, date, photoId, blobOf(photo))).photoKey,
          mark: (mark) => api.sendMark(gardenId, date, mark),
        },
        key,
      );
      queues.set(key, queue);
    }
    return queue;
  }

  async function loadRounds(): Promise<void> {
    const gardenId = requireGardenId();
    let failed: ApiError | undefined;
    await orProblem(
      async () => {
        rounds.value = (await api.listDriverRounds(gardenId)).rounds;
        listError.value = undefined;
        roundsKeptSince.value = undefined;
        await keptRoutes().saveRounds(gardenId, rounds.value, new Date().toISOString());
      },
      (error) => {
        failed = error;
      },
    );
    if (!failed) return;
    const kept = unreachable(failed) && !rounds.value ? await keptRoutes().rounds(gardenId) : undefined;
    if (kept) {
      rounds.value = kept.rounds;
      roundsKeptSince.value = kept.savedAt;
      listError.value = undefined;
    } else listError.value = failed.message;
  }

  /**
   * Reads the day's route and keeps it on the phone. With no network, the copy kept when it was
   * last read is shown instead (`keptSince` says since when), so a page opened offline still
   * has its stops.
   */
  async function load(date: string): Promise<void> {
    const gardenId = requireGardenId();
    loading.value[date] = true;
    try {
      let failed: ApiError | undefined;
      let read: DriverRouteView | undefined;
      await orProblem(
        async () => {
          read = await api.getDriverRoute(gardenId, date);
        },
        (error) => {
          failed = error;
        },
      );
      if (read) {
        routes.value[date] = read;
        delete errors.value[date];
        keptSince.value[date] = undefined;
        const saved = await keptRoutes().saveDay(gardenId, date, read, new Date().toISOString());
        savedOnPhone.value[date] = saved;
        void keptRoutes().dropBefore(addDays(gardenDay(new Date()), -keptDays));
        return;
      }
      if (!failed) return;
      const kept =
        unreachable(failed) && !routes.value[date] ? await keptRoutes().day(gardenId, date) : undefined;
      if (kept) {
        routes.value[date] = kept.route;
        keptSince.value[date] = kept.savedAt;
        delete errors.value[date];
      } else errors.value[date] = failed.message;
    } finally {
      loading.value[date] = false;
    }
  }

  /** What the phone keeps for the day (after a reload, what was left unsent). */
  async function loadQueued(date: string): Promise<void> {
    queued.value[date] = await queueOf(date).marks();
  }

  /**
   * The days shown as the phone kept them (no network when the page opened): when they were
   * loaded. Undefined for a day read from the API.
   */
  const keptSince = ref<Record<string, string | undefined>>({});
  /** The days kept on the phone as last read, so the page can open them offline. */
  const savedOnPhone = ref<Record<string, boolean>>({});
  const roundsKeptSince = ref<string>();

  /** Sends what waits, in order; the route is read again when something went through. */
  async function send(date: string): Promise<void> {
    const queue = queueOf(date);
    // The phone knows it has no network: no try (it would also fail to refresh the sign-in,
    // which ends the session); the `online` event sends them.
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      queued.value[date] = await queue.marks();
      offline.value[date] = true;
      return;
    }
    const outcome = await queue.flush();
    // The route (with the marks received) first: a stop goes from waiting to sent, never unmarked between.
    if (outcome.sent > 0) await load(date);
    queued.value[date] = await queue.marks();
    const stopped = outcome.stopped;
    offline.value[date] = stopped !== undefined && isTransient(stopped);
    held.value[date] = stopped && !isTransient(stopped) ? stopped.message : undefined;
  }

  /** A mark made on the phone: kept on it at once, then sent if the network allows. */
  async function mark(date: string, input: MarkChoice & { stopId: string }): Promise<void> {
    const queue = queueOf(date);
    queued.value[date] = await queue.add({
      ...input,
      markId: newMarkId(),
      markedAt: new Date().toISOString(),
    });
    await send(date);
  }

  async function retry(date: string, markId: string): Promise<void> {
    await queueOf(date).retry(markId);
    await send(date);
  }

  async function discard(date: string, markId: string): Promise<void> {
    await queueOf(date).discard(markId);
    queued.value[date] = await queueOf(date).marks();
  }

  function stateOf(date: string, stopId: string): StopState {
    const onPhone = (queued.value[date] ?? []).findLast((mark) => mark.stopId === stopId);
    if (onPhone)
      return onPhone.state === 'refused'
        ? { kind: 'refused', mark: onPhone }
        : { kind: 'waiting', mark: onPhone };
    const route = routes.value[date];
    const sent = route ? lastMarkOf(route, stopId) : undefined;
    return sent ? { kind: 'sent', mark: sent } : { kind: 'unmarked' };
  }

  return {
    rounds,
    listError,
    routes,
    errors,
    loading,
    queued,
    offline,
    held,
    keptSince,
    savedOnPhone,
    roundsKeptSince,
    loadRounds,
    load,
    loadQueued,
    send,
    mark,
    retry,
    discard,
    stateOf,
  };
});
