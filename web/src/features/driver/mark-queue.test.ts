import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../api-client/request.ts';
import type { MarkInput } from './driver-api.ts';
import { MarkQueue, queueKey, type MarkSender, type QueuedMark, type QueueStorage } from './mark-queue.ts';
import { localStorageStorage } from './queue-storage.ts';

const key = queueKey('val-du-doubs', '2026-12-08');

function memoryStorage(): QueueStorage & { kept: Map<string, string> } {
  const kept = new Map<string, string>();
  return {
    kept,
    read: async (name) => (kept.has(name) ? (JSON.parse(kept.get(name)!) as QueuedMark[]) : undefined),
    write: async (name, marks) => void kept.set(name, JSON.stringify(marks)),
  };
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
    expect(JSON.parse(localStorage.getItem(key) ?? '[]')).toMatchObject([
      { markId: 'mk-2', state: 'waiting', photo: 'data:image/jpeg;base64,/9j/4AAQ' },
    ]);
    server.state.network = true;
    await new MarkQueue(localStorageStorage(), server.sender, key).flush();
    expect(localStorage.getItem(key)).toBeNull();
    expect(server.marks).toHaveLength(1);
  });
});
