import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../domain/member.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { deliveryDayAhead } from '../tests/support/delivery-days.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';

/** The language of the garden's messages to a member: set at sign-up, by the member, by staff. */
describe("a member's language", () => {
  let api: TestApi;
  const made: TestAccount[] = [];

  beforeAll(async () => {
    api = await startTestApi('language');
  });
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
  });

  const membersUrl = (suffix = '') => `/api/gardens/${api.gardenId}/members${suffix}`;
  const stored = async (memberId: string) => (await api.store.members.get(api.gardenId, memberId)) as Member;
  const frenchRefusal = {
    error: 'invalid_input',
    issues: [
      { field: 'language', message: "« Langue des messages » doit être l'une de ces valeurs : fr, en." },
    ],
  };

  it('is set and changed by staff with the member record; left out of a change, it stays', async () => {
    const created = await api.call(api.accounts.staff, 'POST', membersUrl(), {
      firstName: 'Ann',
      lastName: 'Lee',
      language: 'en',
    });
    expect(created.statusCode, created.body).toBe(201);
    const member = created.json<Member>();
    expect(member.language).toBe('en');
    expect((await api.call(api.accounts.staff, 'GET', membersUrl(`/${member.id}`))).json()).toMatchObject({
      language: 'en',
    });

    // A form that does not carry the language (an older client) leaves the member's choice alone.
    const renamed = await api.call(api.accounts.staff, 'PUT', membersUrl(`/${member.id}`), {
      firstName: 'Ann',
      lastName: 'Leigh',
      version: member.version,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json<Member>()).toMatchObject({ lastName: 'Leigh', language: 'en' });

    const french = await api.call(api.accounts.staff, 'PUT', membersUrl(`/${member.id}`), {
      firstName: 'Ann',
      lastName: 'Leigh',
      language: 'fr',
      version: renamed.json<Member>().version,
    });
    expect(french.statusCode, french.body).toBe(200);
    expect((await stored(member.id)).language).toBe('fr');

    // Without a choice, nothing is stored: such members read French.
    const plain = await api.createMember({ firstName: 'Paul', lastName: 'Bert' });
    expect((await stored(plain.id)).language).toBeUndefined();
  });

  it('refuses any other language with a 400 in French, and stores nothing', async () => {
    const before = (await api.store.members.list(api.gardenId, { limit: 100 })).members.length;
    for (const language of ['de', 'EN', '', 'fr-FR', 1, null]) {
      const refused = await api.call(api.accounts.staff, 'POST', membersUrl(), {
        firstName: 'Ann',
        lastName: 'Lee',
        language,
      });
      expect(refused.statusCode, `${String(language)}: ${refused.body}`).toBe(400);
      expect(refused.json()).toMatchObject(frenchRefusal);
    }
    expect((await api.store.members.list(api.gardenId, { limit: 100 })).members.length).toBe(before);

    const member = await api.createMember({ firstName: 'Ann', lastName: 'Lee', language: 'en' });
    const change = await api.call(api.accounts.staff, 'PUT', membersUrl(`/${member.id}`), {
      firstName: 'Ann',
      lastName: 'Lee',
      language: 'es',
      version: member.version,
    });
    expect(change.statusCode).toBe(400);
    expect(change.json()).toMatchObject(frenchRefusal);
    expect((await stored(member.id)).language).toBe('en');
  });

  it('is chosen by the member among their contact preferences (or by staff); another language is a 400 in French', async () => {
    const url = membersUrl(`/${api.member.id}/language`);
    const english = await api.call(api.accounts.member, 'PUT', url, { language: 'en' });
    expect(english.statusCode, english.body).toBe(200);
    expect(english.json<Member>()).toMatchObject({ id: api.member.id, language: 'en' });
    const afterEnglish = await stored(api.member.id);
    expect(afterEnglish.language).toBe('en');
    // Nothing else of the record changes.
    expect(afterEnglish).toMatchObject({
      firstName: 'Louise',
      lastName: 'Michel',
      email: 'louise@example.org',
    });

    for (const body of [{ language: 'de' }, { language: '' }, {}, { language: 'en', extra: 1 }]) {
      const refused = await api.call(api.accounts.member, 'PUT', url, body);
      expect(refused.statusCode, `${JSON.stringify(body)}: ${refused.body}`).toBe(400);
      expect(refused.json<{ message: string }>().message).toMatch(/[Ll]angue des messages|Champ inconnu/);
    }
    expect((await api.call(api.accounts.member, 'PUT', url, { language: 'de' })).json()).toMatchObject(
      frenchRefusal,
    );
    expect(await stored(api.member.id)).toEqual(afterEnglish);

    const byStaff = await api.call(api.accounts.staff, 'PUT', url, { language: 'fr' });
    expect(byStaff.statusCode, byStaff.body).toBe(200);
    expect((await stored(api.member.id)).language).toBe('fr');

    // Another household's record reads as a missing one; another garden is refused.
    const other = await api.createMember({ firstName: 'Ann', lastName: 'Other' });
    const before = await stored(other.id);
    for (const [caller, status] of [
      [api.accounts.member, 404],
      [api.accounts.driver, 404],
      [api.accounts.otherStaff, 403],
    ] as const) {
      const refused = await api.call(caller, 'PUT', membersUrl(`/${other.id}/language`), { language: 'en' });
      expect(refused.statusCode, refused.body).toBe(status);
    }
    expect(await stored(other.id)).toEqual(before);
    const missing = await api.call(api.accounts.staff, 'PUT', membersUrl('/m-personne/language'), {
      language: 'en',
    });
    expect(missing.statusCode).toBe(404);
  });

  it("is taken at online application from the web app's language: the form's, else Accept-Language", async () => {
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { changeableForMs: 60 * 60_000 });
    const apply = async (household: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const account = await createAccount({});
      made.push(account);
      const response = await api.call(
        account,
        'POST',
        `/api/gardens/${api.gardenId}/applications`,
        {
          household: { firstName: 'Jane', lastName: 'Doe', email: uniqueEmail('language'), ...household },
          subscription: { basketSize: 'small', frequency: 'weekly', depotId: api.depotId, startDate },
          consent: true,
        },
        headers,
      );
      expect(response.statusCode, response.body).toBeLessThan(300);
      return stored(response.json<{ subscription: { memberId: string } }>().subscription.memberId);
    };

    expect((await apply({ language: 'en' })).language).toBe('en');
    expect((await apply({ language: 'fr' }, { 'accept-language': 'en' })).language).toBe('fr');
    expect((await apply({}, { 'accept-language': 'en-GB,en;q=0.9' })).language).toBe('en');
    expect((await apply({}, { 'accept-language': 'fr-FR' })).language).toBe('fr');

    const account = await createAccount({});
    made.push(account);
    const refused = await api.call(account, 'POST', `/api/gardens/${api.gardenId}/applications`, {
      household: { firstName: 'Jane', lastName: 'Doe', language: 'it' },
      subscription: { basketSize: 'small', frequency: 'weekly', depotId: api.depotId, startDate },
      consent: true,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject(frenchRefusal);
  });
});
