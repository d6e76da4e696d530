import type { DriverRoundSummary, DriverRouteView } from './driver-api.ts';

/**
 * What the driver's phone keeps of the rounds as last loaded, so that a page opened with no
 * network (reloaded, or the tab killed and opened again) still shows the day's stops: each
 * day's route and the list of rounds, by garden. A day is kept a week after its date, then
 * dropped; signing out drops them all. In its own IndexedDB database, beside the marks'
 * (queue-storage.ts); where IndexedDB is refused nothing is kept (the page then needs the network).
 */
export interface KeptDay {
  route: DriverRouteView;
  /** When it was loaded (ISO), said on the page while it shows this copy. */
  savedAt: string;
}

export interface KeptRounds {
  rounds: DriverRoundSummary[];
  savedAt: string;
}

export interface RouteStorage {
  /** Resolves whether it is kept (false where IndexedDB refused). */
  saveDay(gardenId: string, date: string, route: DriverRouteView, savedAt: string): Promise<boolean>;
  day(gardenId: string, date: string): Promise<KeptDay | undefined>;
  saveRounds(gardenId: string, rounds: DriverRoundSummary[], savedAt: string): Promise<void>;
  rounds(gardenId: string): Promise<KeptRounds | undefined>;
  /** Drops the days older than `before` (an ISO date). */
  dropBefore(before: string): Promise<void>;
  clear(): Promise<void>;
}

export const routesDatabaseName = 'cocagne-driver-days';
const storeName = 'kept';
const dayKey = (gardenId: string, date: string) => `day/${gardenId}/${date}`;
const roundsKey = (gardenId: string) => `rounds/${gardenId}`;

function opened(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(routesDatabaseName, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(storeName);
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error ?? new Error('IndexedDB refused'));
  });
}

/** The phone's IndexedDB; every call fails quietly where it is refused (nothing is kept then). */
export function indexedDbRouteStorage(): RouteStorage {
  let database: Promise<IDBDatabase> | undefined;
  const run = async <T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>) => {
    if (typeof indexedDB === 'undefined') throw new Error('No IndexedDB');
    database ??= opened();
    const db = await database;
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const request = act(transaction.objectStore(storeName));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted'));
    });
  };
  const quietly = async <T>(act: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await act();
    } catch {
      return undefined;
    }
  };
  return {
    saveDay: async (gardenId, date, route, savedAt) =>
      (await quietly(async () => {
        await run('readwrite', (store) => store.put({ route, savedAt }, dayKey(gardenId, date)));
        return true;
      })) ?? false,
    day: (gardenId, date) =>
      quietly(() => run('readonly', (store) => store.get(dayKey(gardenId, date)) as IDBRequest<KeptDay>)),
    saveRounds: async (gardenId, rounds, savedAt) => {
      await quietly(() => run('readwrite', (store) => store.put({ rounds, savedAt }, roundsKey(gardenId))));
    },
    rounds: (gardenId) =>
      quietly(() => run('readonly', (store) => store.get(roundsKey(gardenId)) as IDBRequest<KeptRounds>)),
    dropBefore: async (before) => {
      const keys = (await quietly(() => run('readonly', (store) => store.getAllKeys()))) ?? [];
      const old = keys.filter((key) => {
        const date = typeof key === 'string' && key.startsWith('day/') ? key.slice(-10) : undefined;
        return date !== undefined && date < before;
      });
      for (const key of old) await quietly(() => run('readwrite', (store) => store.delete(key)));
    },
    clear: async () => {
      await quietly(() => run('readwrite', (store) => store.clear()));
    },
  };
}
