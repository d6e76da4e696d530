import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import { useInboxStore } from './inbox-store.ts';
import { useSubscriptionStore } from '../subscriptions/subscriptions-store.ts';

describe('inbox store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the count alone for the badge, quietly when it fails', async () => {
    let fail = false;
    const api = stubApi(() =>
      fail
        ? { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }
        : { body: { count: 3 } },
    );
    const inbox = useInboxStore();
    expect(inbox.awaitingCount).toBeUndefined();
    await inbox.loadCount();
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/inbox/count');
    expect(inbox.awaitingCount).toBe(3);
    fail = true;
    await inbox.loadCount();
    expect(inbox.awaitingCount).toBe(3);
  });

  it('keeps the subscriptions of its items with the others, and counts what still awaits', async () => {
    stubApi(() => ({
      body: {
        items: [
          {
            kind: 'subscription-approval',
            since: '2026-11-01T08:00:00Z',
            subscription: aSubscription({ id: 's-1' }),
          },
          {
            kind: 'subscription-approval',
            since: '2026-11-02T08:00:00Z',
            subscription: aSubscription({ id: 's-2', status: 'waitlisted' }),
            depotLoad: { active: 40, capacity: 40 },
          },
        ],
      },
    }));
    const inbox = useInboxStore();
    await inbox.load();
    const subscriptions = useSubscriptionStore();
    expect(subscriptions.byId['s-2']?.status).toBe('waitlisted');
    expect(inbox.entries.map((entry) => [entry.subscriptionId, entry.depotLoad?.active])).toEqual([
      ['s-1', undefined],
      ['s-2', 40],
    ]);
    expect(inbox.awaitingCount).toBe(2);
    // Decided elsewhere; the inbox, read again, may still list it for a moment: it is not counted.
    subscriptions.remember(aSubscription({ id: 's-1', status: 'active', revision: 2 }));
    expect(inbox.awaitingCount).toBe(1);
  });

  it('lists unpaid invoices waiting for a decision with the rest, oldest first, and counts them', async () => {
    stubApi(() => ({
      body: {
        items: [
          {
            kind: 'subscription-approval',
            since: '2026-11-03T08:00:00Z',
            subscription: aSubscription({ id: 's-3' }),
          },
          {
            kind: 'payment-decision',
            since: '2026-11-01T08:00:00Z',
            invoice: {
              number: 42,
              label: 'F-000042',
              memberId: 'm-1',
              memberName: 'Louise Michel',
              subject: 'Paniers livrés en octobre 2026',
              outstanding: 6800,
              dueOn: '2026-11-10',
              attempts: 4,
              lastFailure: 'Provision insuffisante.',
              phase: 'awaiting-decision',
            },
          },
        ],
      },
    }));
    const inbox = useInboxStore();
    await inbox.load();
    expect(inbox.invoiceEntries).toEqual([
      expect.objectContaining({ kind: 'payment-decision', number: 42, outstanding: 6800, memberId: 'm-1' }),
    ]);
    expect(inbox.all.map((entry) => entry.kind)).toEqual(['payment-decision', 'subscription-approval']);
    expect(inbox.awaitingCount).toBe(2);
  });

  it('counts a decision out at once when only the count was read', async () => {
    stubApi(() => ({ body: { count: 2 } }));
    const inbox = useInboxStore();
    await inbox.loadCount();
    inbox.decided('s-1', 'active');
    inbox.decided('s-1', 'active');
    inbox.decided('s-2', 'waitlisted');
    expect(inbox.awaitingCount).toBe(1);
  });

  it('keeps weeks to approve too, mixed with applications, oldest first', async () => {
    stubApi(() => ({
      body: {
        items: [
          {
            kind: 'subscription-approval',
            since: '2026-11-20T08:00:00Z',
            subscription: aSubscription({ id: 's-1' }),
          },
          {
            kind: 'week-composition',
            since: '2026-11-19T08:00:00Z',
            week: {
              week: '2026-W49',
              deadline: '2026-11-28T23:00:00Z',
              total: { small: 12, medium: 20, large: 8 },
            },
          },
        ],
      },
    }));
    const inbox = useInboxStore();
    await inbox.load();
    expect(inbox.all.map((entry) => entry.kind)).toEqual(['week-composition', 'subscription-approval']);
    expect(inbox.weekEntries[0]).toEqual({
      kind: 'week-composition',
      since: '2026-11-19T08:00:00Z',
      week: '2026-W49',
      deadline: '2026-11-28T23:00:00Z',
      total: { small: 12, medium: 20, large: 8 },
    });
    expect(inbox.awaitingCount).toBe(2);
    inbox.weekApproved('2026-W49');
    expect(inbox.isWeekApproved('2026-W49')).toBe(true);
    expect(inbox.awaitingCount).toBe(1);
  });

  it('counts an approved week out at once when only the count was read', async () => {
    stubApi(() => ({ body: { count: 2 } }));
    const inbox = useInboxStore();
    await inbox.loadCount();
    inbox.weekApproved('2026-W49');
    inbox.weekApproved('2026-W49');
    expect(inbox.awaitingCount).toBe(1);
  });
});
