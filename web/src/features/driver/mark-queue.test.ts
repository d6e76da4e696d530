import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api-client/request.ts';
import type { MarkInput } from './driver-api.ts';
import { MarkQueue, queueKey, type MarkSender, type QueuedMark, type QueueStorage } from './mark-queue.ts';
import { localStorageStorage } from './queue-storage.ts';

const key = queueKey('val-du-doubs', '2026-12-08');

/**
 * What the phone keeps, in memory: one record per mark, as IndexedDB keeps them. `slow`: each
 * read and write takes a moment (a phone's storage), so steps that overlap show it.
 */
function memoryStorage({ slow = false } = {}) {
  const records = new Map<string, Map<string, string>>();
  const moment = () => (slow ? new Promise<void>((resolve) => setTimeout(resolve, 1)) : Promise.resolve());
  const marksOf = (queue: string) => {
    let marks = records.get(queue);
    if (!marks) records.set(queue, (marks = new Map<string, string>()));
    return marks;
  };
  const copy = (mark: QueuedMark) => JSON.stringify(mark);
  const storage: QueueStorage = {
    list: async (queue: string) => {
      const kept = [...marksOf(queue).values()].map((mark) => JSON.parse(mark) as QueuedMark);
      await moment();
      return kept;
    },
    get: async (queue: string, markId: string) => {
      const kept = marksOf(queue).get(markId);
      await moment();
      return kept === undefined ? undefined : (JSON.parse(kept) as QueuedMark);
    },
    put: async (queue: string, mark: QueuedMark) => {
      const kept = copy(mark);
      await moment();
      marksOf(queue).set(mark.markId, kept);
    },
    remove: async (queue: string, markId: string) => {
      await moment();
      marksOf(queue).delete(markId);
    },
  };
  return storage;
}

/** The API as the phone reaches it: down (no network) until told, and what it received. */
function api() {
  const state = { network: false, refuse: new Set<string>() };
  const photos: string[] = [];
  const marks: MarkInput[] = [];
  const sender: MarkSender = {
    photo: async (photoId) => {
      if (!state.network) throw new ApiError(0, 'network', 'Le serveur ne répond pas.');
      photos.push(photoId);
      return `val-du-doubs/rounds/2026-12-08/photos/${photoId}.jpg`;
    },
    mark: async (mark) => {
      if (!state.network) throw new ApiError(0, 'network', 'Le serveur ne répond pas.');
      if (state.refuse.has(mark.markId))
        throw new ApiError(422, 'invalid_input', 'Cet arrêt n’est pas dans votre tournée.');
      marks.push(mark);
    },
  };
  return { state, photos, marks, sender };
}

const delivered = (markId: string, stopId: string): MarkInput => ({
  markId,
  stopId,
  outcome: 'delivered',
  markedAt: '2026-12-08T16:10:00.000Z',
});
const notDelivered = (markId: string, stopId: string) => ({
  markId,
  stopId,
  outcome: 'not-delivered' as const,
  reason: 'absent' as const,
  comment: 'Personne',
  photo: 'data:image/jpeg;base64,/9j/4AAQ',
  markedAt: '2026-12-08T17:20:00.000Z',
});

