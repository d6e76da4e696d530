import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { ConsentEntry, ConsentState } from '../domain/consents.ts';
import { ConsentEntryExists } from '../adapters/store/consent-log.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';

interface ConsentsView {
  state: ConsentState;
  current: { cgv: number | null; confidentialite: number | null };
  mustAccept: Array<{ document: string; version: number; acceptedVersion: number | null }>;
  entries: ConsentEntry[];
}

/** Versioned terms and optional consents through the API, over the real store. */
describe('consents', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;
  const made: TestAccount[] = [];

  beforeAll(async () => {
    api = await startTestApi('consents');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
    made.push(gardenAdmin);
  });
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
  });

  const gardenUrl = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;
  const consentsUrl = (memberId: string, suffix = '') => gardenUrl(`/members/${memberId}/consents${suffix}`);

  async function publish(slug: 'cgv' | 'confidentialite', substantial: boolean): Promise<number> {
    const saved = await api.call(gardenAdmin, 'PUT', gardenUrl(`/page-drafts/${slug}`), {
      title: slug === 'cgv' ? 'Conditions générales de vente' : 'Politique de confidentialité',
      html: `<h2>Article 1</h2><p>Texte ${Math.random()}</p>`,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await api.call(gardenAdmin, 'POST', gardenUrl(`/page-drafts/${slug}/publish`), {
      substantial,
    });
    expect(published.statusCode, published.body).toBe(201);
    return published.json<{ version: number }>().version;
  }

  const tuesdayFrom = (day: string) => {
    let current = day;
    while (new Date(`${current}T00:00:00Z`).getUTCDay() !== 2) current = addDays(current, 1);
    return current;
  };
  const application = (overrides: Record<string, unknown>) => ({
    household: {
      firstName: 'Olympe',
      lastName: 'de Gouges',
      email: uniqueEmail('consents'),
      address: { street: '4 rue Battant', postalCode: '25000', city: 'Besançon' },
    },
    subscription: {
      basketSize: 'small',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: tuesdayFrom(addDays(gardenDay(new Date()), 10)),
    },
    consent: true,
    ...overrides,
  });

  it('records at sign-up the versions shown, the address and the browser, and refuses stale versions', async () => {
    const cgv = await publish('cgv', true);
    const newcomer = await createAccount({});
    made.push(newcomer);
    const before = await api.store.members.list(api.gardenId, { limit: 200 });

    const stale = await api.call(newcomer, 'POST', gardenUrl('/applications'), application({}));
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json<{ message: string }>().message).toContain('conditions générales de vente');
    const after = await api.store.members.list(api.gardenId, { limit: 200 });
    expect(after.members).toHaveLength(before.members.length);

    const applied = await api.call(
      newcomer,
      'POST',
      gardenUrl('/applications'),
      application({
        termsVersions: { cgv, confidentialite: null },
        optionalConsents: { newsletter: true, photos: false },
      }),
      { 'user-agent': `Mozilla/5.0 ${'x'.repeat(400)}` },
    );
    expect([201, 202], applied.body).toContain(applied.statusCode);
    const { memberId } = applied.json<{ subscription: { memberId: string } }>().subscription;

    const entries = await api.store.consents.list(api.gardenId, memberId);
    expect(entries).toHaveLength(3);
    const terms = entries.find((entry) => entry.kind === 'terms');
    expect(terms).toMatchObject({
      how: 'sign-up',
      terms: { cgv, confidentialite: null },
      accountId: newcomer.userId,
      origin: { ip: '127.0.0.1' },
    });
    expect(terms?.origin?.userAgent).toHaveLength(200);
    expect(entries.filter((entry) => entry.kind === 'optional')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: 'newsletter', given: true }),
        expect.objectContaining({ purpose: 'photos', given: false }),
      ]),
    );
  });

  it('asks to accept again after a substantial version, and accepting clears it', async () => {
    const member = api.member.id;
    const first = await api.call(api.accounts.member, 'GET', consentsUrl(member));
    expect(first.statusCode, first.body).toBe(200);
    // A member recorded by staff never accepted anything: the substantial CGV is for them to accept.
    expect(first.json<ConsentsView>().mustAccept.map((due) => due.document)).toEqual(['cgv']);

    const current = first.json<ConsentsView>().current;
    const accepted = await api.call(api.accounts.member, 'POST', consentsUrl(member, '/terms'), current);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json<ConsentsView>().mustAccept).toEqual([]);

    await publish('cgv', false);
    const afterMinor = await api.call(api.accounts.member, 'GET', consentsUrl(member));
    expect(afterMinor.json<ConsentsView>().mustAccept).toEqual([]);

    const version = await publish('cgv', true);
    const afterSubstantial = await api.call(api.accounts.member, 'GET', consentsUrl(member));
    expect(afterSubstantial.json<ConsentsView>().mustAccept).toEqual([
      { document: 'cgv', version, acceptedVersion: current.cgv },
    ]);

    const old = await api.call(api.accounts.member, 'POST', consentsUrl(member, '/terms'), current);
    expect(old.statusCode, old.body).toBe(409);
    const byStaff = await api.call(api.accounts.staff, 'POST', consentsUrl(member, '/terms'), {
      cgv: version,
      confidentialite: null,
    });
    expect(byStaff.statusCode, byStaff.body).toBe(403);

    const again = await api.call(api.accounts.member, 'POST', consentsUrl(member, '/terms'), {
      cgv: version,
      confidentialite: null,
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<ConsentsView>().mustAccept).toEqual([]);
    expect(again.json<ConsentsView>().state.terms.cgv?.version).toBe(version);
  });

  it('keeps optional consents given then withdrawn, both in the log; staff read, others do not', async () => {
    const member = api.member.id;
    const given = await api.call(api.accounts.member, 'PUT', consentsUrl(member, '/sms'), { given: true });
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json<ConsentsView>().state.optional.sms).toMatchObject({ given: true });
    const withdrawn = await api.call(api.accounts.member, 'PUT', consentsUrl(member, '/sms'), {
      given: false,
    });
    expect(withdrawn.json<ConsentsView>().state.optional.sms).toMatchObject({ given: false });

    const read = await api.call(api.accounts.staff, 'GET', consentsUrl(member));
    expect(read.statusCode, read.body).toBe(200);
    const sms = read
      .json<ConsentsView>()
      .entries.filter((entry) => entry.kind === 'optional' && entry.purpose === 'sms')
      .map((entry) => entry.kind === 'optional' && entry.given);
    expect(sms).toEqual([true, false]);
    // The member's address, browser and account are theirs (and the export's), not staff's.
    expect(read.json<ConsentsView>().entries.some((entry) => 'origin' in entry || 'accountId' in entry)).toBe(
      false,
    );
    const own = await api.call(api.accounts.member, 'GET', consentsUrl(member));
    expect(own.json<ConsentsView>().entries.every((entry) => entry.origin?.ip !== undefined)).toBe(true);

    const unknown = await api.call(api.accounts.member, 'PUT', consentsUrl(member, '/__proto__'), {
      given: true,
    });
    expect(unknown.statusCode).toBe(400);
    const other = await api.createMember({ firstName: 'Autre', lastName: 'Foyer' });
    const reachOther = await api.call(api.accounts.member, 'GET', consentsUrl(other.id));
    expect(reachOther.statusCode).toBe(404);
    const staffGives = await api.call(api.accounts.staff, 'PUT', consentsUrl(member, '/photos'), {
      given: true,
    });
    expect(staffGives.statusCode).toBe(403);
  });

  it('never rewrites an entry', async () => {
    const entry: ConsentEntry = {
      kind: 'optional',
      memberId: api.member.id,
      at: '2026-01-01T00:00:00.000Z',
      how: 'portal',
      purpose: 'photos',
      given: true,
    };
    await api.store.consents.append(api.gardenId, 'fixed-id', entry);
    await expect(
      api.store.consents.append(api.gardenId, 'fixed-id', { ...entry, given: false }),
    ).rejects.toThrow(ConsentEntryExists);
    const kept = (await api.store.consents.list(api.gardenId, api.member.id)).filter(
      (stored) => stored.at === entry.at,
    );
    expect(kept).toEqual([entry]);
  });
});
