import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { demoPaymentMeans } from '../demo/demo-payment-means.ts';
import { createTestGarden, testStore } from '../../tests/support/environment.ts';
import { seedPaymentMeans } from './seed-payment-means.ts';

/** The demo's saved cards and SEPA mandates: a third of the households, saved once. */
describe('demo payment means', () => {
  let store: Store;
  let gardenId: string;
  const ids = Array.from({ length: 60 }, (_, index) => `m-demo-${String(index + 1).padStart(4, '0')}`);

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'demo-payment-means'));
    for (const [index, id] of ids.entries()) {
      await store.members.create(
        gardenId,
        id,
        { firstName: 'Foyer', lastName: `Démo${index + 1}` },
        '2026-01-01T10:00:00.000Z',
      );
    }
  });

  afterAll(() => {
    store?.close();
  });

  it('gives a third of the households a card or mandate, mostly SEPA, none to the demo member', () => {
    const means = ids.map(demoPaymentMeans).filter((found) => found !== undefined);
    expect(means).toHaveLength(20);
    expect(demoPaymentMeans('m-demo-0001')).toBeUndefined();
    const sepa = means.filter((found) => found.paymentMethod.kind === 'sepa');
    expect(sepa.length).toBeGreaterThan(10);
    expect(sepa.length).toBeLessThan(20);
    // As the Stripe adapter words them, and never Stripe's own test ids.
    for (const { stripeCustomerId, paymentMethod } of means) {
      expect(paymentMethod.label).toMatch(/^(IBAN FR •••• \d{4}|Visa •••• 4242|Mastercard •••• 4444)$/);
      expect(stripeCustomerId).toMatch(/^cus_demo_/);
    }
    expect(new Set(means.map((found) => found.paymentMethod.id)).size).toBe(20);
    expect(demoPaymentMeans('m-vesoul-0002')?.paymentMethod.kind).toBe('sepa');
  });

  it('saves them once: a second seeding changes nothing, a card removed stays removed', async () => {
    expect(await seedPaymentMeans(store, gardenId, ids)).toBe(20);
    const withMeans = await store.billingProfiles.withPaymentMethod(gardenId);
    expect(withMeans.size).toBe(20);
    const before = await Promise.all(ids.map((id) => store.billingProfiles.get(gardenId, id)));

    // The household m-demo-0002 removes its mandate (the profile keeps its Stripe customer).
    const removed = await store.billingProfiles.get(gardenId, 'm-demo-0002');
    await store.billingProfiles.save(removed, { paymentMethod: undefined });

    expect(await seedPaymentMeans(store, gardenId, ids)).toBe(0);
    const after = await Promise.all(ids.map((id) => store.billingProfiles.get(gardenId, id)));
    expect(after.filter((profile) => profile.memberId !== 'm-demo-0002')).toEqual(
      before.filter((profile) => profile.memberId !== 'm-demo-0002'),
    );
    expect(after.find((profile) => profile.memberId === 'm-demo-0002')?.paymentMethod).toBeUndefined();
  });

  it('gives nothing to a household that does not exist', async () => {
    expect(await seedPaymentMeans(store, gardenId, ['m-demo-0062'])).toBe(0);
    expect((await store.billingProfiles.get(gardenId, 'm-demo-0062')).version).toBe(0);
  });
});
