import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeekday } from '../domain/calendar.ts';
import { deliveryUid } from '../domain/ical-feed.ts';
import { approvedSubscription, startTestApi, type TestApi } from '../tests/support/api.ts';
import { deliveryDayAhead } from '../tests/support/delivery-days.ts';

/** The events of a feed, each as its properties by name (parameters dropped). */
function eventsOf(body: string): Array<Record<string, string>> {
  return body
    .replace(/\r\n[ \t]/g, '')
    .split('BEGIN:VEVENT\r\n')
    .slice(1)
    .map((block) =>
      Object.fromEntries(
        block
          .split('\r\n')
          .filter((line) => line.includes(':'))
          .map((line) => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).split(';')[0] ?? '', line.slice(colon + 1)];
          }),
      ),
    );
}

describe('calendar feed', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('ical');
  });
  afterAll(() => api?.close());

  const linkUrl = (memberId: string) => `/api/gardens/${api.gardenId}/members/${memberId}/calendar-link`;
  const feedPath = (url: string) => new URL(url).pathname;
  const readFeed = (url: string) => api.app.inject({ method: 'GET', url: feedPath(url) });
  // The test garden's depot delivers on Tuesdays.
  const firstTuesdayFrom = (day: string) => {
    let tuesday = day;
    while (isoWeekday(tuesday) !== 2) tuesday = addDays(tuesday, 1);
    return tuesday;
  };

  /** A weekly subscription, applied for by staff and approved. */
  const activeSubscription = (memberId: string, startDate: string) =>
    approvedSubscription(api, memberId, startDate);

  async function linkOf(account: TestApi['accounts']['member'], memberId: string): Promise<string> {
    const response = await api.call(account, 'GET', linkUrl(memberId));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ url: string }>().url;
  }

  it("lists the member's coming deliveries to anyone with the link, and cancels a day they will miss", async () => {
    // A Tuesday (the test depot's day) still open to an absence, with two more deliveries in
    // its season: a week ahead leaves fewer in the last weeks of February, when seasons end.
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 2 });
    const subscriptionId = await activeSubscription(api.member.id, startDate);
    const someoneElse = await api.createMember({ firstName: 'Jean', lastName: 'Jaurès' });
    const theirSubscription = await activeSubscription(someoneElse.id, startDate);

    const url = await linkOf(api.accounts.member, api.member.id);
    expect(url).toMatch(/^http:\/\/localhost:8080\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect(await linkOf(api.accounts.member, api.member.id)).toBe(url);
    expect(await linkOf(api.accounts.staff, api.member.id)).toBe(url);

    const feed = await readFeed(url);
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(feed.headers['cache-control']).toBe('private, max-age=900');
    expect(feed.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(feed.body).toContain('X-WR-CALNAME:Mes paniers – Jardin de test');

    // Every Tuesday from the start to the season's end, 26 weeks ahead at most (no closed weeks).
    const stored = await api.store.subscriptions.get(api.gardenId, subscriptionId);
    const horizon = addDays(gardenDay(new Date()), 26 * 7 - 1);
    const last = stored?.endDate && stored.endDate < horizon ? stored.endDate : horizon;
    const first = firstTuesdayFrom(startDate);
    const expected: string[] = [];
    for (let day = first; day <= last; day = addDays(day, 7)) expected.push(deliveryUid(subscriptionId, day));
    expect(expected.length).toBeGreaterThan(2);
    const events = eventsOf(feed.body);
    const uids = events.map((event) => event.UID);
    expect(uids).toEqual(expected);
    expect(feed.body).not.toContain(theirSubscription);
    expect(events[0]).toMatchObject({
      SUMMARY: 'Panier moyen – Dépôt du centre',
      STATUS: 'CONFIRMED',
      DTSTART: first.replaceAll('-', ''),
      LOCATION: 'Dépôt du centre\\, 1 place Pasteur\\, 25000 Besançon',
    });

    const absence = await api.call(
      api.accounts.member,
      'POST',
      `/api/gardens/${api.gardenId}/subscriptions/${subscriptionId}/absences`,
      { dates: [first] },
    );
    expect(absence.statusCode, absence.body).toBe(200);
    expect(absence.json()).toMatchObject({ id: subscriptionId, absences: [{ date: first }] });

    const after = eventsOf((await readFeed(url)).body);
    const missed = after.find((event) => event.UID === deliveryUid(subscriptionId, first));
    expect(missed).toMatchObject({
      STATUS: 'CANCELLED',
      SUMMARY: 'Absence signalée – Panier moyen – Dépôt du centre',
    });
    expect(after.map((event) => event.UID)).toEqual(uids);
  });

  it('renews the link: the previous address stops working at once, the new one works', async () => {
    const before = await linkOf(api.accounts.member, api.member.id);
    expect((await readFeed(before)).statusCode).toBe(200);

    const renewed = await api.call(api.accounts.member, 'POST', linkUrl(api.member.id));
    expect(renewed.statusCode, renewed.body).toBe(200);
    const after = renewed.json<{ url: string }>().url;
    expect(after).not.toBe(before);

    const old = await readFeed(before);
    expect(old.statusCode).toBe(404);
    expect(old.json()).toMatchObject({
      error: 'not_found',
      message: expect.stringMatching(/adresse a été renouvelée/),
    });
    expect((await readFeed(after)).statusCode).toBe(200);
    expect(await linkOf(api.accounts.member, api.member.id)).toBe(after);

    // Staff may renew it for the member too (a link shared by mistake).
    const byStaff = await api.call(api.accounts.staff, 'POST', linkUrl(api.member.id));
    expect(byStaff.statusCode).toBe(200);
    expect((await readFeed(after)).statusCode).toBe(404);
    expect((await readFeed(byStaff.json<{ url: string }>().url)).statusCode).toBe(200);
  });

  it('gives the same link to two first requests at once', async () => {
    const member = await api.createMember({ firstName: 'Flora', lastName: 'Tristan' });
    const urls = await Promise.all([1, 2, 3].map(() => linkOf(api.accounts.staff, member.id)));
    expect(new Set(urls).size).toBe(1);
    expect((await readFeed(urls[0] ?? '')).statusCode).toBe(200);
  });

  it("keeps a member's link from other members and drivers (404, as if missing) and other gardens (403)", async () => {
    const other = await api.createMember({ firstName: 'Louise', lastName: 'Weiss' });
    const theirs = await linkOf(api.accounts.staff, other.id);

    for (const [account, status] of [
      [api.accounts.member, 404],
      [api.accounts.driver, 404],
      [api.accounts.otherStaff, 403],
    ] as const) {
      const read = await api.call(account, 'GET', linkUrl(other.id));
      expect(read.statusCode, read.body).toBe(status);
      expect(read.body).not.toContain('/api/calendar/');
      const renew = await api.call(account, 'POST', linkUrl(other.id));
      expect(renew.statusCode, renew.body).toBe(status);
    }
    expect(await linkOf(api.accounts.staff, other.id)).toBe(theirs);
    expect((await readFeed(theirs)).statusCode).toBe(200);

    expect((await api.call(undefined, 'GET', linkUrl(other.id))).statusCode).toBe(401);
  });

  it('answers 404 with a sentence for an unknown address, and for the link of an unknown member', async () => {
    const unknown = await api.app.inject({ method: 'GET', url: `/api/calendar/${'A'.repeat(43)}.ics` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      error: 'not_found',
      message: expect.stringMatching(/^Ce calendrier n'existe pas/),
    });
    // Not even the shape of a token: refused by its pattern.
    expect((await api.app.inject({ method: 'GET', url: '/api/calendar/abc.ics' })).statusCode).toBe(400);
    expect((await api.app.inject({ method: 'GET', url: '/api/calendar/' })).statusCode).toBe(404);

    const nobody = await api.call(api.accounts.staff, 'GET', linkUrl('m-nobody'));
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json()).toMatchObject({ message: 'Adhérent introuvable.' });
  });
});
