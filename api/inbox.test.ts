import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { incidentKeys, stalledSummary } from '../domain/incidents.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { uniqueEmail } from '../tests/support/moto.ts';

interface InboxItem {
  kind: string;
  since: string;
  subscription: { id: string; status: string; memberName?: string; depotName?: string };
  depotLoad?: { active: number; capacity: number };
  incident?: Record<string, unknown>;
}

/** The staff inbox: what waits on a person, from the workflows' WaitingOn search attribute. */
describe('staff inbox', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('inbox');
  });
  afterAll(() => api?.close());

  const inboxUrl = () => `/api/gardens/${api.gardenId}/inbox`;
  const subscriptionsUrl = (suffix = '') => `/api/gardens/${api.gardenId}/subscriptions${suffix}`;
  const startDate = addDays(gardenDay(new Date()), 7);
  const poll = { timeout: 15_000, interval: 500 };

  async function apply(firstName: string, lastName: string): Promise<string> {
    // Reachable by email: a member without any address is an incident of its own (see below).
    const member = await api.createMember({ firstName, lastName, email: uniqueEmail('inbox') });
    const response = await api.call(api.accounts.staff, 'POST', subscriptionsUrl(), {
      memberId: member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate,
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  }

  async function decide(id: string, decision: 'approve' | 'waitlist') {
    const response = await api.call(api.accounts.staff, 'POST', subscriptionsUrl(`/${id}/decision`), {
      decision,
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  async function inbox(): Promise<InboxItem[]> {
    const response = await api.call(api.accounts.staff, 'GET', inboxUrl());
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ items: InboxItem[] }>().items;
  }

  async function count(): Promise<number> {
    const response = await api.call(api.accounts.staff, 'GET', `${inboxUrl()}/count`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ count: number }>().count;
  }

  it('lists pending and waitlisted applications oldest first with their depot load; approved ones leave', async () => {
    expect(await inbox()).toEqual([]);
    expect(await count()).toBe(0);

    const first = await apply('Olympe', 'de Gouges');
    const second = await apply('Louise', 'Weiss');
    const third = await apply('Simone', 'Veil');
    await decide(third, 'waitlist');
    const approved = await apply('Marie', 'Marvingt');
    await decide(approved, 'approve');

    await expect
      .poll(async () => (await inbox()).map((item) => item.subscription.id), poll)
      .toEqual([first, second, third]);
    const items = await inbox();
    expect(items.map((item) => item.subscription.status)).toEqual(['pending', 'pending', 'waitlisted']);
    expect(items[0]).toMatchObject({
      kind: 'subscription-approval',
      subscription: { memberName: 'Olympe de Gouges', depotName: 'Dépôt du centre' },
      // One active subscription at the depot, out of its forty places.
      depotLoad: { active: 1, capacity: 40 },
    });
    const since = items.map((item) => item.since);
    expect([...since].sort()).toEqual(since);
    await expect.poll(count, poll).toBe(3);

    await decide(first, 'approve');
    await expect
      .poll(async () => (await inbox()).map((item) => item.subscription.id), poll)
      .toEqual([second, third]);
    expect((await inbox())[0]?.depotLoad).toEqual({ active: 2, capacity: 40 });
    await expect.poll(count, poll).toBe(2);

    // A waitlisted application approved later leaves too.
    await decide(third, 'approve');
    await expect
      .poll(async () => (await inbox()).map((item) => item.subscription.id), poll)
      .toEqual([second]);
    await expect.poll(count, poll).toBe(1);

    // An application withdrawn by staff leaves as well.
    const withdrawn = await api.call(
      api.accounts.staff,
      'POST',
      subscriptionsUrl(`/${second}/cancellation`),
      {
        reason: 'Demande retirée par téléphone',
      },
    );
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    await expect.poll(async () => (await inbox()).map((item) => item.subscription.id), poll).toEqual([]);
    await expect.poll(count, poll).toBe(0);
  });

  it('shows the incidents of the garden, in words, and lets staff retry a stalled process', async () => {
    const id = await apply('Olympe', 'de Gouges');
    const workflowId = `${api.gardenId}/subscription/${id}`;
    const stalled = {
      gardenId: api.gardenId,
      key: incidentKeys.stalled(workflowId, 'record'),
      kind: 'process-stalled' as const,
      workflowId,
      subject: { subscriptionId: id },
      summary: stalledSummary(
        { fr: `Enregistrer l'abonnement ${id}`, en: `Record subscription ${id}` },
        true,
      ),
      cause: 'Error: connect ECONNREFUSED',
      retriesByItself: true,
    };
    const unplannable = {
      gardenId: api.gardenId,
      key: incidentKeys.unplannable(id),
      kind: 'subscription-unplannable' as const,
      subject: { subscriptionId: id, week: '2026-W50' },
      summary: { fr: 'Paniers non calculés.', en: 'Baskets not worked out.' },
      cause: 'RangeError: Invalid time value',
      retriesByItself: false,
    };
    await api.store.incidents.report(stalled, new Date().toISOString());
    await api.store.incidents.report(unplannable, new Date().toISOString());
    const items = (await inbox()).filter((item) => item.kind === 'incident');
    expect(items.map((item) => item.incident)).toEqual([
      expect.objectContaining({
        key: stalled.key,
        kind: 'process-stalled',
        summary: expect.stringContaining(`Enregistrer l'abonnement ${id}`),
        canRetry: true,
        retriesByItself: true,
        subscriptionId: id,
      }),
      expect.objectContaining({ key: unplannable.key, canRetry: false, week: '2026-W50' }),
    ]);
    await expect.poll(count, poll).toBe(3);

    const retryUrl = `/api/gardens/${api.gardenId}/incidents/retry`;
    const retried = await api.call(api.accounts.staff, 'POST', retryUrl, { key: stalled.key });
    expect(retried.statusCode, retried.body).toBe(202);
    const nothingToRetry = await api.call(api.accounts.staff, 'POST', retryUrl, { key: unplannable.key });
    expect(nothingToRetry.statusCode).toBe(422);
    expect(nothingToRetry.json()).toMatchObject({ message: expect.stringContaining('rien à relancer') });
    const unknown = await api.call(api.accounts.staff, 'POST', retryUrl, { key: 'stalled/nothing' });
    expect(unknown.statusCode).toBe(404);
    for (const account of [api.accounts.member, api.accounts.otherStaff]) {
      expect((await api.call(account, 'POST', retryUrl, { key: stalled.key })).statusCode).toBe(403);
    }

    await api.store.incidents.resolve(api.gardenId, stalled.key);
    await api.store.incidents.resolve(api.gardenId, unplannable.key);
    expect((await inbox()).filter((item) => item.kind === 'incident')).toEqual([]);
  });

  it('is for staff only: members, drivers and other gardens get 403', async () => {
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      for (const path of [inboxUrl(), `${inboxUrl()}/count`]) {
        const response = await api.call(account, 'GET', path);
        expect(response.statusCode, `${path}: ${response.body}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'forbidden' });
      }
    }
    expect((await api.call(undefined, 'GET', inboxUrl())).statusCode).toBe(401);
  });
});
