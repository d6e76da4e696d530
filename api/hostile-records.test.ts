import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, nextWeekday } from '../domain/calendar.ts';
import type { Subscription } from '../domain/subscription.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

/**
 * Ids such as "constructor" or "__proto__", and records stored before the checks that now
 * refuse them: a member can no longer send one, and one already stored never takes down a
 * member's calendar or the garden's screens.
 */
describe('hostile ids and unreadable records', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('hostile');
  });
  afterAll(() => api?.close());

  const subscriptionsUrl = (suffix = '') => `/api/gardens/${api.gardenId}/subscriptions${suffix}`;

  async function activeSubscription(weeksAhead: number): Promise<string> {
    // The test garden's depot delivers on Tuesdays; its calendar has no closed week.
    const startDate = nextWeekday(addDays(gardenDay(new Date()), 7 * weeksAhead), 2);
    const applied = await api.call(api.accounts.staff, 'POST', subscriptionsUrl(), {
      memberId: api.member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate,
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const { id } = applied.json<{ id: string }>();
    const approved = await api.call(api.accounts.staff, 'POST', subscriptionsUrl(`/${id}/decision`), {
      decision: 'approve',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    return id;
  }

  it("refuses a member's move to a depot named like what every object inherits, changing nothing", async () => {
    const id = await activeSubscription(1);
    const before = await api.store.subscriptions.get(api.gardenId, id);
    for (const depotId of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const response = await api.call(api.accounts.member, 'POST', subscriptionsUrl(`/${id}/changes`), {
        depotId,
      });
      expect([400, 422], `${depotId}: ${response.body}`).toContain(response.statusCode);
      expect(response.json<{ message: string }>().message).toMatch(/dépôt|Dépôt|format/);
    }
    expect(await api.store.subscriptions.get(api.gardenId, id)).toEqual(before);
    const next = await api.call(api.accounts.member, 'GET', subscriptionsUrl(`/${id}/next-deliveries`));
    expect(next.statusCode, next.body).toBe(200);
  });

  it("keeps the member's calendar feed up when one of their stored records is unreadable", async () => {
    const id = await activeSubscription(2);
    const good = (await api.store.subscriptions.get(api.gardenId, id)) as Subscription;
    // Stored before the checks: a move to "constructor", and a start day that does not exist.
    await api.store.subscriptions.record({
      ...good,
      id: `${api.member.id}.legacy-1`,
      changes: [{ effectiveFrom: good.startDate, depotId: 'constructor', requested: good.requested }],
    });
    await api.store.subscriptions.record({
      ...good,
      id: `${api.member.id}.legacy-2`,
      startDate: '2026-00-01',
    });

    const link = await api.call(
      api.accounts.member,
      'GET',
      `/api/gardens/${api.gardenId}/members/${api.member.id}/calendar-link`,
    );
    expect(link.statusCode, link.body).toBe(200);
    const feed = await api.app.inject({
      method: 'GET',
      url: new URL(link.json<{ url: string }>().url).pathname,
    });
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    // The readable subscription's deliveries are there.
    expect(feed.body).toContain(`DTSTART;VALUE=DATE:${good.startDate.replaceAll('-', '')}`);

    // Staff lists still answer.
    for (const path of [subscriptionsUrl(), `/api/gardens/${api.gardenId}/inbox`]) {
      const response = await api.call(api.accounts.staff, 'GET', path);
      expect(response.statusCode, `${path}: ${response.body}`).toBe(200);
    }
  });
});
