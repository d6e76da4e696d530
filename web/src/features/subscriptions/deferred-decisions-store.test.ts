import type * as Keycloak from '../../auth/keycloak.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import { decisionDelay, useDeferredDecisionStore } from './deferred-decisions-store.ts';
import { useSubscriptionStore } from './subscriptions-store.ts';

// The Keycloak session, under the test's hand: a token in hand (or none), and a refresh.
const auth = vi.hoisted(() => {
  const state: { token: string | undefined; refreshes: number } = { token: 'token-in-hand', refreshes: 0 };
  return state;
});
vi.mock('../../auth/keycloak.ts', async (original) => ({
  ...(await original<typeof Keycloak>()),
  tokenInHand: () => auth.token,
  freshToken: async () => {
    auth.refreshes += 1;
    return auth.token;
  },
}));

const storageKey = 'cocagne.deferred-decisions';
const id = aSubscription().id;

/** A staff member's inbox with one application, approved (not sent yet). */
async function approvedNotSent() {
  signedIn();
  const api = stubApi((call) =>
    call.method === 'POST'
      ? { body: aSubscription({ status: 'active', revision: 2 }) }
      : { body: [aSubscription()] },
  );
  await useSubscriptionStore().fetchPending();
  auth.refreshes = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const deferred = useDeferredDecisionStore();
  deferred.defer(id, { decision: 'approve' });
  const posts = () => api.calls.filter((call) => call.method === 'POST');
  expect(posts()).toEqual([]);
  return { deferred, posts, fetch: vi.mocked(fetch) };
}

function hide(): void {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** The call went out with keepalive and the token, at once (nothing awaited before the fetch). */
function expectSentAtOnce(posts: () => ApiCall[], fetchMock: ReturnType<typeof vi.mocked<typeof fetch>>) {
  expect(posts()).toMatchObject([
    { path: `/api/gardens/val-du-doubs/subscriptions/${id}/decision`, body: { decision: 'approve' } },
  ]);
  expect(posts()[0]?.headers.get('Authorization')).toBe('Bearer token-in-hand');
  expect(fetchMock.mock.calls[fetchMock.mock.calls.length - 1]?.[1]).toMatchObject({ keepalive: true });
}

describe('decisions waiting for « Annuler » when the tab goes away', () => {
  beforeEach(() => {
    auth.token = 'token-in-hand';
    auth.refreshes = 0;
    sessionStorage.clear();
  });
  afterEach(() => {
    // Nothing left waiting, listening to the next test's events.
    const deferred = useDeferredDecisionStore();
    for (const waiting of Object.keys(deferred.waiting)) deferred.undo(waiting);
    vi.useRealTimers();
    vi.unstubAllGlobals();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    sessionStorage.clear();
  });

  it('keeps a fresh token ready while a decision waits', async () => {
    await approvedNotSent();
    expect(auth.refreshes).toBe(1);
  });

  it('sends at once with keepalive and the token when the page is hidden (iOS closing a tab)', async () => {
    const { deferred, posts, fetch } = await approvedNotSent();
    window.dispatchEvent(new Event('pagehide'));
    // No await between the event and the check: the browser may stop the page right after it.
    expectSentAtOnce(posts, fetch);
    expect(deferred.isWaiting(id)).toBe(false);
    expect(sessionStorage.getItem(storageKey)).toBeNull();
    // Not sent twice: neither by the timer nor by a later event.
    window.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(decisionDelay * 2);
    expect(posts()).toHaveLength(1);
    expect(useSubscriptionStore().byId[id]?.status).toBe('active');
  });

  it('sends at once when the tab becomes hidden (switched away, phone locked)', async () => {
    const { posts, fetch } = await approvedNotSent();
    hide();
    expectSentAtOnce(posts, fetch);
  });

  it('sends at once, without asking to stay, when the tab is closed on a desktop', async () => {
    const { posts, fetch } = await approvedNotSent();
    const leaving = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(leaving);
    expectSentAtOnce(posts, fetch);
    expect(leaving.defaultPrevented).toBe(false);
  });

  it('without a token, sends nothing and keeps the decision as not sent, for the card to say so', async () => {
    const { deferred, posts } = await approvedNotSent();
    expect(JSON.parse(sessionStorage.getItem(storageKey) ?? '{}')).toEqual({ [id]: { decision: 'approve' } });
    auth.token = undefined;
    // A desktop asks the person to stay (the delay then sends it, with a refreshed token).
    const leaving = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(leaving);
    expect(leaving.defaultPrevented).toBe(true);
    expect(deferred.isWaiting(id)).toBe(true);

    window.dispatchEvent(new Event('pagehide'));
    expect(posts()).toEqual([]);
    expect(deferred.isWaiting(id)).toBe(false);
    expect(deferred.unsent[id]).toEqual({ decision: 'approve' });
    await vi.advanceTimersByTimeAsync(decisionDelay * 2);
    expect(posts()).toEqual([]);
    expect(useSubscriptionStore().byId[id]?.status).toBe('pending');
    // Kept for this tab: a reload still says it was not sent.
    expect(JSON.parse(sessionStorage.getItem(storageKey) ?? '{}')).toEqual({ [id]: { decision: 'approve' } });
  });

  it('after a reload, says which decisions were not sent, and forgets one decided again', () => {
    sessionStorage.setItem(storageKey, JSON.stringify({ [id]: { decision: 'approve' } }));
    signedIn();
    stubApi(() => ({ body: aSubscription({ status: 'active', revision: 2 }) }));
    const deferred = useDeferredDecisionStore();
    expect(deferred.unsent[id]).toEqual({ decision: 'approve' });
    expect(deferred.isWaiting(id)).toBe(false);

    deferred.defer(id, { decision: 'waitlist' });
    expect(deferred.unsent[id]).toBeUndefined();
    deferred.undo(id);
    expect(sessionStorage.getItem(storageKey)).toBeNull();
  });
});
