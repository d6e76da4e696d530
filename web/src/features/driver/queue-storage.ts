import type { QueuedMark, QueueStorage } from './mark-queue.ts';

/**
 * Where the phone keeps marks waiting to be sent. IndexedDB first: photos are large, and
 * localStorage holds about 5 MB in all. localStorage where IndexedDB is missing or refused
 * (some private modes).
 */
const databaseName = 'cocagne-driver';
const storeName = 'mark-queues';

function opened(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(databaseName, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(storeName);
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
    read: async (key) =>
      (await run('readonly', (store) => store.get(key) as IDBRequest<QueuedMark[] | undefined>)) ?? undefined,
    write: async (key, marks) => {
      if (marks.length > 0) await run('readwrite', (store) => store.put(marks, key));
      else await run('readwrite', (store) => store.delete(key));
    },
  };
}

export function localStorageStorage(storage: Storage = localStorage): QueueStorage {
  return {
    read: async (key) => {
      const kept = storage.getItem(key);
      return kept ? (JSON.parse(kept) as QueuedMark[]) : undefined;
    },
    write: async (key, marks) => {
      if (marks.length > 0) storage.setItem(key, JSON.stringify(marks));
      else storage.removeItem(key);
    },
  };
}

/** IndexedDB when the browser has it, localStorage otherwise (or if IndexedDB refuses to open). */
export function phoneStorage(): QueueStorage {
  if (typeof indexedDB === 'undefined') return localStorageStorage();
  const primary = indexedDbStorage();
  const fallback = localStorageStorage();
  let refused = false;
  const guarded = async <T>(act: (storage: QueueStorage) => Promise<T>): Promise<T> => {
    if (!refused) {
      try {
        return await act(primary);
      } catch {
        refused = true;
      }
    }
    return act(fallback);
  };
  return {
    read: (key) => guarded((storage) => storage.read(key)),
    write: (key, marks) => guarded((storage) => storage.write(key, marks)),
  };
}
