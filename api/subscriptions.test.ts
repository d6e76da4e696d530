import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

describe('subscriptions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('subs');
  });
  afterAll(() => api?.close());

  const url = (suffix = '') => `/api/gardens/${api.gardenId}/subscriptions${suffix}`;
  const nextWeek = () => addDays(gardenDay(new Date()), 7);

  async function apply(memberId: string, startDate = nextWeek()) {
    return api.call(api.accounts.staff, 'POST', url(), {
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate,
    });
  }

  it('starts a subscription waiting for approval, visible to staff and in the Temporal inbox', async () => {
    const member = await api.createMember({ firstName: 'Rosa', lastName: 'Bonheur' });
    const response = await apply(member.id);
    expect(response.statusCode).toBe(201);
    const subscription = response.json<{ id: string }>();
    expect(subscription).toMatchObject({
      status: 'pending',
      memberName: 'Rosa Bonheur',
      depotName: 'Dépôt du centre',
      requested: { by: { name: 'Camille Martin' } },
    });

    const pending = (await api.call(api.accounts.staff, 'GET', url('?status=pending'))).json<
      Array<{ id: string }>
    >();
    expect(pending.map((item) => item.id)).toContain(subscription.id);

    // The staff inbox reads WaitingOn from Temporal's visibility store.
    await expect
      .poll(
        async () => {
          const ids: string[] = [];
          for await (const execution of api.client.workflow.list({
            query: `GardenId = '${api.gardenId}' AND WaitingOn = 'staff-approval'`,
          })) {
            ids.push(execution.workflowId);
          }
          return ids;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toContain(`${api.gardenId}/subscription/${subscription.id}`);
  });

  it('refuses the same application twice (409), an unknown member (404) and a past start (400)', async () => {
    const member = await api.createMember({ firstName: 'George', lastName: 'Sand' });
    expect((await apply(member.id)).statusCode).toBe(201);
    const duplicate = await apply(member.id);
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({
      error: 'duplicate',
      message: expect.stringMatching(/déjà un abonnement/),
      issues: [{ field: 'startDate', message: expect.stringMatching(/déjà un abonnement/) }],
    });

    const unknown = await apply('m-unknown');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ message: 'Adhérent introuvable.' });

    const past = await apply(member.id, '2020-01-07');
    expect(past.statusCode).toBe(422);
    expect(past.json()).toMatchObject({
      error: 'refused',
      message: 'La date de début ne peut pas être dans le passé.',
    });

    const invalid = await api.call(api.accounts.staff, 'POST', url(), {
      memberId: member.id,
      basketSize: 'énorme',
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ message: string }>().message).toMatch(/Taille de panier/);

    const mine = (
      await api.call(
        api.accounts.staff,
        'GET',
        `/api/gardens/${api.gardenId}/members/${member.id}/subscriptions`,
      )
    ).json<unknown[]>();
    expect(mine).toHaveLength(1);
  });

  it('lets staff approve once, recording who and when; a second decision is refused', async () => {
    const member = await api.createMember({ firstName: 'Victor', lastName: 'Hugo' });
    const subscription = (await apply(member.id)).json<{ id: string }>();
    const approved = await api.call(api.accounts.staff, 'POST', url(`/${subscription.id}/decision`), {
      decision: 'approve',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      status: 'active',
      decision: { outcome: 'approved', by: { name: 'Camille Martin', userId: api.accounts.staff.userId } },
    });
    const stored = await api.store.subscriptions.get(api.gardenId, subscription.id);
    expect(stored).toMatchObject({ status: 'active', revision: 2 });
    expect(Date.now() - Date.parse(stored?.decision?.at ?? '')).toBeLessThan(60_000);

    const again = await api.call(api.accounts.staff, 'POST', url(`/${subscription.id}/decision`), {
      decision: 'reject',
      reason: 'Erreur',
    });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({
      error: 'refused',
      message: expect.stringMatching(/n'attend plus de décision/),
    });
    expect(await api.store.subscriptions.get(api.gardenId, subscription.id)).toMatchObject({
      status: 'active',
      revision: 2,
    });
  });

  it('needs a reason to reject, then tells it', async () => {
    const member = await api.createMember({ firstName: 'Colette', lastName: 'Willy' });
    const subscription = (await apply(member.id)).json<{ id: string }>();
    const noReason = await api.call(api.accounts.staff, 'POST', url(`/${subscription.id}/decision`), {
      decision: 'reject',
    });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json()).toMatchObject({ message: expect.stringMatching(/motif du refus/) });
    expect(await api.store.subscriptions.get(api.gardenId, subscription.id)).toMatchObject({
      status: 'pending',
    });

    const rejected = await api.call(api.accounts.staff, 'POST', url(`/${subscription.id}/decision`), {
      decision: 'reject',
      reason: 'Le dépôt choisi est complet cette saison.',
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decision: { reason: 'Le dépôt choisi est complet cette saison.' },
    });
  });

  it('lets a member see their own subscription, but not decide nor see the list', async () => {
    const own = (await apply(api.member.id)).json<{ id: string }>();
    const read = await api.call(api.accounts.member, 'GET', url(`/${own.id}`));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: own.id, status: 'pending' });
    const mine = await api.call(
      api.accounts.member,
      'GET',
      `/api/gardens/${api.gardenId}/members/${api.member.id}/subscriptions`,
    );
    expect(mine.json<Array<{ id: string }>>().map((item) => item.id)).toContain(own.id);

    expect((await api.call(api.accounts.member, 'GET', url())).statusCode).toBe(403);
    const decide = await api.call(api.accounts.member, 'POST', url(`/${own.id}/decision`), {
      decision: 'approve',
    });
    expect(decide.statusCode).toBe(403);
    expect(await api.store.subscriptions.get(api.gardenId, own.id)).toMatchObject({ status: 'pending' });

    const other = await api.createMember({ firstName: 'Jean', lastName: 'Moulin' });
    const theirs = (await apply(other.id)).json<{ id: string }>();
    // Another household's subscription reads as a missing one.
    expect((await api.call(api.accounts.member, 'GET', url(`/${theirs.id}`))).statusCode).toBe(404);
  });

  it("refuses another garden's staff (403) and unknown subscriptions (404)", async () => {
    const member = await api.createMember({ firstName: 'Lucie', lastName: 'Aubrac' });
    const subscription = (await apply(member.id)).json<{ id: string }>();
    const foreign = await api.call(api.accounts.otherStaff, 'POST', url(`/${subscription.id}/decision`), {
      decision: 'approve',
    });
    expect(foreign.statusCode).toBe(403);
    expect(await api.store.subscriptions.get(api.gardenId, subscription.id)).toMatchObject({
      status: 'pending',
    });
    const missing = await api.call(api.accounts.staff, 'POST', url('/m-x.2026-01-01/decision'), {
      decision: 'approve',
    });
    expect(missing.statusCode).toBe(404);
  });
});
