import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPricing, type Pricing } from '../../../../domain/pricing.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { usePricingStore } from './pricing-store.ts';

describe('pricing store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  /** The API's pricing: saved only over the version it holds. */
  function pricingApi(start: Pricing = defaultPricing) {
    let current = start;
    return Object.assign(
      stubApi((call) => {
        if (call.method === 'GET') return { body: current };
        const { version, ...input } = call.body as Pricing;
        if (version !== current.version)
          return { status: 409, body: { error: 'conflict', message: 'Modifié.' } };
        current = { ...input, version: version + 1 };
        return { body: current };
      }),
      {
        elsewhere: (changes: Partial<Pricing>) =>
          (current = { ...current, ...changes, version: current.version + 1 }),
      },
    );
  }

  it('reads the pricing once and saves it with the version read', async () => {
    const api = pricingApi();
    const pricing = usePricingStore();
    await pricing.load();
    await pricing.load();
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/pricing');
    const { version: _version, ...input } = defaultPricing;
    await pricing.save({ ...input, membershipFee: 2500 });
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      body: { ...input, membershipFee: 2500, version: 0 },
    });
    expect(pricing.pricing).toMatchObject({ membershipFee: 2500, version: 1 });
  });

  it('flags a change made elsewhere until the pricing is read again', async () => {
    const api = pricingApi();
    const pricing = usePricingStore();
    await pricing.load();
    api.elsewhere({ membershipFee: 3000 });
    const { version: _version, ...input } = defaultPricing;
    await expect(pricing.save(input)).rejects.toMatchObject({ status: 409 });
    expect(pricing.conflict).toBe(true);
    await pricing.load({ force: true });
    expect(pricing.conflict).toBe(false);
    expect(pricing.pricing).toMatchObject({ membershipFee: 3000, version: 1 });
  });

  it('keeps a failed read for the page', async () => {
    stubApi(() => ({ status: 403, body: { error: 'forbidden', message: 'Interdit.' } }));
    const pricing = usePricingStore();
    await pricing.load();
    expect(pricing.error).toBe('Interdit.');
    expect(pricing.pricing).toBeUndefined();
  });
});
