import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { computed } from 'vue';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { useNotificationLogStore } from './notifications-store.ts';

const entry = (subject: string) => ({
  kind: 'absence-confirmed',
  subject,
  status: 'sent',
  channels: [{ channel: 'email', to: 'elodie@example.org', status: 'sent' }],
  createdAt: '2026-11-24T10:00:00.000Z',
});

describe('notification log store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the newest messages, then the older ones with the cursor', async () => {
    const api = stubApi((call) =>
      call.query.get('cursor')
        ? { body: { entries: [entry('Ancien')] } }
        : { body: { entries: [entry('Récent')], nextCursor: 'c-2' } },
    );
    const logs = useNotificationLogStore();
    await logs.load('m-0001');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/members/m-0001/notifications');
    expect(logs.logOf('m-0001').nextCursor).toBe('c-2');
    await logs.loadMore('m-0001');
    await logs.loadMore('m-0001');
    expect(api.calls.map((call) => call.query.get('cursor'))).toEqual([null, 'c-2']);
    expect(logs.logOf('m-0001').entries.map((item) => item.subject)).toEqual(['Récent', 'Ancien']);
  });

  it('keeps the failure to say it', async () => {
    stubApi(() => ({ status: 403, body: { error: 'forbidden', message: 'Interdit.' } }));
    const logs = useNotificationLogStore();
    await logs.load('m-0001');
    expect(logs.logOf('m-0001').error).toBe('Interdit.');
  });

  it('lets a screen follow the read as it happens', async () => {
    const slow = deferred<StubAnswer>();
    stubApi(() => slow.promise);
    const logs = useNotificationLogStore();
    const log = computed(() => logs.logOf('m-0001'));
    expect(log.value.entries).toEqual([]);
    const reading = logs.load('m-0001');
    expect(log.value.loading).toBe(true);
    slow.resolve({ body: { entries: [entry('Récent')] } });
    await reading;
    expect(log.value.loading).toBe(false);
    expect(log.value.entries.map((item) => item.subject)).toEqual(['Récent']);
  });
});
