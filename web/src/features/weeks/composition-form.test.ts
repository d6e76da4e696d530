import { describe, expect, it } from 'vitest';
import type { Product } from '../../../../domain/products.ts';
import { checkCompositionForm, compositionFormOf, liveHarvest, newLine } from './composition-form.ts';

const products = new Map<string, Pick<Product, 'name' | 'unit'>>([
  ['p-carotte', { name: 'Carottes', unit: 'kg' }],
  ['p-poireau', { name: 'Poireaux', unit: 'bunch' }],
  ['p-courge', { name: 'Courge', unit: 'piece' }],
]);

const words = {
  labels: { productId: 'Produit', quantity: 'Quantité' },
  quantityNumber: '« Quantité » doit être un nombre, par exemple 1,5.',
  quantityPositive: '« Quantité » doit être supérieure à 0.',
};

describe('composition form', () => {
  it('shows quantities the French way and reads them back', () => {
    const form = compositionFormOf(
      { small: [{ productId: 'p-carotte', quantity: 0.5 }], medium: [], large: [] },
      'fr',
    );
    expect(form.small.map((line) => [line.productId, line.quantity])).toEqual([['p-carotte', '0,5']]);
    const check = checkCompositionForm(form, 'fr', words);
    expect(check).toEqual({
      ok: true,
      input: { small: [{ productId: 'p-carotte', quantity: 0.5 }], medium: [], large: [] },
    });
  });

  it('adds up the harvest as one types, leaving out lines not finished yet', () => {
    const form = compositionFormOf(undefined, 'fr');
    form.small.push(newLine('p-carotte', '0,5'));
    form.medium.push(newLine('p-carotte', '1'), newLine('p-poireau', '1'), newLine('', '3'));
    form.large.push(newLine('p-carotte', '1,5'), newLine('p-courge', 'un'));
    const totals = liveHarvest(form, { small: 3, medium: 2, large: 2 }, products);
    // Carrots: 3 × 0.5 + 2 × 1 + 2 × 1.5 = 6.5 kg.
    expect(totals).toEqual([
      { productId: 'p-carotte', name: 'Carottes', unit: 'kg', quantity: 6.5 },
      { productId: 'p-poireau', name: 'Poireaux', unit: 'bunch', quantity: 2 },
    ]);
  });

  it('refuses each wrong line beside its field, in the API’s words', () => {
    const form = compositionFormOf(undefined, 'fr');
    const noProduct = newLine('', '2');
    const notNumber = newLine('p-courge', 'deux');
    const zero = newLine('p-carotte', '0');
    const tooMuch = newLine('p-poireau', '1500');
    const empty = newLine('p-poireau', '');
    form.small.push(noProduct, notNumber);
    form.large.push(zero, tooMuch, empty);
    const check = checkCompositionForm(form, 'fr', words);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.lines).toEqual([
      { size: 'small', key: noProduct.key, field: 'productId', message: '« Produit » est obligatoire.' },
      { size: 'small', key: notNumber.key, field: 'quantity', message: words.quantityNumber },
      { size: 'large', key: zero.key, field: 'quantity', message: words.quantityPositive },
      {
        size: 'large',
        key: tooMuch.key,
        field: 'quantity',
        message: '« Quantité » ne peut pas dépasser 1000.',
      },
      { size: 'large', key: empty.key, field: 'quantity', message: '« Quantité » est obligatoire.' },
    ]);
  });
});
