import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { Member } from '../domain/member.ts';
import { applyAsStaff, approveAsStaff, startTestApi, type TestApi } from '../tests/support/api.ts';
import {
  claimsOf,
  createAccount,
  deleteAccounts,
  tokenFor,
  type TestAccount,
} from '../tests/support/keycloak.ts';
import { emailsTo, ensureTestSender, uniqueEmail } from '../tests/support/moto.ts';
import { testGarden, uniqueGardenId } from '../tests/support/environment.ts';

interface ApplicationAnswer {
  subscription: { id: string; memberId: string; status: string; memberName?: string; depotName?: string };
  accountLinked: boolean;
}

/** An account as the test calls with it: a fixed token, e.g. one taken before a change. */
const withToken = (account: TestAccount, token: string): TestAccount => ({
  ...account,
  token: async () => token,
});

/** Joining a garden from the web, then what a new member does with their own record. */
describe('joining a garden', () => {
  let api: TestApi;
  const made: TestAccount[] = [];
  const today = gardenDay(new Date());
  const poll = { timeout: 20_000, interval: 500 };

  beforeAll(async () => {
    api = await startTestApi('joining');
    await ensureTestSender();
  });
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
  });

  async function account(options: Parameters<typeof createAccount>[0] = {}): Promise<TestAccount> {
    const created = await createAccount(options);
    made.push(created);
    return created;
  }

  const applicationsUrl = () => `/api/gardens/${api.gardenId}/applications`;
  const memberUrl = (memberId: string, suffix = '') =>
    `/api/gardens/${api.gardenId}/members/${memberId}${suffix}`;
  const household = (email: string) => ({
    firstName: 'Gisèle',
    lastName: 'Halimi',
    email,
    phone: '06 12 34 56 78',
    address: { street: '4 rue Battant', postalCode: '25000', city: 'Besançon' },
    householdSize: 2,
  });
  /** The first Tuesday (the test depot's delivery day) on or after a day. */
  const tuesdayFrom = (day: string) => {
    let current = day;
    while (new Date(`${current}T00:00:00Z`).getUTCDay() !== 2) current = addDays(current, 1);
    return current;
  };
  const application = (
    overrides: Record<string, unknown> = {},
    startDate = tuesdayFrom(addDays(today, 10)),
  ) => ({
    household: household(uniqueEmail('joining')),
    subscription: { basketSize: 'small', frequency: 'weekly', depotId: api.depotId, startDate },
    consent: true,
    ...overrides,
  });
  const members = async () => (await api.store.members.list(api.gardenId, { limit: 100 })).members;

  describe('what anyone may read', () => {
    it('lists the gardens of the network without a token', async () => {
      const response = await api.call(undefined, 'GET', '/api/gardens');
      expect(response.statusCode, response.body).toBe(200);
      const gardens = response.json<Array<{ id: string; name: string; city: string }>>();
      expect(gardens).toContainEqual({
        id: api.gardenId,
        name: `Jardin de test ${api.gardenId}`,
        city: 'Besançon',
      });
      const names = gardens.map((garden) => garden.name);
      expect([...names].sort((a, b) => a.localeCompare(b, 'fr'))).toEqual(names);
      // Nothing but the public fields.
      expect(Object.keys(gardens.find((garden) => garden.id === api.gardenId)!).sort()).toEqual([
        'city',
        'id',
        'name',
      ]);
    });

    it('shows only active gardens: one being created, suspended or retired is neither listed nor open to applications', async () => {
      const closed = (['provisioning', 'suspended', 'retired'] as const).map((state) => ({
        ...testGarden(uniqueGardenId(`closed-${state}`)),
        state,
      }));
      for (const garden of closed) await api.store.gardens.register(garden);
      const newcomer = await account();
      const listed = (await api.call(undefined, 'GET', '/api/gardens')).json<Array<{ id: string }>>();
      expect(listed.map((garden) => garden.id)).toContain(api.gardenId);
      for (const garden of closed) {
        expect(listed.map((listedGarden) => listedGarden.id)).not.toContain(garden.id);
        const offer = await api.call(undefined, 'GET', `/api/gardens/${garden.id}/offer`);
        expect(offer.statusCode, offer.body).toBe(404);
        const applied = await api.call(
          newcomer,
          'POST',
          `/api/gardens/${garden.id}/applications`,
          application(),
        );
        expect(applied.statusCode, applied.body).toBe(404);
        expect(applied.json<{ message: string }>().message).toMatch(/Jardin/);
      }
    });

    it("shows a garden's offer without a token", async () => {
      const response = await api.call(undefined, 'GET', `/api/gardens/${api.gardenId}/offer`);
      expect(response.statusCode, response.body).toBe(200);
      const offer = response.json<{
        garden: unknown;
        depots: Array<Record<string, unknown>>;
        seasons: Array<{ end: string }>;
        rules: Record<string, unknown>;
      }>();
      expect(offer).toMatchObject({
        garden: { id: api.gardenId, city: 'Besançon' },
        depots: [
          {
            id: api.depotId,
            name: 'Dépôt du centre',
            deliveryWeekday: 2,
            openingHours: '17 h – 19 h',
            address: { city: 'Besançon' },
          },
        ],
        closedWeeks: [],
        rules: {
          maxAbsencesPerSeason: 4,
          absencePolicy: 'donated',
          cancellationNoticeDays: 14,
          renewal: 'season',
        },
      });
      expect(offer.seasons.length).toBeGreaterThan(0);
      expect(offer.seasons.every((season) => season.end >= today)).toBe(true);
      // Depot capacity and the rules meant for staff are not published.
      expect(offer.depots[0]).not.toHaveProperty('capacity');
      expect(offer.rules).not.toHaveProperty('waitingList');

      const unknown = await api.call(undefined, 'GET', '/api/gardens/t-nulle-part/offer');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ message: 'Jardin introuvable.' });
    });
    it("publishes the garden's prices with its offer, as its administrators set them, without a token", async () => {
      const read = async () => {
        const response = await api.call(undefined, 'GET', `/api/gardens/${api.gardenId}/offer`);
        expect(response.statusCode, response.body).toBe(200);
        return response.json<{ prices: Record<string, unknown> }>().prices;
      };
      expect(await read()).toEqual({
        basketPrices: { small: 1200, medium: 1700, large: 2300 },
        solidarityTiers: [
          { id: 'solidaire', label: 'Tarif solidaire', prices: { small: 600, medium: 850, large: 1150 } },
        ],
        membershipFee: 2000,
        billing: 'monthly',
        installments: 1,
      });
      // Set by the garden's administrators (here straight into the store), read at once.
      const { version, ...current } = await api.store.settings.pricing(api.gardenId);
      const saved = await api.store.settings.savePricing(
        api.gardenId,
        { ...current, basketPrices: { small: 1250, medium: 1800, large: 2400 }, membershipFee: 1500 },
        version,
      );
      expect(await read()).toMatchObject({
        basketPrices: { small: 1250, medium: 1800, large: 2400 },
        membershipFee: 1500,
      });
      // Put back, for the other tests of this garden.
      await api.store.settings.savePricing(api.gardenId, current, saved.version);
      // The legal details and the payment terms are for invoices, not for the offer.
      expect(await read()).not.toHaveProperty('legal');
      expect(await read()).not.toHaveProperty('retryDays');
    });
  });

  describe('applying', () => {
    it('makes a newcomer a member of the garden: their next token says so', async () => {
      const newcomer = await account();
      const before = claimsOf(await tokenFor(newcomer.username, newcomer.password));
      expect(before.garden).toBeUndefined();
      expect(before.member).toBeUndefined();

      const email = uniqueEmail('newcomer');
      const response = await api.call(newcomer, 'POST', applicationsUrl(), {
        ...application(),
        household: household(email),
      });
      expect(response.statusCode, response.body).toBe(201);
      const answer = response.json<ApplicationAnswer>();
      expect(answer).toMatchObject({
        accountLinked: true,
        subscription: { status: 'pending', memberName: 'Gisèle Halimi', depotName: 'Dépôt du centre' },
      });
      const member = await api.store.members.get(api.gardenId, answer.subscription.memberId);
      expect(member).toMatchObject({ firstName: 'Gisèle', lastName: 'Halimi', email, phone: '+33612345678' });
      expect(Date.now() - Date.parse(member?.termsAcceptedAt ?? '')).toBeLessThan(60_000);

      const after = claimsOf(await tokenFor(newcomer.username, newcomer.password));
      expect(after).toMatchObject({ garden: api.gardenId, member: answer.subscription.memberId });
      expect((after.realm_access as { roles: string[] }).roles).toContain('member');
      // The API knows them as that member now.
      const me = await api.call(
        withToken(newcomer, await tokenFor(newcomer.username, newcomer.password)),
        'GET',
        '/api/me',
      );
      expect(me.json()).toMatchObject({
        roles: ['member'],
        gardenId: api.gardenId,
        memberId: answer.subscription.memberId,
      });
    });

    it('takes the email of the account when the household gives none', async () => {
      const newcomer = await account();
      const { email: _ignored, ...noEmail } = household('unused@example.org');
      const response = await api.call(newcomer, 'POST', applicationsUrl(), {
        ...application(),
        household: noEmail,
      });
      expect(response.statusCode, response.body).toBe(201);
      const { memberId } = response.json<ApplicationAnswer>().subscription;
      expect(await api.store.members.get(api.gardenId, memberId)).toMatchObject({
        email: `${newcomer.username}@example.org`,
      });
    });

    it('keeps one member record for a person applying twice before their token changes', async () => {
      const newcomer = await account();
      const oldToken = await tokenFor(newcomer.username, newcomer.password);
      const caller = withToken(newcomer, oldToken);
      const first = await api.call(
        caller,
        'POST',
        applicationsUrl(),
        application({}, tuesdayFrom(addDays(today, 10))),
      );
      expect(first.statusCode, first.body).toBe(201);
      const memberId = first.json<ApplicationAnswer>().subscription.memberId;
      const count = (await members()).length;

      const second = await api.call(
        caller,
        'POST',
        applicationsUrl(),
        application({}, tuesdayFrom(addDays(today, 17))),
      );
      expect(second.statusCode, second.body).toBe(201);
      expect(second.json<ApplicationAnswer>().subscription.memberId).toBe(memberId);
      // Without the household this time: they are known already.
      const third = await api.call(caller, 'POST', applicationsUrl(), {
        ...application({}, tuesdayFrom(addDays(today, 24))),
        household: undefined,
      });
      expect(third.statusCode, third.body).toBe(201);
      expect(third.json<ApplicationAnswer>().subscription.memberId).toBe(memberId);
      expect((await members()).length).toBe(count);
      const theirs = await api.call(api.accounts.staff, 'GET', memberUrl(memberId, '/subscriptions'));
      expect(theirs.json<unknown[]>()).toHaveLength(3);
    });

    it('keeps one member record and one subscription when the same application is sent twice at once', async () => {
      const newcomer = await account();
      const before = (await members()).length;
      const body = application();
      const answers = await Promise.all([
        api.call(newcomer, 'POST', applicationsUrl(), body),
        api.call(newcomer, 'POST', applicationsUrl(), body),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
      expect((await members()).length).toBe(before + 1);
      const memberId = await api.store.members.memberOfAccount(api.gardenId, newcomer.userId);
      expect(await api.store.members.get(api.gardenId, memberId ?? '')).toMatchObject({ lastName: 'Halimi' });
    });

    it('needs the consent, naming it (422; 400 when missing), and creates nothing', async () => {
      const newcomer = await account();
      const before = (await members()).length;
      const refused = await api.call(newcomer, 'POST', applicationsUrl(), application({ consent: false }));
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({
        error: 'refused',
        message: 'Pour adhérer, acceptez les conditions du jardin.',
        issues: [{ field: 'consent' }],
      });
      const { consent: _consent, ...withoutConsent } = application();
      const missing = await api.call(newcomer, 'POST', applicationsUrl(), withoutConsent);
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ message: '« Acceptation des conditions » est obligatoire.' });
      expect((await members()).length).toBe(before);
      expect(await api.store.members.memberOfAccount(api.gardenId, newcomer.userId)).toBeUndefined();
    });

    it('refuses a start date in the past (422), and creates no member', async () => {
      const newcomer = await account();
      const before = (await members()).length;
      const response = await api.call(
        newcomer,
        'POST',
        applicationsUrl(),
        application({}, addDays(today, -1)),
      );
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json()).toMatchObject({
        message: 'La date de début ne peut pas être dans le passé.',
        issues: [{ field: 'startDate' }],
      });
      expect((await members()).length).toBe(before);
      expect(await api.store.members.memberOfAccount(api.gardenId, newcomer.userId)).toBeUndefined();
      expect(claimsOf(await tokenFor(newcomer.username, newcomer.password)).garden).toBeUndefined();
    });

    it('refuses an unknown depot (404), and creates no member', async () => {
      const newcomer = await account();
      const before = (await members()).length;
      const body = application();
      const response = await api.call(newcomer, 'POST', applicationsUrl(), {
        ...body,
        subscription: { ...body.subscription, depotId: 'd-nulle-part' },
      });
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json()).toMatchObject({ message: 'Point de dépôt introuvable.' });
      expect((await members()).length).toBe(before);
    });

    it('refuses accounts of another garden and staff accounts (403); anonymous callers (401)', async () => {
      const before = (await members()).length;
      const otherMember = await account({
        role: 'member',
        gardenId: api.otherGardenId,
        memberId: 'm-ailleurs',
      });
      for (const caller of [api.accounts.otherStaff, otherMember]) {
        const response = await api.call(caller, 'POST', applicationsUrl(), application());
        expect(response.statusCode, response.body).toBe(403);
        expect(response.json()).toMatchObject({ message: 'Votre compte appartient à un autre jardin.' });
      }
      for (const caller of [api.accounts.staff, api.accounts.driver]) {
        const response = await api.call(caller, 'POST', applicationsUrl(), application());
        expect(response.statusCode, response.body).toBe(403);
        expect(response.json()).toMatchObject({
          message: "Les comptes de l'équipe inscrivent les adhérents depuis leur espace.",
        });
      }
      expect((await api.call(undefined, 'POST', applicationsUrl(), application())).statusCode).toBe(401);
      expect((await members()).length).toBe(before);
    });

    it('lets an existing member apply again for themselves, without a household', async () => {
      const response = await api.call(api.accounts.member, 'POST', applicationsUrl(), {
        subscription: {
          basketSize: 'large',
          frequency: 'fortnightly',
          depotId: api.depotId,
          startDate: tuesdayFrom(addDays(today, 3)),
        },
        consent: true,
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        accountLinked: false,
        subscription: { memberId: api.member.id, status: 'pending', memberName: 'Louise Michel' },
      });
    });
  });

  describe("a member's contact preferences and messages", () => {
    it('lets the member choose email or SMS; SMS needs a phone number (400)', async () => {
      const url = memberUrl(api.member.id, '/contact-preferences');
      const quiet = await api.call(api.accounts.member, 'PUT', url, { email: false, sms: false });
      expect(quiet.statusCode, quiet.body).toBe(200);
      expect(quiet.json()).toMatchObject({ contactPreferences: { email: false, sms: false } });
      const emailAgain = await api.call(api.accounts.member, 'PUT', url, { email: true, sms: false });
      expect(emailAgain.statusCode).toBe(200);
      const stored = (await api.store.members.get(api.gardenId, api.member.id)) as Member;
      expect(stored.contactPreferences).toEqual({ email: true, sms: false });

      const sms = await api.call(api.accounts.member, 'PUT', url, { email: true, sms: true });
      expect(sms.statusCode, sms.body).toBe(422);
      expect(sms.json()).toMatchObject({
        error: 'refused',
        message:
          'Pour recevoir des SMS, un numéro de téléphone portable doit figurer sur votre fiche : demandez-le à l’équipe du jardin.',
        issues: [{ field: 'sms' }],
      });
      expect(await api.store.members.get(api.gardenId, api.member.id)).toEqual(stored);

      const invalid = await api.call(api.accounts.member, 'PUT', url, { email: 'oui' });
      expect(invalid.statusCode).toBe(400);
      expect(await api.store.members.get(api.gardenId, api.member.id)).toEqual(stored);
    });

    it('lets staff set SMS for a member with a phone; hides it from other members (404) and gardens (403)', async () => {
      const withPhone = await api.createMember({
        firstName: 'Lucie',
        lastName: 'Aubrac',
        phone: '06 98 76 54 32',
      });
      const url = memberUrl(withPhone.id, '/contact-preferences');
      const response = await api.call(api.accounts.staff, 'PUT', url, { email: false, sms: true });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ contactPreferences: { email: false, sms: true }, version: 2 });

      const before = await api.store.members.get(api.gardenId, withPhone.id);
      // Another household's record reads as a missing one; another garden is refused.
      for (const [caller, status] of [
        [api.accounts.member, 404],
        [api.accounts.driver, 404],
        [api.accounts.otherStaff, 403],
      ] as const) {
        const refused = await api.call(caller, 'PUT', url, { email: true, sms: false });
        expect(refused.statusCode, refused.body).toBe(status);
      }
      expect(await api.store.members.get(api.gardenId, withPhone.id)).toEqual(before);
      const missing = await api.call(
        api.accounts.staff,
        'PUT',
        memberUrl('m-personne', '/contact-preferences'),
        {
          email: true,
          sms: false,
        },
      );
      expect(missing.statusCode).toBe(404);
    });

    it('shows the member and staff the messages sent, such as the approval notice; not other members', async () => {
      const newcomer = await account();
      const response = await api.call(newcomer, 'POST', applicationsUrl(), application());
      expect(response.statusCode, response.body).toBe(201);
      const { id, memberId } = response.json<ApplicationAnswer>().subscription;
      const approved = await approveAsStaff(api, id);
      expect(approved.statusCode, approved.body).toBe(200);

      const asMember = withToken(newcomer, await tokenFor(newcomer.username, newcomer.password));
      const url = memberUrl(memberId, '/notifications');
      const kinds = async (caller: TestAccount) => {
        const log = await api.call(caller, 'GET', url);
        expect(log.statusCode, log.body).toBe(200);
        return log.json<{ entries: Array<{ kind: string; status: string }> }>().entries;
      };
      await expect
        .poll(
          async () => (await kinds(api.accounts.staff)).map((entry) => `${entry.kind}:${entry.status}`),
          poll,
        )
        .toContain('subscription-approved:sent');
      const seenByMember = await kinds(asMember);
      expect(seenByMember).toContainEqual(
        expect.objectContaining({
          kind: 'subscription-approved',
          status: 'sent',
          subject: expect.any(String),
        }),
      );
      expect(seenByMember[0]).not.toHaveProperty('idempotencyKey');

      for (const [caller, status] of [
        [api.accounts.member, 404],
        [api.accounts.driver, 404],
        [api.accounts.otherStaff, 403],
      ] as const) {
        const refused = await api.call(caller, 'GET', url);
        expect(refused.statusCode, refused.body).toBe(status);
      }
      expect((await api.call(undefined, 'GET', url)).statusCode).toBe(401);
    });

    it('acknowledges an online application by email at once, once, before any decision; names as text', async () => {
      const newcomer = await account();
      const email = uniqueEmail('acknowledged');
      const response = await api.call(newcomer, 'POST', applicationsUrl(), {
        ...application(),
        household: { ...household(email), firstName: 'Rosa <b>la</b>' },
      });
      expect(response.statusCode, response.body).toBe(201);
      const { id, status } = response.json<ApplicationAnswer>().subscription;
      expect(status).toBe('pending');
      const subject = "Nous avons bien reçu votre demande d'abonnement";
      const acknowledgements = async () => (await emailsTo(email)).filter((sent) => sent.subject === subject);
      await expect.poll(async () => (await acknowledgements()).length, poll).toBe(1);
      const [acknowledgement] = await acknowledgements();
      expect(acknowledgement?.body).toContain('Bonjour Rosa &lt;b&gt;la&lt;/b&gt;');
      expect(acknowledgement?.body).not.toContain('<b>la</b>');
      expect(acknowledgement?.body).toContain('Dépôt du centre');
      expect(acknowledgement?.body).toContain('Petit panier');
      // Still pending: the acknowledgement did not wait for staff.
      expect((await api.store.subscriptions.get(api.gardenId, id))?.status).toBe('pending');

      // Staff approve: the confirmation follows, and the acknowledgement is not sent again.
      const approved = await approveAsStaff(api, id);
      expect(approved.statusCode, approved.body).toBe(200);
      await expect
        .poll(async () => (await emailsTo(email)).map((sent) => sent.subject), poll)
        .toContain('Votre abonnement est validé');
      expect(await acknowledgements()).toHaveLength(1);
    });

    it('sends no acknowledgement for an application staff enter for a member', async () => {
      const email = uniqueEmail('entered-by-staff');
      const member = await api.createMember({ firstName: 'Jeanne', lastName: 'Baret', email });
      const entered = await applyAsStaff(api, {
        memberId: member.id,
        basketSize: 'small',
        startDate: tuesdayFrom(addDays(today, 10)),
      });
      expect(entered.statusCode, entered.body).toBe(201);
      const { id } = entered.json<{ id: string }>();
      const approved = await approveAsStaff(api, id);
      expect(approved.statusCode, approved.body).toBe(200);
      await expect
        .poll(async () => (await emailsTo(email)).map((sent) => sent.subject), poll)
        .toContain('Votre abonnement est validé');
      expect((await emailsTo(email)).map((sent) => sent.subject)).toEqual(['Votre abonnement est validé']);
    });
  });
});
