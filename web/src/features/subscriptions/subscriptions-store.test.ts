import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import { useDeliveryStore } from './deliveries-store.ts';
import { useSubscriptionStore } from './subscriptions-store.ts';
import { useToastStore } from '../../stores/toasts.ts';

describe('subscription store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('counts pending applications, oldest first', async () => {
    const api = stubApi(() => ({
      body: [
        aSubscription({
          id: 's-new',
          requested: { by: { userId: 'u', name: 'A' }, at: '2026-11-22T08:00:00Z' },
        }),
        aSubscription({
          id: 's-old',
          requested: { by: { userId: 'u', name: 'A' }, at: '2026-11-02T08:00:00Z' },
        }),
      ],
    }));
    const subscriptions = useSubscriptionStore();
    expect(subscriptions.pendingLoaded).toBe(false);
    await subscriptions.fetchPending();
    expect(api.calls[0]?.query.get('status')).toBe('pending');
    expect(subscriptions.pendingLoaded).toBe(true);
    expect(subscriptions.pendingCount).toBe(2);
    expect(subscriptions.pending.map((subscription) => subscription.id)).toEqual(['s-old', 's-new']);
  });

  it('shows a decision at once and keeps what the API answered', async () => {
    const answer = deferred<StubAnswer>();
    const api = stubApi((call) => (call.method === 'POST' ? answer.promise : { body: [aSubscription()] }));
    const subscriptions = useSubscriptionStore();
    await subscriptions.fetchPending();
    const id = aSubscription().id;

    const deciding = subscriptions.decide(id, { decision: 'approve' });
    expect(subscriptions.byId[id]?.status).toBe('active');
    expect(subscriptions.byId[id]?.decision).toMatchObject({
      outcome: 'approved',
      by: { name: 'Claire Martin' },
    });
    expect(subscriptions.pendingCount).toBe(0);
    expect(subscriptions.isDeciding(id)).toBe(true);

    const decided = aSubscription({
      status: 'active',
      revision: 2,
      decision: {
        by: { userId: 'u-staff', name: 'Claire Martin' },
        at: '2026-11-24T10:00:00Z',
        outcome: 'approved',
      },
    });
    answer.resolve({ body: decided });
    await expect(deciding).resolves.toEqual(decided);
    expect(api.calls[1]).toMatchObject({
      method: 'POST',
      path: `/api/gardens/val-du-doubs/subscriptions/${id}/decision`,
      body: { decision: 'approve' },
    });
    expect(subscriptions.byId[id]).toEqual(decided);
    expect(subscriptions.isDeciding(id)).toBe(false);
    expect(useToastStore().toasts).toMatchObject([
      { kind: 'success', text: 'Abonnement validé : Élodie Bérard.' },
    ]);
  });

  it("rolls a refused decision back and shows the API's reason", async () => {
    const refusal = "Cet abonnement n'attend plus de décision (statut : actif).";
    stubApi((call) =>
      call.method === 'POST'
        ? { status: 422, body: { error: 'refused', message: refusal } }
        : { body: [aSubscription()] },
    );
    const subscriptions = useSubscriptionStore();
    await subscriptions.fetchPending();
    const before = subscriptions.byId[aSubscription().id];

    await expect(
      subscriptions.decide(aSubscription().id, { decision: 'reject', reason: '  Plus de place  ' }),
    ).resolves.toBeUndefined();
    expect(subscriptions.byId[aSubscription().id]).toEqual(before);
    expect(subscriptions.pendingCount).toBe(1);
    expect(useToastStore().toasts).toMatchObject([{ kind: 'error', text: refusal }]);
  });

  it('sends a trimmed rejection reason', async () => {
    const api = stubApi((call) =>
      call.method === 'POST'
        ? { body: aSubscription({ status: 'rejected', revision: 2 }) }
        : { body: [aSubscription()] },
    );
    const subscriptions = useSubscriptionStore();
    await subscriptions.fetchPending();
    await subscriptions.decide(aSubscription().id, { decision: 'reject', reason: '  Plus de place  ' });
    expect(api.calls[1]?.body).toEqual({ decision: 'reject', reason: 'Plus de place' });
  });

  it('never lets an older read replace a newer copy', async () => {
    const subscriptions = useSubscriptionStore();
    subscriptions.remember(aSubscription({ status: 'active', revision: 2 }));
    // The store the API reads from has not caught up with the workflow yet.
    stubApi(() => ({ body: [aSubscription({ status: 'pending', revision: 1 })] }));
    await subscriptions.fetchPending();
    expect(subscriptions.byId[aSubscription().id]?.status).toBe('active');
    expect(subscriptions.pendingCount).toBe(0);
  });

  it('asks again about applications that left the pending list (decided elsewhere)', async () => {
    const subscriptions = useSubscriptionStore();
    subscriptions.remember(aSubscription({ id: 's-gone' }));
    const api = stubApi((call) =>
      call.path.endsWith('/s-gone')
        ? { body: aSubscription({ id: 's-gone', status: 'rejected', revision: 2 }) }
        : { body: [] },
    );
    await subscriptions.fetchPending();
    expect(api.calls.map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/subscriptions',
      '/api/gardens/val-du-doubs/subscriptions/s-gone',
    ]);
    expect(subscriptions.pendingCount).toBe(0);
  });

  it('applies for a subscription: 201 recorded, 202 accepted, pending either way', async () => {
    let status = 201;
    stubApi(() => ({ status, body: aSubscription({ id: `m-0001.2026-12-0${status === 201 ? 1 : 8}` }) }));
    const subscriptions = useSubscriptionStore();
    const request = {
      memberId: 'm-0001',
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: 'd-centre',
      startDate: '2026-12-01',
    } as const;
    await expect(subscriptions.apply(request)).resolves.toMatchObject({ recorded: true });
    status = 202;
    await expect(subscriptions.apply({ ...request, startDate: '2026-12-08' })).resolves.toMatchObject({
      recorded: false,
      subscription: { status: 'pending' },
    });
    expect(subscriptions.forMember('m-0001').map((subscription) => subscription.id)).toEqual([
      'm-0001.2026-12-08',
      'm-0001.2026-12-01',
    ]);
    expect(subscriptions.pendingCount).toBe(2);
  });

  it("lists a member's subscriptions, latest start first", async () => {
    stubApi(() => ({
      body: [
        aSubscription({ id: 'a', startDate: '2026-01-06', status: 'ended' }),
        aSubscription({ id: 'b', startDate: '2026-12-01' }),
      ],
    }));
    const subscriptions = useSubscriptionStore();
    await subscriptions.fetchForMember('m-0001');
    expect(subscriptions.forMember('m-0001').map((subscription) => subscription.id)).toEqual(['b', 'a']);
  });

  it('shows reported absences at once on the coming deliveries, and keeps what the workflow answered', async () => {
    const api = stubApi((call) => {
      if (call.path.endsWith('/next-deliveries'))
        return {
          body: [
            {
              date: '2026-12-01',
              depotId: 'd-centre',
              basketSize: 'medium',
              baskets: 1,
              state: 'delivery',
              changeableUntil: '2026-11-28T23:00:00.000Z',
            },
            {
              date: '2026-12-08',
              depotId: 'd-centre',
              basketSize: 'medium',
              baskets: 1,
              state: 'delivery',
              changeableUntil: '2026-12-05T23:00:00.000Z',
            },
          ],
        };
      return {
        body: aSubscription({
          status: 'active',
          revision: 3,
          absences: [
            {
              date: '2026-12-08',
              reported: { by: { userId: 'u-1', name: 'Élodie Bérard' }, at: '2026-11-24T10:00:00Z' },
            },
          ],
        }),
      };
    });
    const subscriptions = useSubscriptionStore();
    const deliveries = useDeliveryStore();
    subscriptions.remember(aSubscription({ status: 'active', revision: 2 }));
    await deliveries.load(aSubscription().id);
    const reporting = subscriptions.reportAbsences(aSubscription().id, ['2026-12-08']);
    expect(deliveries.of(aSubscription().id).map((delivery) => delivery.state)).toEqual([
      'delivery',
      'absent',
    ]);
    const reported = await reporting;
    expect(api.calls.find((call) => call.method === 'POST')).toMatchObject({
      path: `/api/gardens/val-du-doubs/subscriptions/${aSubscription().id}/absences`,
      body: { dates: ['2026-12-08'] },
    });
    expect(reported.absences?.map((absence) => absence.date)).toEqual(['2026-12-08']);
    expect(subscriptions.byId[aSubscription().id]?.revision).toBe(3);
  });

  it('puts the deliveries back and throws the refusal when an absence is refused', async () => {
    const refusal =
      'Trop tard : une absence pour cette livraison devait être signalée avant le samedi 28 novembre à 00:00.';
    stubApi((call) =>
      call.method === 'POST'
        ? { status: 422, body: { error: 'refused', message: refusal } }
        : {
            body: [
              {
                date: '2026-12-01',
                depotId: 'd-centre',
                basketSize: 'medium',
                baskets: 1,
                state: 'delivery',
                changeableUntil: '2026-11-28T23:00:00.000Z',
              },
            ],
          },
    );
    const subscriptions = useSubscriptionStore();
    const deliveries = useDeliveryStore();
    subscriptions.remember(aSubscription({ status: 'active' }));
    await deliveries.load(aSubscription().id);
    await expect(subscriptions.reportAbsences(aSubscription().id, ['2026-12-01'])).rejects.toMatchObject({
      status: 422,
      message: refusal,
    });
    expect(deliveries.of(aSubscription().id)[0]?.state).toBe('delivery');
    // The screen says it beside the list: no toast.
    expect(useToastStore().toasts).toEqual([]);
  });

  it('cancels as a member with an empty body, and as staff with the reason', async () => {
    const api = stubApi((call) =>
      call.path.endsWith('/next-deliveries')
        ? { body: [] }
        : {
            body: aSubscription({
              status: 'active',
              revision: 4,
              cancellation: {
                by: { userId: 'u-1', name: 'Élodie Bérard' },
                at: '2026-11-24T10:00:00Z',
                origin: 'member',
                effectiveDate: '2026-12-08',
              },
            }),
          },
    );
    const subscriptions = useSubscriptionStore();
    const cancelled = await subscriptions.cancel('s-1');
    expect(cancelled.cancellation?.effectiveDate).toBe('2026-12-08');
    await subscriptions.cancel('s-2', 'Déménagement');
    const posts = api.calls.filter((call) => call.method === 'POST');
    expect(posts.map((call) => [call.path, call.body])).toEqual([
      ['/api/gardens/val-du-doubs/subscriptions/s-1/cancellation', {}],
      ['/api/gardens/val-du-doubs/subscriptions/s-2/cancellation', { reason: 'Déménagement' }],
    ]);
  });

  it('sends only what changes, and keeps the change the workflow dated', async () => {
    const api = stubApi((call) =>
      call.path.endsWith('/next-deliveries')
        ? { body: [] }
        : {
            body: aSubscription({
              status: 'active',
              revision: 5,
              changes: [
                {
                  effectiveFrom: '2026-12-08',
                  depotId: 'd-nord',
                  requested: { by: { userId: 'u', name: 'É' }, at: '2026-11-24T10:00:00Z' },
                },
              ],
            }),
          },
    );
    const changed = await useSubscriptionStore().changeTerms('s-1', { depotId: 'd-nord' });
    expect(api.calls[0]?.body).toEqual({ depotId: 'd-nord' });
    expect(changed.changes?.at(-1)?.effectiveFrom).toBe('2026-12-08');
  });

  it('puts an application on the waiting list at once', async () => {
    const answer = deferred<StubAnswer>();
    stubApi((call) => (call.method === 'POST' ? answer.promise : { body: [aSubscription()] }));
    const subscriptions = useSubscriptionStore();
    await subscriptions.fetchPending();
    const deciding = subscriptions.decide(aSubscription().id, { decision: 'waitlist' });
    expect(subscriptions.byId[aSubscription().id]).toMatchObject({
      status: 'waitlisted',
      decision: { outcome: 'waitlisted' },
    });
    answer.resolve({ body: aSubscription({ status: 'waitlisted', revision: 2 }) });
    await deciding;
    expect(useToastStore().toasts[0]?.text).toBe('Demande mise sur liste d’attente : Élodie Bérard.');
  });
});
