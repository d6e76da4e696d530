import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import type { SolidarityProposal } from '../domain/subscription.ts';
import type { SubscriptionView } from '../domain/views.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload } from '../tests/support/extensions.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';

/**
 * The solidarity-price hook where it is called: at sign-up (the household's quotient familial
 * gives a proposed tier, kept with the application) and when staff assign a tier (the proposal,
 * staff decide). Val du Doubs' quotient-familial, no extension, and a module that traps.
 */
describe('the solidarity-price extension at sign-up and when staff assign tiers', () => {
  let api: TestApi;
  const made: TestAccount[] = [];
  const today = gardenDay(new Date());
  const admin = { by: { userId: 'u-admin', name: 'Admin' }, at: new Date().toISOString() };

  beforeAll(async () => {
    api = await startTestApi('ext-solidarity');
    const catalogue = api.app.extensions!.catalogue;
    await catalogue.upload(api.gardenId, await sampleUpload('quotient-familial'), admin);
    await catalogue.upload(api.gardenId, await sampleUpload('hostile-trap'), admin);
  }, 120_000);
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
  });

  const tuesdayFrom = (day: string) => {
    let current = day;
    while (new Date(`${current}T00:00:00Z`).getUTCDay() !== 2) current = addDays(current, 1);
    return current;
  };
  async function apply(quotientFamilial?: number): Promise<SubscriptionView> {
    const account = await createAccount({ firstName: 'Gisèle', lastName: 'Halimi' });
    made.push(account);
    const response = await api.call(
      account,
      'POST',
      `/api/gardens/${api.gardenId}/applications`,
      {
        household: {
          firstName: 'Gisèle',
          lastName: 'Halimi',
          email: uniqueEmail('ext-solidarity'),
          address: { street: '4 rue Battant', postalCode: '25000', city: 'Besançon' },
          householdSize: 3,
        },
        subscription: {
          basketSize: 'medium',
          frequency: 'weekly',
          depotId: api.depotId,
          startDate: tuesdayFrom(addDays(today, 10)),
        },
        consent: true,
        ...(quotientFamilial === undefined ? {} : { quotientFamilial }),
      },
      { 'accept-language': 'fr' },
    );
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ subscription: SubscriptionView }>().subscription;
  }
  /** What staff read of the application, and the proposal when they assign the tier. */
  async function staffSee(subscription: SubscriptionView) {
    const read = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/subscriptions/${subscription.id}`,
    );
    expect(read.statusCode, read.body).toBe(200);
    const proposal = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members/${subscription.memberId}/pricing-tier/proposal`,
    );
    expect(proposal.statusCode, proposal.body).toBe(200);
    return {
      kept: read.json<SubscriptionView>().solidarityProposal,
      proposed: proposal.json<{ proposal: SolidarityProposal | null; subscriptionId?: string }>(),
    };
  }

  it('proposes full price without an extension (built-in), keeping the quotient given', async () => {
    const subscription = await apply(640);
    const builtIn = {
      tierId: null,
      basketPrice: 1700,
      reason: {
        fr: 'Tarif plein : l’équipe du jardin peut accorder un tarif solidaire.',
        en: 'Full price: the garden staff may give a solidarity tier.',
      },
      quotientFamilial: 640,
      source: 'built-in',
    };
    expect(subscription.solidarityProposal).toEqual(builtIn);
    const { kept, proposed } = await staffSee(subscription);
    expect(kept).toEqual(builtIn);
    expect(proposed).toEqual({ proposal: builtIn, subscriptionId: subscription.id });
  });

  it("proposes the extension's tier at sign-up and to staff, who still decide", async () => {
    await api.app.extensions!.catalogue.activate(api.gardenId, 'quotient-familial', '1.0.0', {
      at: admin.at,
    });
    const subscription = await apply(640);
    const solidaire = {
      tierId: 'solidaire',
      basketPrice: 850,
      reason: {
        fr: 'Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire.',
        en: 'Quotient familial of €640 (up to €700): Tarif solidaire.',
      },
      quotientFamilial: 640,
      source: 'extension',
      extension: { name: 'quotient-familial', version: '1.0.0' },
    };
    expect(subscription.solidarityProposal).toEqual(solidaire);
    const { kept, proposed } = await staffSee(subscription);
    expect(kept).toEqual(solidaire);
    expect(proposed).toEqual({ proposal: solidaire, subscriptionId: subscription.id });

    // Only a proposal: the household has no tier until staff give one.
    const billing = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/members/${subscription.memberId}/billing`,
    );
    expect(billing.json<{ tier?: unknown }>().tier).toBeUndefined();

    // A household without a quotient: full price, said by the extension.
    const without = await apply();
    expect(without.solidarityProposal).toMatchObject({
      tierId: null,
      basketPrice: 1700,
      source: 'extension',
      reason: { fr: 'Quotient familial non communiqué : tarif plein.' },
    });
  });

  it('falls back to the built-in proposal when the module traps, and counts it', async () => {
    const catalogue = api.app.extensions!.catalogue;
    await catalogue.activate(api.gardenId, 'hostile-trap', '1.0.0', { at: admin.at });
    const subscription = await apply(640);
    expect(subscription.solidarityProposal).toMatchObject({
      tierId: null,
      basketPrice: 1700,
      quotientFamilial: 640,
      source: 'built-in',
      extension: { name: 'hostile-trap', version: '1.0.0' },
      failure: { kind: 'trap' },
    });
    const { proposed } = await staffSee(subscription);
    expect(proposed.proposal).toMatchObject({ tierId: null, source: 'built-in', failure: { kind: 'trap' } });

    await api.app.extensions!.runner.flush();
    expect(await catalogue.records.callFigures(api.gardenId, 'hostile-trap', '1.0.0')).toMatchObject({
      calls: 2,
      failures: 2,
    });
  });

  it('refuses a quotient familial that is not one, in French', async () => {
    const account = await createAccount({ firstName: 'Gisèle', lastName: 'Halimi' });
    made.push(account);
    const response = await api.call(
      account,
      'POST',
      `/api/gardens/${api.gardenId}/applications`,
      {
        subscription: {
          basketSize: 'medium',
          frequency: 'weekly',
          depotId: api.depotId,
          startDate: tuesdayFrom(addDays(today, 10)),
        },
        consent: true,
        quotientFamilial: -5,
      },
      { 'accept-language': 'fr' },
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ message: string }>().message).toMatch(/^« Quotient familial » /);
  });
});
