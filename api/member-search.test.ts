import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

// Staff find a member the way they remember them: "Sophie Girardot" or "girardot sophie", a
// phone number as it is written on a cheque, a part of a name (issue 17, item 10).
describe('member search', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('member-search');
    await api.createMember({ firstName: 'Sophie', lastName: 'Girardot', phone: '06 12 34 56 78' });
    await api.createMember({ firstName: 'Sophie', lastName: 'Dumont', phone: '07 00 00 00 01' });
    await api.createMember({ firstName: 'Hélène', lastName: 'Éluard', email: 'h.eluard@example.org' });
  });
  afterAll(() => api?.close());

  const found = async (search: string) => {
    const response = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members?search=${encodeURIComponent(search)}`,
    );
    expect(response.statusCode).toBe(200);
    return response
      .json<{ members: Array<{ firstName: string; lastName: string }> }>()
      .members.map((m) => `${m.firstName} ${m.lastName}`);
  };

  it('finds first and last names in either order, in any case, and by their beginnings', async () => {
    for (const text of ['Sophie Girardot', 'sophie girardot', 'Girardot Sophie', 'soph gir'])
      expect(await found(text), text).toEqual(['Sophie Girardot']);
    expect(await found('sophie')).toEqual(['Sophie Dumont', 'Sophie Girardot']);
  });

  it('finds a phone number written any way', async () => {
    for (const text of ['06 12 34 56 78', '0612345678', '+33 6 12 34 56 78', '06.12.34'])
      expect(await found(text), text).toEqual(['Sophie Girardot']);
  });

  it('ignores accents and finds emails', async () => {
    expect(await found('helene eluard')).toEqual(['Hélène Éluard']);
    expect(await found('h.eluard@')).toEqual(['Hélène Éluard']);
    expect(await found('nobody here')).toEqual([]);
  });
});
