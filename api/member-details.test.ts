import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaffActions } from '../adapters/store/action-log.ts';
import type { Member } from '../domain/member.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';

/** « Mes données »: a member corrects their own names, contact and address (issue 14). */
describe("a member's own details", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('member-details');
  });
  afterAll(() => api?.close());

  const url = (memberId: string, suffix = '/details') =>
    `/api/gardens/${api.gardenId}/members/${encodeURIComponent(memberId)}${suffix}`;
  const own = async () => (await api.store.members.get(api.gardenId, api.member.id)) as Member;

  it('lets the member correct their names, email, phone and address, keeps what staff wrote, and logs who did it', async () => {
    const staffEdit = await api.call(api.accounts.staff, 'PUT', url(api.member.id, ''), {
      firstName: 'Louise',
      lastName: 'Michel',
      email: 'louise@example.org',
      householdSize: 2,
      notes: 'Paie par chèque',
      accessNotes: 'Code 1871',
      version: (await own()).version,
    });
    expect(staffEdit.statusCode, staffEdit.body).toBe(200);
    const before = staffEdit.json<Member>();

    const response = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: ' Louise ',
      lastName: 'Michel-Rossel',
      email: 'Louise.Michel@Example.org',
      phone: '06 12 34 56 78',
      address: { street: '3 rue de la Commune', postalCode: '25000', city: 'Besançon' },
      version: before.version,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      firstName: 'Louise',
      lastName: 'Michel-Rossel',
      email: 'louise.michel@example.org',
      phone: '+33612345678',
      address: { street: '3 rue de la Commune', postalCode: '25000', city: 'Besançon' },
      householdSize: 2,
      notes: 'Paie par chèque',
      accessNotes: 'Code 1871',
      version: before.version + 1,
    });
    expect(await own()).toMatchObject({
      lastName: 'Michel-Rossel',
      phone: '+33612345678',
      notes: 'Paie par chèque',
    });

    // The staff action log has it, by the member, with the record before and after.
    const { entries } = await listStaffActions(api.store, api.gardenId, {
      subject: { kind: 'member', id: api.member.id },
    });
    expect(entries[0]).toMatchObject({
      action: 'member.updated',
      actor: { id: api.accounts.member.userId, name: 'Louise M.', role: 'member' },
      before: { lastName: 'Michel', version: before.version },
      after: { lastName: 'Michel-Rossel', version: before.version + 1 },
    });

    // An email, phone or address left out is removed; names stay required.
    const cleared = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Michel',
      version: before.version + 1,
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    const after = cleared.json<Member>();
    expect(after).not.toHaveProperty('phone');
    expect(after).not.toHaveProperty('address');
    expect(after).not.toHaveProperty('email');
    expect(after).toMatchObject({ householdSize: 2, notes: 'Paie par chèque' });
  });

  it("answers another household's record as missing, and changes nothing", async () => {
    const other = await api.createMember({ firstName: 'Jean', lastName: 'Allemane' });
    for (const account of [api.accounts.member, api.accounts.driver]) {
      const response = await api.call(account, 'PUT', url(other.id), {
        firstName: 'Jean',
        lastName: 'Piraté',
        version: other.version,
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ message: 'Adhérent introuvable.' });
    }
    // Another garden's staff are stopped at the garden.
    const foreign = await api.call(api.accounts.otherStaff, 'PUT', url(other.id), {
      firstName: 'Jean',
      lastName: 'Piraté',
      version: other.version,
    });
    expect(foreign.statusCode).toBe(403);
    expect(await api.store.members.get(api.gardenId, other.id)).toMatchObject({
      lastName: 'Allemane',
      version: other.version,
    });
  });

  it('refuses fields only staff change by name (403), and the staff form altogether', async () => {
    const { version } = await own();
    const notes = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Michel',
      notes: 'Tout va bien',
      version,
    });
    expect(notes.statusCode).toBe(403);
    expect(notes.json()).toMatchObject({
      message:
        '« Remarques » ne se change pas ici : l’équipe du jardin le tient à jour sur la fiche de l’adhérent.',
    });
    const english = await api.call(
      api.accounts.member,
      'PUT',
      url(api.member.id),
      { firstName: 'Louise', lastName: 'Michel', householdSize: 1, version },
      { 'accept-language': 'en' },
    );
    expect(english.statusCode).toBe(403);
    expect(english.json()).toMatchObject({
      message: expect.stringMatching(/^« Household size » is not changed here/),
    });

    // Anything else the route does not know (the garden, a status, a tier) is refused as such.
    for (const extra of [
      { gardenId: 'ailleurs' },
      { status: 'active' },
      { tierId: 't-solidaire' },
      { version: 'x' },
    ]) {
      const response = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
        firstName: 'Louise',
        lastName: 'Michel',
        version,
        ...extra,
      });
      expect(response.statusCode, JSON.stringify(extra)).toBe(400);
    }
    const staffForm = await api.call(api.accounts.member, 'PUT', url(api.member.id, ''), {
      firstName: 'Louise',
      lastName: 'Michel',
      version,
    });
    expect(staffForm.statusCode).toBe(403);
    expect(await own()).toMatchObject({ version, notes: 'Paie par chèque', householdSize: 2 });
  });

  it("checks the details as staff's (same sentences), keeps markup as text, refuses huge and prototype input", async () => {
    const { version } = await own();
    const bad = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: '   ',
      lastName: 'Michel',
      email: 'pas-un-courriel',
      phone: '12 34',
      address: { street: '1 rue', postalCode: '250', city: 'Besançon' },
      version,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issues: unknown[] }>().issues).toEqual(
      expect.arrayContaining([
        { field: 'firstName', message: '« Prénom » est obligatoire.' },
        { field: 'email', message: "« Courriel » n'a pas le bon format." },
        { field: 'postalCode', message: "« Code postal » n'a pas le bon format." },
        expect.objectContaining({ field: 'phone' }),
      ]),
    );

    const huge = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'L'.repeat(100_000),
      lastName: 'Michel',
      address: { street: 'x'.repeat(5_000), postalCode: '25000', city: 'Besançon' },
      version,
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({
      issues: expect.arrayContaining([
        { field: 'firstName', message: '« Prénom » ne peut pas dépasser 80 caractères.' },
        { field: 'street', message: '« Adresse » ne peut pas dépasser 200 caractères.' },
      ]),
    });

    const prototype = await api.app.inject({
      method: 'PUT',
      url: url(api.member.id),
      headers: {
        authorization: `Bearer ${await api.accounts.member.token()}`,
        'content-type': 'application/json',
      },
      payload: `{"firstName":"Louise","lastName":"Michel","version":${version},"__proto__":{"notes":"x"}}`,
    });
    expect(prototype.statusCode).toBe(400);
    expect(await own()).toMatchObject({ version, firstName: 'Louise' });

    const markup = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: '<img src=x onerror=alert(1)>',
      lastName: '<script>alert("Michel")</script>',
      version,
    });
    expect(markup.statusCode, markup.body).toBe(200);
    expect(markup.json()).toMatchObject({
      firstName: '<img src=x onerror=alert(1)>',
      lastName: '<script>alert("Michel")</script>',
    });
  });

  it('refuses a change made from an outdated version (409) and a phone removed while SMS are on (422)', async () => {
    const { version } = await own();
    const first = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Michel',
      phone: '0612345678',
      version,
    });
    expect(first.statusCode, first.body).toBe(200);
    const stale = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Dupont',
      version,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/modifié cette fiche/),
    });

    const sms = await api.call(api.accounts.member, 'PUT', url(api.member.id, '/contact-preferences'), {
      email: true,
      sms: true,
    });
    expect(sms.statusCode, sms.body).toBe(200);
    const withoutPhone = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Michel',
      version: sms.json<Member>().version,
    });
    expect(withoutPhone.statusCode).toBe(422);
    expect(withoutPhone.json()).toMatchObject({
      issues: [{ field: 'phone', message: expect.stringMatching(/Mes préférences/) }],
    });
    expect(await own()).toMatchObject({ phone: '+33612345678', contactPreferences: { sms: true } });
  });

  it('still lets staff change the whole record, and their own details too', async () => {
    const { version } = await own();
    const details = await api.call(api.accounts.staff, 'PUT', url(api.member.id), {
      firstName: 'Louise',
      lastName: 'Michel',
      phone: '06 98 76 54 32',
      version,
    });
    expect(details.statusCode, details.body).toBe(200);
    const whole = await api.call(api.accounts.staff, 'PUT', url(api.member.id, ''), {
      firstName: 'Louise',
      lastName: 'Michel',
      phone: '06 98 76 54 32',
      notes: 'Rappeler en septembre',
      version: version + 1,
    });
    expect(whole.statusCode, whole.body).toBe(200);
    expect(whole.json()).toMatchObject({
      notes: 'Rappeler en septembre',
      phone: '+33698765432',
      version: version + 2,
    });
    const { entries } = await listStaffActions(api.store, api.gardenId, {
      subject: { kind: 'member', id: api.member.id },
      limit: 2,
    });
    expect(entries.map((entry) => entry.actor.id)).toEqual([
      api.accounts.staff.userId,
      api.accounts.staff.userId,
    ]);
  });

  it('keeps the household on the map while its address stays the same, and asks to place it again once it moved', async () => {
    const address = { street: '3 rue de la Commune', postalCode: '25000', city: 'Besançon' };
    const { firstName, lastName, email, phone, version } = await own();
    // What the member may change is sent whole (left out is removed): their contact as it is.
    const contact = { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
    const written = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName,
      lastName,
      ...contact,
      address,
      version,
    });
    expect(written.statusCode, written.body).toBe(200);
    const placed = await api.store.members.setLocation(
      api.gardenId,
      api.member.id,
      { lat: 47.24, lng: 6.02 },
      new Date().toISOString(),
    );
    const same = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName,
      lastName,
      ...contact,
      address: { ...address, street: ` ${address.street.toUpperCase()} ` },
      version: placed.version,
    });
    expect(same.statusCode, same.body).toBe(200);
    expect((await own()).location).toEqual({ lat: 47.24, lng: 6.02 });

    const moved = await api.call(api.accounts.member, 'PUT', url(api.member.id), {
      firstName,
      lastName,
      ...contact,
      address: { street: '12 rue des Granges', postalCode: '25000', city: 'Besançon' },
      version: same.json<Member>().version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await own()).location).toBeUndefined();
  });
});
