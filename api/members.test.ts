import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

describe('members', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('members');
  });
  afterAll(() => api?.close());

  const url = (suffix = '') => `/api/gardens/${api.gardenId}/members${suffix}`;

  it('registers a member, storing the phone in E.164 and the email in lower case', async () => {
    const response = await api.call(api.accounts.staff, 'POST', url(), {
      firstName: ' Élise ',
      lastName: 'Reclus',
      email: 'Elise.Reclus@Example.org',
      phone: '06 12 34 56 78',
      address: { street: '12 rue de la Préfecture', postalCode: '25000', city: 'Besançon' },
      householdSize: 3,
    });
    expect(response.statusCode).toBe(201);
    const member = response.json<{ id: string }>();
    expect(member).toMatchObject({
      firstName: 'Élise',
      email: 'elise.reclus@example.org',
      phone: '+33612345678',
      version: 1,
    });
    expect(await api.store.members.get(api.gardenId, member.id)).toMatchObject({ phone: '+33612345678' });
  });

  it('refuses invalid input with one readable sentence per field, and stores nothing', async () => {
    const before = (await api.store.members.list(api.gardenId, { limit: 100 })).members.length;
    const response = await api.call(api.accounts.staff, 'POST', url(), {
      firstName: '',
      email: 'pas-un-courriel',
      address: { street: '1 rue', postalCode: '250', city: 'Besançon' },
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<{
      error: string;
      message: string;
      issues: Array<{ field: string; message: string }>;
    }>();
    expect(body.error).toBe('invalid_input');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { field: 'lastName', message: '« Nom » est obligatoire.' },
        { field: 'firstName', message: '« Prénom » est obligatoire.' },
        { field: 'email', message: "« Courriel » n'a pas le bon format." },
        { field: 'postalCode', message: "« Code postal » n'a pas le bon format." },
      ]),
    );
    const badPhone = await api.call(api.accounts.staff, 'POST', url(), {
      firstName: 'A',
      lastName: 'B',
      phone: '12 34',
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json()).toMatchObject({ issues: [{ field: 'phone' }] });
    const badJson = await api.app.inject({
      method: 'POST',
      url: url(),
      headers: {
        authorization: `Bearer ${await api.accounts.staff.token()}`,
        'content-type': 'application/json',
      },
      payload: '{"firstName": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({
      message: "La requête n'a pas pu être lue : vérifiez son contenu.",
    });
    expect((await api.store.members.list(api.gardenId, { limit: 100 })).members.length).toBe(before);
  });

  it('pages through members in alphabetical order and finds them without accents or case', async () => {
    const names = ['Zola', 'Ampère', 'Curie', 'Éluard', 'Berlioz', 'Dumas', 'Fourier'];
    for (const lastName of names)
      await api.createMember({
        firstName: 'Test',
        lastName,
        address: { street: '1 rue', postalCode: '25000', city: 'Ornans' },
      });
    const first = (await api.call(api.accounts.staff, 'GET', url('?limit=3&search=ornans'))).json<{
      members: Array<{ lastName: string }>;
      nextCursor?: string;
    }>();
    expect(first.members.map((m) => m.lastName)).toEqual(['Ampère', 'Berlioz', 'Curie']);
    expect(first.nextCursor).toBeDefined();
    const second = (
      await api.call(
        api.accounts.staff,
        'GET',
        url(`?limit=3&search=ornans&cursor=${first.nextCursor ?? ''}`),
      )
    ).json<{ members: Array<{ lastName: string }>; nextCursor?: string }>();
    expect(second.members.map((m) => m.lastName)).toEqual(['Dumas', 'Éluard', 'Fourier']);
    const third = (
      await api.call(
        api.accounts.staff,
        'GET',
        url(`?limit=3&search=ornans&cursor=${second.nextCursor ?? ''}`),
      )
    ).json<{ members: Array<{ lastName: string }>; nextCursor?: string }>();
    expect(third.members.map((m) => m.lastName)).toEqual(['Zola']);
    expect(third.nextCursor).toBeUndefined();

    const search = (await api.call(api.accounts.staff, 'GET', url('?search=ELUARD'))).json<{
      members: Array<{ lastName: string }>;
    }>();
    expect(search.members.map((m) => m.lastName)).toEqual(['Éluard']);

    const foreignCursor = await api.call(api.accounts.staff, 'GET', url('?cursor=bm90LWEta2V5'));
    expect(foreignCursor.statusCode).toBe(400);
  });

  it('refuses a change made from an outdated version (409) and keeps the newer one', async () => {
    const created = await api.createMember({ firstName: 'Olympe', lastName: 'de Gouges' });
    const first = await api.call(api.accounts.staff, 'PUT', url(`/${created.id}`), {
      firstName: 'Olympe',
      lastName: 'de Gouges',
      notes: 'Préfère le retrait le mardi',
      version: 1,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 2, notes: 'Préfère le retrait le mardi' });

    const stale = await api.call(api.accounts.staff, 'PUT', url(`/${created.id}`), {
      firstName: 'Olympe',
      lastName: 'Gouze',
      version: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/modifié cette fiche/),
    });
    expect(await api.store.members.get(api.gardenId, created.id)).toMatchObject({
      lastName: 'de Gouges',
      version: 2,
      notes: 'Préfère le retrait le mardi',
    });
  });

  it('keeps one of two simultaneous edits and refuses the other', async () => {
    const created = await api.createMember({ firstName: 'Jules', lastName: 'Verne' });
    const edits = await Promise.all(
      ['Nantes', 'Amiens'].map((city) =>
        api.call(api.accounts.staff, 'PUT', url(`/${created.id}`), {
          firstName: 'Jules',
          lastName: 'Verne',
          address: { street: '1 rue', postalCode: '80000', city },
          version: 1,
        }),
      ),
    );
    expect(edits.map((edit) => edit.statusCode).sort()).toEqual([200, 409]);
    expect(await api.store.members.get(api.gardenId, created.id)).toMatchObject({ version: 2 });
  });

  it("keeps how the driver reaches a household's door (access notes), trimmed, and lets staff clear them", async () => {
    const created = await api.call(api.accounts.staff, 'POST', url(), {
      firstName: 'Nadia',
      lastName: 'Benali',
      accessNotes: '  Code 4521B, portail vert <b>derrière la grange</b>  ',
    });
    expect(created.statusCode, created.body).toBe(201);
    const member = created.json<{ id: string; version: number; accessNotes?: string }>();
    // Kept as typed (trimmed): markup is text, which the pages show as text.
    expect(member.accessNotes).toBe('Code 4521B, portail vert <b>derrière la grange</b>');
    const read = await api.call(api.accounts.staff, 'GET', url(`/${member.id}`));
    expect(read.json()).toMatchObject({ accessNotes: 'Code 4521B, portail vert <b>derrière la grange</b>' });

    const tooLong = await api.call(api.accounts.staff, 'PUT', url(`/${member.id}`), {
      firstName: 'Nadia',
      lastName: 'Benali',
      accessNotes: 'x'.repeat(501),
      version: member.version,
    });
    expect(tooLong.statusCode, tooLong.body).toBe(400);
    expect(tooLong.json()).toMatchObject({
      issues: [
        { field: 'accessNotes', message: '« Accès au domicile » ne peut pas dépasser 500 caractères.' },
      ],
    });

    // Blank, or left out of the form: the household has none any more.
    const cleared = await api.call(api.accounts.staff, 'PUT', url(`/${member.id}`), {
      firstName: 'Nadia',
      lastName: 'Benali',
      accessNotes: '   ',
      version: member.version,
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).not.toHaveProperty('accessNotes');
  });

  it('answers 404 for a member that does not exist', async () => {
    const response = await api.call(api.accounts.staff, 'GET', url('/m-nobody'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ message: 'Adhérent introuvable.' });
  });
});
