import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Product } from '../../../../domain/products.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { useProductStore } from './products-store.ts';

const aProduct = (overrides: Partial<Product> = {}): Product => ({
  id: 'p-carotte',
  gardenId: 'val-du-doubs',
  name: 'Carottes',
  unit: 'kg',
  active: true,
  version: 1,
  ...overrides,
});

describe('product store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the catalogue once, by name, and offers only what is still grown', async () => {
    const api = stubApi(() => ({
      body: [
        aProduct({ id: 'p-poireau', name: 'Poireaux', unit: 'bunch' }),
        aProduct(),
        aProduct({ id: 'p-ail', name: 'Ail', active: false }),
      ],
    }));
    const products = useProductStore();
    await Promise.all([products.load(), products.load()]);
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/products');
    expect(products.sorted.map((product) => product.name)).toEqual(['Ail', 'Carottes', 'Poireaux']);
    expect(products.grown.map((product) => product.id)).toEqual(['p-carotte', 'p-poireau']);
    expect(products.byId.get('p-ail')?.active).toBe(false);
  });

  it('adds a product and changes one with the version read', async () => {
    const api = stubApi((call) => {
      if (call.method === 'POST')
        return { status: 201, body: aProduct({ id: 'p-new', name: 'Courge', unit: 'piece' }) };
      if (call.method === 'PUT') return { body: aProduct({ name: 'Carottes nouvelles', version: 2 }) };
      return { body: [aProduct()] };
    });
    const products = useProductStore();
    await products.load();
    await products.create({ name: 'Courge', unit: 'piece', active: true });
    await products.update('p-carotte', { name: 'Carottes nouvelles', unit: 'kg', active: true }, 1);
    expect(api.calls[2]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/products/p-carotte',
      body: { name: 'Carottes nouvelles', unit: 'kg', active: true, version: 1 },
    });
    expect(products.sorted.map((product) => [product.name, product.version])).toEqual([
      ['Carottes nouvelles', 2],
      ['Courge', 1],
    ]);
  });

  it('keeps the product as it was when the change is refused', async () => {
    stubApi((call) =>
      call.method === 'PUT'
        ? { status: 409, body: { error: 'conflict', message: 'Modifié entre-temps.' } }
        : { body: [aProduct()] },
    );
    const products = useProductStore();
    await products.load();
    await expect(
      products.update('p-carotte', { name: 'X', unit: 'kg', active: false }, 1),
    ).rejects.toMatchObject({
      status: 409,
    });
    expect(products.byId.get('p-carotte')?.name).toBe('Carottes');
  });
});