describe('the marks a driver makes offline', () => {
  afterEach(() => localStorage.clear());

  it('keeps them through a reload while the network is away, then sends them in order, photo first', async () => {
    const storage = memoryStorage();
    const server = api();
    const queue = new MarkQueue(storage, server.sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    await queue.add(notDelivered('mk-2', 'home.s-1'));

    const offline = await queue.flush();
    expect(offline.sent).toBe(0);
    expect(offline.stopped?.status).toBe(0);

    // The page is reloaded: a new queue over what the phone kept.
    const reloaded = new MarkQueue(storage, server.sender, key);
    expect((await reloaded.marks()).map((mark) => [mark.markId, mark.state])).toEqual([
      ['mk-1', 'waiting'],
      ['mk-2', 'waiting'],
    ]);

    server.state.network = true;
    expect(await reloaded.flush()).toEqual({ sent: 2 });
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2']);
    expect(server.photos).toEqual(['mk-2']);
    expect(server.marks[1]).toEqual({
      markId: 'mk-2',
      stopId: 'home.s-1',
      outcome: 'not-delivered',
      reason: 'absent',
      comment: 'Personne',
      photoKey: 'val-du-doubs/rounds/2026-12-08/photos/mk-2.jpg',
      markedAt: '2026-12-08T17:20:00.000Z',
    });
    expect(await reloaded.marks()).toEqual([]);
  });

  it('uploads a photo once: when the mark fails after it, the retry sends the mark with its key', async () => {
    const storage = memoryStorage();
    const server = api();
    server.state.network = true;
    // The network goes just after the photo is up, before the mark is sent.
    const sender: MarkSender = {
      photo: async (photoId, photo) => {
        const photoKey = await server.sender.photo(photoId, photo);
        server.state.network = false;
        return photoKey;
      },
      mark: async (mark) => {
        if (!server.state.network) throw new ApiError(503, 'unavailable', 'Service indisponible.');
        await server.sender.mark(mark);
      },
    };
    const queue = new MarkQueue(storage, sender, key);
    await queue.add(notDelivered('mk-2', 'home.s-1'));

    expect((await queue.flush()).stopped?.status).toBe(503);
    const [kept] = await queue.marks();
    expect(kept?.photo).toBeUndefined();
    expect(kept?.photoKey).toBe('val-du-doubs/rounds/2026-12-08/photos/mk-2.jpg');

    server.state.network = true;
    await queue.flush();
    expect(server.photos).toEqual(['mk-2']);
    expect(server.marks.map((mark) => mark.photoKey)).toEqual([
      'val-du-doubs/rounds/2026-12-08/photos/mk-2.jpg',
    ]);
  });

  it('keeps a mark the API refuses with its reason, sends the next, and lets the driver send it again or drop it', async () => {
    const server = api();
    server.state.network = true;
    server.state.refuse.add('mk-1');
    const queue = new MarkQueue(memoryStorage(), server.sender, key);
    await queue.add(delivered('mk-1', 'home.s-9'));
    await queue.add(delivered('mk-2', 'depot.d-centre'));

    expect(await queue.flush()).toEqual({ sent: 1 });
    expect(await queue.marks()).toMatchObject([
      { markId: 'mk-1', state: 'refused', problem: 'Cet arrêt n’est pas dans votre tournée.' },
    ]);

    server.state.refuse.clear();
    await queue.retry('mk-1');
    await queue.flush();
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-2', 'mk-1']);

    server.state.refuse.add('mk-3');
    await queue.add(delivered('mk-3', 'home.s-9'));
    await queue.flush();
    await queue.discard('mk-3');
    expect(await queue.marks()).toEqual([]);
  });

  it('keeps one copy of a mark added twice, and sends it once when two flushes cross', async () => {
    const server = api();
    server.state.network = true;
    const queue = new MarkQueue(memoryStorage(), server.sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    await Promise.all([queue.flush(), queue.flush()]);
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1']);
  });

  it('survives in localStorage where the phone has no IndexedDB', async () => {
    const server = api();
    const queue = new MarkQueue(localStorageStorage(), server.sender, key);
    await queue.add(notDelivered('mk-2', 'home.s-1'));
    await queue.flush();
    expect(JSON.parse(localStorage.getItem(`${key}/mk-2`) ?? 'null')).toMatchObject({
      markId: 'mk-2',
      state: 'waiting',
      photo: 'data:image/jpeg;base64,/9j/4AAQ',
    });
    server.state.network = true;
    await new MarkQueue(localStorageStorage(), server.sender, key).flush();
    expect(localStorage.length).toBe(0);
    expect(server.marks).toHaveLength(1);
  });
});

/** A deferred answer: the test says when the API replies. */
function held() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

const at = (markId: string, stopId: string, markedAt: string): MarkInput => ({
  markId,
  stopId,
  outcome: 'delivered',
  markedAt,
});

describe('the queue when things happen at once, or the API says no', () => {
  afterEach(() => localStorage.clear());

  it('keeps a mark made while a flush sends another, and sends it too (the page said it was kept)', async () => {
    const storage = memoryStorage({ slow: true });
    const server = api();
    server.state.network = true;
    const answer = held();
    let sending = false;
    const sender: MarkSender = {
      photo: (photoId, photo) => server.sender.photo(photoId, photo),
      mark: async (mark) => {
        if (mark.markId === 'mk-1') {
          sending = true;
          await answer.promise;
        }
        await server.sender.mark(mark);
      },
    };
    const queue = new MarkQueue(storage, sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    const flushing = queue.flush();
    await vi.waitFor(() => expect(sending).toBe(true));

    // A tap while mk-1 is on its way: kept once add resolves.
    const adding = queue.add(at('mk-2', 'home.s-1', '2026-12-08T16:12:00.000Z'));
    answer.release();
    await adding;
    await flushing;
    // The page sends after keeping it (the store's mark → send).
    await queue.flush();

    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2']);
    expect(await new MarkQueue(storage, sender, key).marks()).toEqual([]);
  });

  it('still has the mark made during a flush after a reload, when the network went with the first one', async () => {
    const storage = memoryStorage({ slow: true });
    const server = api();
    server.state.network = true;
    const answer = held();
    let sending = false;
    const sender: MarkSender = {
      photo: (photoId, photo) => server.sender.photo(photoId, photo),
      mark: async (mark) => {
        sending = true;
        await answer.promise;
        await server.sender.mark(mark);
        server.state.network = false;
      },
    };
    const queue = new MarkQueue(storage, sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    const flushing = queue.flush();
    await vi.waitFor(() => expect(sending).toBe(true));
    const adding = queue.add(notDelivered('mk-2', 'home.s-1'));
    answer.release();
    await Promise.all([adding, flushing]);

    const reloaded = new MarkQueue(storage, server.sender, key);
    expect((await reloaded.marks()).map((mark) => [mark.markId, mark.state, mark.photo])).toEqual([
      ['mk-2', 'waiting', 'data:image/jpeg;base64,/9j/4AAQ'],
    ]);
    server.state.network = true;
    expect(await reloaded.flush()).toMatchObject({ sent: 1 });
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2']);
  });

  it('sends each mark once when two flushes run at once (the online event and the 30 s timer, two queues over one phone)', async () => {
    const storage = memoryStorage({ slow: true });
    const server = api();
    server.state.network = true;
    const first = new MarkQueue(storage, server.sender, key);
    await first.add(delivered('mk-1', 'depot.d-centre'));
    await first.add(notDelivered('mk-2', 'home.s-1'));
    await first.add(at('mk-3', 'home.s-2', '2026-12-08T17:30:00.000Z'));
    const second = new MarkQueue(storage, server.sender, key);

    const outcomes = await Promise.all([first.flush(), second.flush(), first.flush()]);
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2', 'mk-3']);
    expect(server.photos).toEqual(['mk-2']);
    expect(outcomes.every((outcome) => outcome.stopped === undefined)).toBe(true);
    expect(await second.marks()).toEqual([]);
  });

  it.each([
    [401, 'session_lost', 'Votre session a expiré : reconnectez-vous.'],
    [403, 'forbidden', 'Vous n’avez pas accès à cette tournée.'],
  ])(
    'stops at a %i and keeps every mark waiting (they go once the driver signs in again)',
    async (status, code, message) => {
      const storage = memoryStorage();
      const server = api();
      server.state.network = true;
      let signedIn = false;
      const tries: string[] = [];
      const sender: MarkSender = {
        photo: async (photoId, photo) => {
          if (!signedIn) throw new ApiError(status, code, message);
          return server.sender.photo(photoId, photo);
        },
        mark: async (mark) => {
          tries.push(mark.markId);
          if (!signedIn) throw new ApiError(status, code, message);
          await server.sender.mark(mark);
        },
      };
      const queue = new MarkQueue(storage, sender, key);
      await queue.add(delivered('mk-1', 'depot.d-centre'));
      await queue.add(notDelivered('mk-2', 'home.s-1'));
      await queue.add(at('mk-3', 'home.s-2', '2026-12-08T17:30:00.000Z'));

      const outcome = await queue.flush();
      expect(outcome.sent).toBe(0);
      expect(outcome.stopped?.status).toBe(status);
      // One try, then it stops: nothing refused, nothing else sent.
      expect(tries).toEqual(['mk-1']);
      expect((await queue.marks()).map((mark) => [mark.markId, mark.state, mark.problem])).toEqual([
        ['mk-1', 'waiting', undefined],
        ['mk-2', 'waiting', undefined],
        ['mk-3', 'waiting', undefined],
      ]);

      signedIn = true;
      expect(await new MarkQueue(storage, sender, key).flush()).toEqual({ sent: 3 });
      expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2', 'mk-3']);
    },
  );

  it.each([
    [400, 'invalid_input', 'Dites pourquoi le panier n’a pas été livré.'],
    [404, 'not_found', 'Arrêt introuvable.'],
    [422, 'refused', 'Cet arrêt n’est pas sur votre tournée.'],
  ])(
    'refuses only the mark the API answers %i about, with its sentence, and sends the next ones',
    async (status, code, message) => {
      const server = api();
      server.state.network = true;
      const sender: MarkSender = {
        photo: (photoId, photo) => server.sender.photo(photoId, photo),
        mark: async (mark) => {
          if (mark.markId === 'mk-2') throw new ApiError(status, code, message);
          await server.sender.mark(mark);
        },
      };
      const queue = new MarkQueue(memoryStorage(), sender, key);
      await queue.add(delivered('mk-1', 'depot.d-centre'));
      await queue.add(at('mk-2', 'home.s-9', '2026-12-08T16:30:00.000Z'));
      await queue.add(at('mk-3', 'home.s-1', '2026-12-08T16:40:00.000Z'));

      expect(await queue.flush()).toEqual({ sent: 2 });
      expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-1', 'mk-3']);
      expect(await queue.marks()).toMatchObject([{ markId: 'mk-2', state: 'refused', problem: message }]);
    },
  );

  it('sends marks in the order they were made (markedAt, then markId), whatever order they were kept in', async () => {
    const storage = memoryStorage();
    const server = api();
    const queue = new MarkQueue(storage, server.sender, key);
    // Kept out of order: another tab, or a mark made while the clock was behind.
    await queue.add(at('mk-c', 'home.s-3', '2026-12-08T17:00:00.000Z'));
    await queue.add(at('mk-b', 'home.s-2', '2026-12-08T16:00:00.000Z'));
    await queue.add(at('mk-a', 'home.s-1', '2026-12-08T16:00:00.000Z'));
    await queue.add(at('mk-0', 'depot.d-centre', '2026-12-08T15:59:59.000Z'));
    expect((await new MarkQueue(storage, server.sender, key).marks()).map((mark) => mark.markId)).toEqual([
      'mk-0',
      'mk-a',
      'mk-b',
      'mk-c',
    ]);
    server.state.network = true;
    await queue.flush();
    expect(server.marks.map((mark) => mark.markId)).toEqual(['mk-0', 'mk-a', 'mk-b', 'mk-c']);
  });

  it('drops a mark the API already had (duplicate: true) as sent: its first answer was lost on the way back', async () => {
    const server = api();
    server.state.network = true;
    const received = new Set<string>();
    let answerLost = true;
    const sender: MarkSender = {
      photo: (photoId, photo) => server.sender.photo(photoId, photo),
      mark: async (mark) => {
        const duplicate = received.has(mark.markId);
        received.add(mark.markId);
        if (answerLost) {
          answerLost = false;
          throw new ApiError(0, 'network', 'Le serveur ne répond pas.');
        }
        return { duplicate };
      },
    };
    const queue = new MarkQueue(memoryStorage(), sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    expect((await queue.flush()).stopped?.status).toBe(0);
    expect(await queue.marks()).toMatchObject([{ markId: 'mk-1', state: 'waiting' }]);
    expect(await queue.flush()).toEqual({ sent: 1 });
    expect(await queue.marks()).toEqual([]);
  });

  it('keeps one localStorage entry per mark where the phone has no IndexedDB: adding one rewrites no other', async () => {
    const server = api();
    const queue = new MarkQueue(localStorageStorage(), server.sender, key);
    await queue.add(delivered('mk-1', 'depot.d-centre'));
    const first = localStorage.getItem(`${key}/mk-1`);
    await queue.add(notDelivered('mk-2', 'home.s-1'));
    expect(localStorage.getItem(`${key}/mk-1`)).toBe(first);
    expect(JSON.parse(localStorage.getItem(`${key}/mk-2`) ?? 'null')).toMatchObject({ markId: 'mk-2' });
  });

  it('reads a day kept as one list by the former version into one entry per mark, and sends them', async () => {
    const former = [
      { ...delivered('mk-1', 'depot.d-centre'), state: 'waiting', attempts: 1 },
      { ...notDelivered('mk-2', 'home.s-1'), state: 'waiting', attempts: 0 },
    ];
    localStorage.setItem(key, JSON.stringify(former));
    const server = api();
    const queue = new MarkQueue(localStorageStorage(), server.sender, key);
    expect((await queue.marks()).map((mark) => mark.markId)).toEqual(['mk-1', 'mk-2']);
    expect(localStorage.getItem(key)).toBeNull();
    server.state.network = true;
    expect(await queue.flush()).toEqual({ sent: 2 });
    expect(localStorage.length).toBe(0);
  });
});
