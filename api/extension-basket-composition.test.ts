import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtInBasketComposition,
  type BasketCompositionInput,
} from '../domain/extensions/basket-composition.ts';
import { defaultPricing } from '../domain/pricing.ts';
import type { Product } from '../domain/products.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload } from '../tests/support/extensions.ts';

/**
 * « Proposer une composition »: staff give the week's harvest estimate, the garden's
 * basket-composition hook proposes each size's lines (the built-in sharing when the garden has
 * no extension, or when its extension fails); nothing is saved until staff save it.
 */
describe('a proposed composition through the basket-composition hook', () => {
  let api: TestApi;
  // A fixed week: the test counts its baskets itself, no preparation runs.
  const week = '2031-W10';
  const counts = { small: 4, medium: 6, large: 2 };
  const products: Record<string, Product> = {};
  const admin = { by: { userId: 'u-admin', name: 'Admin' }, at: new Date().toISOString() };

  beforeAll(async () => {
    api = await startTestApi('ext-basket');
    for (const [key, name, unit] of [
      ['carrots', 'Carottes', 'kg'],
      ['leeks', 'Poireaux', 'bunch'],
      ['squash', 'Courge', 'piece'],
    ] as const) {
      const created = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/products`, {
        name,
        unit,
        active: true,
      });
      expect(created.statusCode, created.body).toBe(201);
      products[key] = created.json<Product>();
    }
    await api.store.weeks.saveSummary({
      gardenId: api.gardenId,
      week,
      counts: { total: counts, byDepot: { [api.depotId]: counts } },
      overCapacity: [],
      absences: 0,
      documents: [],
      updatedAt: new Date().toISOString(),
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  const url = (which = week) => `/api/gardens/${api.gardenId}/weeks/${which}/composition/proposal`;
  const harvest = () => [
    { productId: products.carrots!.id, quantity: 30 },
    { productId: products.leeks!.id, quantity: 15 },
    { productId: products.squash!.id, quantity: 7 },
  ];
  const expected = () => {
    const input: BasketCompositionInput = {
      week,
      basketCounts: counts,
      basketPrices: defaultPricing.basketPrices,
      harvest: harvest().map((line) => {
        const product = Object.values(products).find((candidate) => candidate.id === line.productId)!;
        return { ...line, name: product.name, unit: product.unit };
      }),
    };
    return builtInBasketComposition(input);
  };

  it('proposes the built-in sharing without an extension, in the shape staff edit, saving nothing', async () => {
    const response = await api.call(api.accounts.staff, 'POST', url(), { harvest: harvest() });
    expect(response.statusCode, response.body).toBe(200);
    const proposal = response.json<{ baskets: unknown; leftovers: unknown; source: string }>();
    expect(proposal).toEqual({ ...expected(), source: 'built-in' });
    expect(proposal.baskets).toMatchObject({
      small: expect.arrayContaining([{ productId: products.carrots!.id, quantity: expect.any(Number) }]),
      large: expect.any(Array),
    });
    expect(await api.store.weeks.composition(api.gardenId, week)).toBeUndefined();
  });

  it('refuses what it cannot propose from, in French', async () => {
    const member = await api.call(api.accounts.member, 'POST', url(), { harvest: harvest() });
    expect(member.statusCode).toBe(403);
    const uncounted = await api.call(
      api.accounts.staff,
      'POST',
      url('2031-W11'),
      { harvest: harvest() },
      {
        'accept-language': 'fr',
      },
    );
    expect(uncounted.statusCode, uncounted.body).toBe(422);
    expect(uncounted.json<{ message: string }>().message).toMatch(/pas encore comptés/);
    const unknown = await api.call(api.accounts.staff, 'POST', url(), {
      harvest: [{ productId: 'p-inconnu', quantity: 3 }],
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    const twice = await api.call(
      api.accounts.staff,
      'POST',
      url(),
      { harvest: [...harvest(), harvest()[0]] },
      { 'accept-language': 'fr' },
    );
    expect(twice.statusCode, twice.body).toBe(400);
    expect(twice.json<{ message: string }>().message).toContain('Carottes figure deux fois');
    const negative = await api.call(api.accounts.staff, 'POST', url(), {
      harvest: [{ productId: products.carrots!.id, quantity: -1 }],
    });
    expect(negative.statusCode).toBe(400);
  });

  it('falls back to the built-in proposal when the garden’s extension fails, and says so', async () => {
    // A version whose module traps (the hostile sample's code), claimed for basket-composition.
    const broken = await sampleUpload('hostile-trap');
    const manifest = { ...broken.manifest, name: 'composition-cassee', hooks: ['basket-composition'] };
    const catalogue = api.app.extensions!.catalogue;
    await catalogue.upload(api.gardenId, { ...broken, manifest, testVectors: {} }, admin);
    await catalogue.activate(api.gardenId, 'composition-cassee', manifest.version, { at: admin.at });
    api.app.extensions!.runner.forget(api.gardenId);

    const response = await api.call(api.accounts.staff, 'POST', url(), { harvest: harvest() });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      ...expected(),
      source: 'built-in',
      extension: { name: 'composition-cassee', version: manifest.version },
      failure: { kind: expect.any(String), message: expect.any(String) },
    });
    await api.app.extensions!.runner.flush();
    const figures = await catalogue.records.callFigures(api.gardenId, 'composition-cassee', manifest.version);
    expect(figures).toMatchObject({ calls: 1, failures: 1 });
  });
});
