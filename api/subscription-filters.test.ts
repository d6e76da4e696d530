import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriptionPage } from '../domain/subscription-list.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { recordSubscription, secondDepot } from '../tests/support/long-lists.ts';

/** The staff's subscription list: filters by status, depot and basket size, sorts, pages and its total. */
describe('subscription list filters', () => {
  let api: TestApi;
  let farm: string;

  beforeAll(async () => {
    api = await startTestApi('subscription-filters');
    farm = await secondDepot(api);
    for (const [name, depot, status, start, size] of [
      ['Curie', 'farm', 'paused', '2026-03-03', 'large'],
      ['Arendt', 'centre', 'active', '2026-01-06', 'small'],
      ['Fontaine', 'centre', 'active', '2026-05-05', 'large'],
      ['Beauvoir', 'farm', 'active', '2026-02-03', 'medium'],
      ['Eboué', 'farm', 'ended', '2025-09-02', 'medium'],
      ['Delbo', 'centre', 'pending', '2026-04-07', 'medium'],
    ] as const) {
      const member = await api.createMember({ firstName: 'Test', lastName: name });
      await recordSubscription(api, member.id, depot === 'farm' ? farm : api.depotId, status, start, size);
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  async function list(query: string): Promise<SubscriptionPage> {
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/page?${query}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json<SubscriptionPage>();
  }
  const names = (page: SubscriptionPage) =>
    page.subscriptions.map((subscription) => subscription.memberName?.replace('Test ', ''));

  it('counts every subscription over all pages, a page at a time', async () => {
    const first = await list('limit=4&sort=name');
    expect(first).toMatchObject({ total: 6, page: 1, pages: 2 });
    expect(names(first)).toEqual(['Arendt', 'Beauvoir', 'Curie', 'Delbo']);
    const second = await list('limit=4&sort=name&page=2');
    expect(names(second)).toEqual(['Eboué', 'Fontaine']);
    // Past the last page: the last page.
    expect((await list('limit=4&sort=name&page=9')).page).toBe(2);
    expect(first.statusCounts).toMatchObject({ active: 3, paused: 1, pending: 1, ended: 1, cancelled: 0 });
  });

  it('keeps the subscriptions of a status, a depot and a basket size', async () => {
    const active = await list('status=active&sort=name');
    expect(names(active)).toEqual(['Arendt', 'Beauvoir', 'Fontaine']);
    expect(active.total).toBe(3);

    const atFarm = await list(`depotId=${farm}&sort=name`);
    expect(names(atFarm)).toEqual(['Beauvoir', 'Curie', 'Eboué']);
    // The chips' counts follow the depot, whatever the status asked.
    expect(atFarm.statusCounts).toMatchObject({ active: 1, paused: 1, ended: 1, pending: 0 });

    expect(names(await list(`status=active&depotId=${farm}`))).toEqual(['Beauvoir']);
    expect(names(await list('basketSize=large&sort=name'))).toEqual(['Curie', 'Fontaine']);
    const none = await list('basketSize=small&status=paused');
    expect(none).toMatchObject({ total: 0, page: 1, pages: 1, subscriptions: [] });
  });

  it('sorts by start (newest first) and by depot', async () => {
    expect(names(await list('sort=start'))).toEqual([
      'Fontaine',
      'Delbo',
      'Curie',
      'Beauvoir',
      'Arendt',
      'Eboué',
    ]);
    // « Dépôt du centre » before « Ferme de Chalezeule », then by name.
    expect(names(await list('sort=depot'))).toEqual([
      'Arendt',
      'Delbo',
      'Fontaine',
      'Beauvoir',
      'Curie',
      'Eboué',
    ]);
    const page = await list('sort=depot&limit=2&page=2');
    expect(page.subscriptions.map((subscription) => subscription.depotName)).toEqual([
      'Dépôt du centre',
      'Ferme de Chalezeule',
    ]);
  });

  it('refuses a filter or sort it does not know, in French', async () => {
    for (const [query, message] of [
      ['status=vip', "« Statut » doit être l'une de ces valeurs : pending, waitlisted,"],
      ['basketSize=huge', "« Taille de panier » doit être l'une de ces valeurs : small, medium, large."],
      ['sort=price', "« Tri » doit être l'une de ces valeurs : requested, name, start, depot."],
      ['page=0', '« Page » doit être au moins 1.'],
      ['depotId=<b>x</b>', "« Point de dépôt » n'a pas le bon format."],
    ] as const) {
      const response = await api.call(
        api.accounts.staff,
        'GET',
        `/api/gardens/${api.gardenId}/subscriptions/page?${query}`,
      );
      expect(response.statusCode, query).toBe(400);
      const body = response.json<{ error: string; message: string }>();
      expect(body.error).toBe('invalid_input');
      expect(body.message, query).toContain(message);
    }
  });

  it('is for staff only', async () => {
    const response = await api.call(
      api.accounts.member,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/page`,
    );
    expect(response.statusCode).toBe(403);
  });
});
