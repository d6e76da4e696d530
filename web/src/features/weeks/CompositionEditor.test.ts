import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Product } from '../../../../domain/products.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { useProductStore } from '../products/products-store.ts';
import CompositionEditor from './CompositionEditor.vue';

const carrots: Product = {
  id: 'p-carottes',
  name: 'Carottes',
  unit: 'kg',
  active: true,
  gardenId: 'val-du-doubs',
  version: 1,
};

describe('the composition editor and « Proposer une composition »', () => {
  beforeEach(() => {
    setLocale('fr');
    localStorage.clear();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('fills the editable composition with the proposal, unsaved, for staff to edit and save', async () => {
    const api = stubApi((call) => {
      if (call.path.endsWith('/products')) return { body: [carrots] };
      if (call.path.endsWith('/composition/proposal')) {
        return {
          body: {
            baskets: {
              small: [{ productId: 'p-carottes', quantity: 0.8 }],
              medium: [{ productId: 'p-carottes', quantity: 1.2 }],
              large: [],
            },
            leftovers: [],
            source: 'extension',
            extension: { name: 'compo-maison', version: '1.0.0' },
          },
        };
      }
      return { status: 404, body: { error: 'not_found', message: 'Introuvable.' } };
    });
    const pinia = signedIn();
    await useProductStore().load();
    const wrapper = mount(CompositionEditor, {
      props: {
        week: '2026-W50',
        view: { week: '2026-W50', overCapacity: [], absences: 0, documents: [] },
        counts: { small: 4, medium: 6, large: 0 },
        locked: false,
      },
      global: { plugins: [pinia, i18n], stubs: { RouterLink: true } },
    });
    await flushPromises();
    expect(wrapper.findAll('[data-testid="composition-line"]')).toHaveLength(0);

    await wrapper.get('[data-product="p-carottes"]').setValue('10');
    await wrapper.get('[data-testid="propose-composition"]').trigger('submit');
    await flushPromises();

    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
    const lines = (size: string) =>
      wrapper
        .findAll(`[data-testid="composition-line"][data-size="${size}"]`)
        .map((line) => [
          (line.get('[data-testid="composition-product"]').element as HTMLSelectElement).value,
          (line.get('[data-testid="composition-quantity"]').element as HTMLInputElement).value,
        ]);
    expect(lines('small')).toEqual([['p-carottes', '0,8']]);
    expect(lines('medium')).toEqual([['p-carottes', '1,2']]);
    expect(lines('large')).toEqual([]);
    expect(wrapper.find('[data-testid="composition-unsaved"]').exists()).toBe(true);
  });
});
