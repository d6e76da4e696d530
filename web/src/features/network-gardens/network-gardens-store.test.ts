import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../api-client/me.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import type { NetworkGarden, Operation } from './network-gardens-api.ts';
import { followEveryMs, useNetworkGardensStore } from './network-gardens-store.ts';

const networkAdmin: Identity = {
  userId: 'u-reseau',
  username: 'reseau',
  name: 'Rémi Réseau',
  roles: ['network-admin'],
};

const loue = (state: NetworkGarden['state']): NetworkGarden => ({
  id: 'val-loue',
  name: 'Jardin du Val de Loue',
  city: 'Ornans',
  state,
  stateLabel: state,
  url: 'http://localhost:8080/equipe',
  health: { failedWithinDays: 30 },
});

const progress = (state: Operation['state'], reached: number): Operation => ({
  gardenId: 'val-loue',
  operation: 'create',
  state,
  startedAt: '2026-12-06T10:00:00.000Z',
  steps: ['reserve', 'data', 'configuration'].map((step, index) => ({
    step: step as 'reserve',
    label: step,
    state: index < reached ? 'done' : index === reached && state === 'running' ? 'running' : 'pending',
    attempts: index <= reached ? 1 : 0,
  })),
});

describe('the network gardens store', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('reads a creation again while it runs, stops when it waits, and reads the list once it is over', async () => {
    vi.useFakeTimers();
    signedIn(networkAdmin);
    const answers = [progress('running', 1), progress('waiting', 1)];
    let decided = false;
    const api = stubApi((call) => {
      if (call.path === '/api/network/gardens' && call.method === 'GET')
        return { body: [loue(decided ? 'active' : 'provisioning')] };
      if (call.method === 'POST' && call.path === '/api/network/gardens')
        return { status: 202, body: progress('running', 0) };
      if (call.path.endsWith('/decision')) {
        decided = true;
        return { body: progress('running', 2) };
      }
      return { body: decided ? progress('done', 3) : answers.shift() };
    });
    const store = useNetworkGardensStore();
    await store.create({} as never);
    expect(store.operation?.state).toBe('running');
    await vi.advanceTimersByTimeAsync(followEveryMs);
    expect(store.operation?.steps[1]?.state).toBe('running');
    await vi.advanceTimersByTimeAsync(followEveryMs);
    expect(store.operation?.state).toBe('waiting');
    const readsWhileWaiting = api.calls.length;
    await vi.advanceTimersByTimeAsync(followEveryMs * 5);
    expect(api.calls.length, 'nothing read while it waits for a person').toBe(readsWhileWaiting);

    await store.decide('retry');
    expect(api.calls.at(-1)?.body).toEqual({ decision: 'retry' });
    await vi.advanceTimersByTimeAsync(followEveryMs);
    expect(store.operation?.state).toBe('done');
    await vi.advanceTimersByTimeAsync(0);
    expect(store.gardens.map((garden) => garden.state)).toEqual(['active']);
    const readsWhenDone = api.calls.length;
    await vi.advanceTimersByTimeAsync(followEveryMs * 5);
    expect(api.calls.length, 'nothing read once it is over').toBe(readsWhenDone);
  });

  it('keeps reading through a failed read, and says it meanwhile', async () => {
    vi.useFakeTimers();
    signedIn(networkAdmin);
    let fail = true;
    stubApi((call) => {
      if (call.method === 'POST') return { status: 202, body: progress('running', 0) };
      if (fail) return { status: 503, body: { error: 'unavailable', message: 'Temporal injoignable.' } };
      return { body: progress('done', 3) };
    });
    const store = useNetworkGardensStore();
    await store.retire('val-loue');
    await vi.advanceTimersByTimeAsync(followEveryMs);
    expect(store.operationError).toBe('Temporal injoignable.');
    fail = false;
    await vi.advanceTimersByTimeAsync(followEveryMs);
    expect(store.operation?.state).toBe('done');
    expect(store.operationError).toBeUndefined();
    store.close();
    expect(store.operation).toBeUndefined();
  });
});
