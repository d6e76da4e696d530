import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberBilling } from '../domain/billing-views.ts';
import { defaultPricing, type Pricing, type PricingInput } from '../domain/pricing.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { billingScheduleId } from '../workflows/billing/contract.ts';

/** A garden's prices and billing model, and the solidarity tiers staff give households. */
describe('pricing', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('pricing');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });
  afterAll(async () => {
    await api?.client.schedule
      .getHandle(billingScheduleId(api.gardenId))
      .delete()
      .catch(() => undefined);
    if (gardenAdmin) await deleteAccounts([gardenAdmin]);
    await api?.close();
  });

  const pricingUrl = () => `/api/gardens/${api.gardenId}/pricing`;
  const tierUrl = (memberId: string) => `/api/gardens/${api.gardenId}/members/${memberId}/pricing-tier`;
  const billingUrl = (memberId: string) => `/api/gardens/${api.gardenId}/members/${memberId}/billing`;
  const { version: _defaultVersion, ...defaults } = defaultPricing;

  async function readPricing(): Promise<Pricing> {
    const response = await api.call(api.accounts.staff, 'GET', pricingUrl());
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Pricing>();
  }

  async function readBilling(memberId: string): Promise<MemberBilling> {
    const response = await api.call(api.accounts.staff, 'GET', billingUrl(memberId));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<MemberBilling>();
  }

  const wanted: PricingInput = {
    ...defaults,
    basketPrices: { small: 1250, medium: 1800, large: 2450 },
    solidarityTiers: [
      { id: 'solidaire', label: 'Tarif solidaire', prices: { small: 625, medium: 900, large: 1225 } },
      { id: 'etudiant', label: 'Tarif étudiant', prices: { small: 1000, medium: 1400, large: 1900 } },
    ],
    membershipFee: 2500,
    billing: 'season',
    installments: 3,
    retryDays: [3, 7, 14],
    paymentTermDays: 15,
    legal: {
      name: 'Jardins du Val du Doubs',
      address: '2 rue des Maraîchers, 25000 Besançon',
      siret: '12345678900012',
      vatNote: 'TVA non applicable, art. 293 B du CGI',
    },
  };

  it('gives staff the defaults (version 0), then saves with the version read; stale is 409', async () => {
    expect(await readPricing()).toEqual(defaultPricing);
    // Staff read the prices, the billing model and the legal details, but do not set them.
    const byStaff = await api.call(api.accounts.staff, 'PUT', pricingUrl(), { ...wanted, version: 0 });
    expect(byStaff.statusCode, byStaff.body).toBe(403);
    expect(byStaff.json()).toMatchObject({
      error: 'forbidden',
      message: "Votre compte n'a pas le droit de faire cela.",
    });
    expect(await readPricing()).toEqual(defaultPricing);

    const saved = await api.call(gardenAdmin, 'PUT', pricingUrl(), { ...wanted, version: 0 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ ...wanted, version: 1 });
    expect(await readPricing()).toEqual({ ...wanted, version: 1 });

    // Saved again with the version read.
    const byAdmin = await api.call(gardenAdmin, 'PUT', pricingUrl(), {
      ...wanted,
      membershipFee: 3000,
      version: 1,
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toMatchObject({ membershipFee: 3000, version: 2 });

    const stale = await api.call(gardenAdmin, 'PUT', pricingUrl(), {
      ...wanted,
      membershipFee: 1,
      version: 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/^Quelqu'un d'autre a modifié cette fiche entre-temps/),
    });
    expect(await readPricing()).toEqual({ ...wanted, membershipFee: 3000, version: 2 });
  });

  it('lets staff read the billing model and legal details but not change them (403, nothing changed)', async () => {
    const before = await readPricing();
    const changes: Array<Partial<PricingInput>> = [
      { basketPrices: { ...before.basketPrices, small: 1 } },
      { billing: before.billing === 'monthly' ? 'season' : 'monthly', installments: 2 },
      { legal: { ...before.legal, siret: '98765432100019' } },
    ];
    for (const change of changes) {
      const response = await api.call(api.accounts.staff, 'PUT', pricingUrl(), { ...before, ...change });
      expect(response.statusCode, response.body).toBe(403);
    }
    expect(await readPricing()).toEqual(before);
    const { version, ...input } = before;
    const byAdmin = await api.call(gardenAdmin, 'PUT', pricingUrl(), { ...input, ...changes[2], version });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(await readPricing()).toMatchObject({ legal: { siret: '98765432100019' }, version: version + 1 });
  });

  it('keeps prices from members, drivers and other gardens', async () => {
    const before = await readPricing();
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      const read = await api.call(account, 'GET', pricingUrl());
      expect(read.statusCode, read.body).toBe(403);
      const write = await api.call(account, 'PUT', pricingUrl(), {
        ...wanted,
        membershipFee: 1,
        version: before.version,
      });
      expect(write.statusCode, write.body).toBe(403);
      expect(write.json()).toMatchObject({ error: 'forbidden' });
    }
    expect(await readPricing()).toEqual(before);
  });

  /** Malformed pricing, with the French sentence each one gets. */
  const malformed: Array<[string, Record<string, unknown>, string | RegExp]> = [
    [
      'a negative price',
      { ...wanted, basketPrices: { ...wanted.basketPrices, small: -100 } },
      '« Petit panier » doit être au moins 0.',
    ],
    [
      'a price in euros with decimals',
      { ...wanted, membershipFee: 25.5 },
      /« Adhésion annuelle » n'est pas du bon type\./,
    ],
    [
      'an unknown billing model',
      { ...wanted, billing: 'weekly' },
      /« Mode de facturation » doit être l'une de ces valeurs/,
    ],
    ['13 installments', { ...wanted, installments: 13 }, '« Nombre d’échéances » ne peut pas dépasser 12.'],
    ['no retry', { ...wanted, retryDays: [] }, /« Nouvel essai après \(jours\) »/],
    [
      'a short SIRET',
      { ...wanted, legal: { ...wanted.legal, siret: '1234' } },
      '« SIRET » doit contenir 14 chiffres (les espaces sont permis).',
    ],
    [
      'a blank legal name',
      { ...wanted, legal: { ...wanted.legal, name: '   ' } },
      '« Nom » est obligatoire.',
    ],
    ['an unknown field', { ...wanted, vat: 20 }, 'Champ inconnu : vat.'],
  ];

  it('refuses two tiers with the same code (422: well-formed, but the rules refuse it), changing nothing', async () => {
    const before = await readPricing();
    const response = await api.call(gardenAdmin, 'PUT', pricingUrl(), {
      ...wanted,
      solidarityTiers: [wanted.solidarityTiers[0], { ...wanted.solidarityTiers[1], id: 'solidaire' }],
      version: before.version,
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message: 'Deux tarifs solidaires portent le même code « solidaire ».',
    });
    expect(await readPricing()).toEqual(before);
  });

  it.each(malformed)('refuses %s with a French sentence, changing nothing', async (_case, body, message) => {
    const before = await readPricing();
    const response = await api.call(gardenAdmin, 'PUT', pricingUrl(), {
      ...body,
      version: before.version,
    });
    expect(response.statusCode, response.body).toBe(400);
    const answer = response.json<{ error: string; message: string }>();
    expect(answer.error).toBe('invalid_input');
    if (typeof message === 'string') expect(answer.message).toContain(message);
    else expect(answer.message).toMatch(message);
    expect(await readPricing()).toEqual(before);
  });

  it('gives a household a solidarity tier with who and why, then takes it back', async () => {
    const member = await api.createMember({ firstName: 'Berthe', lastName: 'Morisot' });
    const before = await readBilling(member.id);
    expect(before).toMatchObject({
      memberId: member.id,
      balance: { due: 0, overdue: 0 },
      invoices: [],
      version: 0,
    });
    expect(before.tier).toBeUndefined();

    const given = await api.call(api.accounts.staff, 'PUT', tierUrl(member.id), {
      tierId: 'solidaire',
      reason: '  Quotient familial de la CAF  ',
      version: 0,
    });
    expect(given.statusCode, given.body).toBe(200);
    const billing = given.json<MemberBilling>();
    expect(billing.tier).toEqual({
      id: 'solidaire',
      label: 'Tarif solidaire',
      reason: 'Quotient familial de la CAF',
      assigned: { by: { userId: expect.any(String), name: 'Camille Martin' }, at: expect.any(String) },
    });
    expect(billing.version).toBe(1);
    expect(Date.now() - Date.parse(billing.tier?.assigned.at ?? '')).toBeLessThan(60_000);
    expect(await readBilling(member.id)).toEqual(billing);
    // The member reads it on their own billing too (their own record only).
    const stored = await api.store.billingProfiles.get(api.gardenId, member.id);
    expect(stored.tier).toMatchObject({ id: 'solidaire', reason: 'Quotient familial de la CAF' });

    const removed = await api.call(api.accounts.staff, 'PUT', tierUrl(member.id), {
      tierId: null,
      version: 1,
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json<MemberBilling>().tier).toBeUndefined();
    expect(removed.json<MemberBilling>().version).toBe(2);
    expect((await api.store.billingProfiles.get(api.gardenId, member.id)).tier).toBeUndefined();
  });

  it('keeps a tier households hold from being deleted (422, nothing changed), then lets it go', async () => {
    const member = await api.createMember({ firstName: 'Rosa', lastName: 'Bonheur' });
    const given = await api.call(api.accounts.staff, 'PUT', tierUrl(member.id), {
      tierId: 'etudiant',
      reason: 'Étudiante boursière',
      version: 0,
    });
    expect(given.statusCode, given.body).toBe(200);
    const before = await readPricing();
    const { version, ...input } = before;
    const withoutStudents = {
      ...input,
      solidarityTiers: input.solidarityTiers.filter((tier) => tier.id !== 'etudiant'),
      version,
    };
    const refused = await api.call(gardenAdmin, 'PUT', pricingUrl(), withoutStudents);
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json<{ message: string }>().message).toBe(
      "Le tarif « Tarif étudiant » est attribué à un foyer : retirez-le d'abord de leur fiche, puis supprimez-le.",
    );
    expect(await readPricing()).toEqual(before);

    await api.call(api.accounts.staff, 'PUT', tierUrl(member.id), { tierId: null, version: 1 });
    const deleted = await api.call(gardenAdmin, 'PUT', pricingUrl(), withoutStudents);
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json<Pricing>().solidarityTiers.map((tier) => tier.id)).toEqual(['solidaire']);
  });

  it('sets up the monthly billing run on the 1st once the garden has saved its pricing', async () => {
    const schedule = await api.client.schedule.getHandle(billingScheduleId(api.gardenId)).describe();
    expect(schedule.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'billingRunTrigger' });
  });

  it('refuses a tier without a reason, an unknown tier, a stale version or an unknown member, changing nothing', async () => {
    const member = await api.createMember({ firstName: 'Camille', lastName: 'Claudel' });
    const refusals: Array<[Record<string, unknown>, number, string | RegExp, string?]> = [
      // Well-formed but refused by the garden's rules: 422 (a malformed tier code is 400).
      [{ tierId: 'solidaire', version: 0 }, 422, '« Motif » est obligatoire', 'reason'],
      [{ tierId: 'solidaire', reason: '   ', version: 0 }, 422, '« Motif » est obligatoire', 'reason'],
      [
        { tierId: 'platine', reason: 'Ami du jardin', version: 0 },
        422,
        "Le tarif solidaire « platine » n'existe pas dans les tarifs du jardin (tarifs : « Tarif solidaire »).",
        'tierId',
      ],
      [{ tierId: 'Tarif Solidaire!', reason: 'x', version: 0 }, 400, /« Tarif solidaire »/],
      [{ tierId: 'solidaire', reason: 'CAF', version: 3 }, 409, /^Quelqu'un d'autre a modifié cette fiche/],
    ];
    for (const [body, status, message, field] of refusals) {
      const response = await api.call(api.accounts.staff, 'PUT', tierUrl(member.id), body);
      expect(response.statusCode, response.body).toBe(status);
      const answer = response.json<{ message: string; issues?: Array<{ field: string }> }>();
      if (typeof message === 'string') expect(answer.message).toContain(message);
      else expect(answer.message).toMatch(message);
      if (field) expect(answer.issues?.[0]?.field).toBe(field);
    }
    const unknown = await api.call(api.accounts.staff, 'PUT', tierUrl('m-personne'), {
      tierId: 'solidaire',
      reason: 'CAF',
      version: 0,
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json()).toMatchObject({ message: 'Adhérent introuvable.' });
    expect((await api.store.billingProfiles.get(api.gardenId, 'm-personne')).version).toBe(0);

    // Members (even for themselves), drivers and other gardens cannot give a tier.
    for (const [account, memberId] of [
      [api.accounts.member, api.member.id],
      [api.accounts.member, member.id],
      [api.accounts.driver, member.id],
      [api.accounts.otherStaff, member.id],
    ] as const) {
      const response = await api.call(account, 'PUT', tierUrl(memberId), {
        tierId: 'solidaire',
        reason: 'Moi-même',
        version: 0,
      });
      expect(response.statusCode, response.body).toBe(403);
    }
    for (const memberId of [member.id, api.member.id]) {
      const profile = await api.store.billingProfiles.get(api.gardenId, memberId);
      expect(profile).toEqual({ gardenId: api.gardenId, memberId, version: 0 });
    }
  });
});
