import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberPage } from '../domain/views.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { recordSubscription, secondDepot } from '../tests/support/long-lists.ts';

/** The staff's member list, filtered by where each household stands and by depot, with its total. */
describe('member list filters', () => {
  let api: TestApi;
  let farm: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startTestApi('member-filters');
    farm = await secondDepot(api);
    for (const [name, depot, status] of [
      ['Arendt', 'centre', 'active'],
      ['Beauvoir', 'farm', 'active'],
      ['Curie', 'farm', 'paused'],
      ['Delbo', 'centre', 'pending'],
      ['Eboué', 'farm', 'cancelled'],
      ['Fontaine', undefined, undefined],
    ] as const) {
      const member = await api.createMember({ firstName: 'Test', lastName: name });
      ids[name] = member.id;
      if (depot && status) {
        await recordSubscription(api, member.id, depot === 'farm' ? farm : api.depotId, status);
      }
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  async function list(query: string, limit = 25): Promise<MemberPage> {
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members?limit=${limit}${query}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    return response.json<MemberPage>();
  }
  const names = (page: MemberPage) => page.members.map((member) => member.lastName);

  it('counts every member over all pages', async () => {
    // Six households and the test's own member (Michel).
    const first = await list('', 4);
    expect(first.total).toBe(7);
    expect(first.members).toHaveLength(4);
    expect(first.nextCursor).toBeDefined();
  });

  it('keeps the households of a depot, of a standing, or both', async () => {
    const atFarm = await list(`&depotId=${farm}`);
    expect(names(atFarm)).toEqual(['Beauvoir', 'Curie', 'Eboué']);
    expect(atFarm.total).toBe(3);
    expect(names(await list('&status=active'))).toEqual(['Arendt', 'Beauvoir']);
    expect(names(await list(`&status=active&depotId=${farm}`))).toEqual(['Beauvoir']);
    expect(names(await list('&status=none'))).toEqual(['Fontaine', 'Michel']);
    expect(names(await list('&status=former'))).toEqual(['Eboué']);
    const page = await list(`&depotId=${farm}`, 2);
    expect(names(page)).toEqual(['Beauvoir', 'Curie']);
    expect(page.total).toBe(3);
    const next = await list(`&depotId=${farm}&cursor=${page.nextCursor ?? ''}`, 2);
    expect(names(next)).toEqual(['Eboué']);
  });

  it('refuses a standing it does not know, in French', async () => {
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members?status=vip`,
    );
    expect(response.statusCode).toBe(400);
  });
});
