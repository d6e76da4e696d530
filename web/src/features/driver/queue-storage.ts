import type { QueuedMark, QueueStorage } from './mark-queue.ts';

/**
 * Where the phone keeps marks waiting to be sent, one record per mark. IndexedDB first:
 * photos are large, and localStorage holds about 5 MB in all. localStorage where IndexedDB is
 * missing or refused (some private modes).
 */
const databaseName = 'cocagne-driver';
/** One record per mark, keyed [queue, markId]. */
const storeName = 'marks';
/** Version 1 kept one list per day under the queue's key: read once into `marks`, then dropped. */
const formerStoreName = 'mark-queues';

/** All the keys of a queue's records: [queue] sorts before [queue, any id], which sorts before [queue, []]. */
const rangeOf = (queue: string) => IDBKeyRange.bound([queue], [queue, []]);

function opened(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(databaseName, 2);
    opening.onupgradeneeded = () => {
      const database = opening.result;
      const marks = database.createObjectStore(storeName);
      if (!database.objectStoreNames.contains(formerStoreName)) return;
      const former = opening.transaction!.objectStore(formerStoreName);
      const reading = former.openCursor();
      reading.onsuccess = () => {
        const cursor = reading.result;
        if (!cursor) {
          database.deleteObjectStore(formerStoreName);
          return;
        }
        for (const mark of cursor.value as QueuedMark[]) marks.put(mark, [cursor.key, mark.markId]);
        cursor.continue();
      };
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error ?? new Error('IndexedDB refused'));
  });
}

function indexedDbStorage(): QueueStorage {
  let database: Promise<IDBDatabase> | undefined;
  const run = async <T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>) => {
    database ??= opened();
    const db = await database;
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(storeName, mode);
      const request = act(transaction.objectStore(storeName));
      // Written once the transaction commits, not when the request succeeds.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted'));
    });
  };
  return {
    list: (queue) => run('readonly', (store) => store.getAll(rangeOf(queue)) as IDBRequest<QueuedMark[]>),
    get: async (queue, markId) =>
      (await run('readonly', (store) => store.get([queue, markId]) as IDBRequest<QueuedMark | undefined>)) ??
      undefined,
    put: async (queue, mark) => {
      await run('readwrite', (store) => store.put(mark, [queue, mark.markId]));
    },
    remove: async (queue, markId) => {
      await run('readwrite', (store) => store.delete([queue, markId]));
    },
  };
}

/** One entry per mark, `<queue>/<markId>`: keeping one never rewrites another. */
export function localStorageStorage(storage: Storage = localStorage): QueueStorage {
  const prefix = (queue: string) => `${queue}/`;
  const parsed = (kept: string | null) => (kept ? (JSON.parse(kept) as QueuedMark) : undefined);
  /** A day kept as one list (before one entry per mark): split it into entries, once. */
  const split = (queue: string) => {
    const former = storage.getItem(queue);
    if (former === null) return;
    for (const mark of JSON.parse(former) as QueuedMark[]) {
      if (storage.getItem(prefix(queue) + mark.markId) === null)
        storage.setItem(prefix(queue) + mark.markId, JSON.stringify(mark));
    }
    storage.removeItem(queue);
  };
  return {
    list: async (queue) => {
      split(queue);
      const marks: QueuedMark[] = [];
      for (let index = 0; index < storage.length; index++) {
        const name = storage.key(index);
        if (name?.startsWith(prefix(queue))) {
          const mark = parsed(storage.getItem(name));
          if (mark) marks.push(mark);
        }
      }
      return marks;
    },
    get: async (queue, markId) => {
      split(queue);
      return parsed(storage.getItem(prefix(queue) + markId));
    },
    put: async (queue, mark) => storage.setItem(prefix(queue) + mark.markId, JSON.stringify(mark)),
    remove: async (queue, markId) => storage.removeItem(prefix(queue) + markId),
  };
}

/**
 * IndexedDB when the browser has it, localStorage otherwise (or once IndexedDB refuses). A mark
 * kept in either is found: reads look in both, a removal removes from both.
 */
export function phoneStorage(): QueueStorage {
  if (typeof indexedDB === 'undefined') return localStorageStorage();
  const primary = indexedDbStorage();
  const fallback = localStorageStorage();
  let refused = false;
  /** IndexedDB's answer, or `undefined` where it refuses (what it kept before is still read). */
  const fromPrimary = async <T>(act: (storage: QueueStorage) => Promise<T>): Promise<T | undefined> => {
    try {
      return await act(primary);
    } catch {
      refused = true;
      return undefined;
    }
  };
  return {
    list: async (queue) => {
      const byId = new Map(
        (await fromPrimary((storage) => storage.list(queue)))?.map((mark) => [mark.markId, mark]),
      );
      for (const mark of await fallback.list(queue)) byId.set(mark.markId, mark);
      return [...byId.values()];
    },
    get: async (queue, markId) =>
      (await fallback.get(queue, markId)) ?? (await fromPrimary((storage) => storage.get(queue, markId))),
    put: async (queue, mark) => {
      if (!refused) {
        try {
          await primary.put(queue, mark);
          return;
        } catch {
          refused = true;
        }
      }
      await fallback.put(queue, mark);
    },
    remove: async (queue, markId) => {
      await fromPrimary((storage) => storage.remove(queue, markId));
      await fallback.remove(queue, markId);
    },
  };
}
