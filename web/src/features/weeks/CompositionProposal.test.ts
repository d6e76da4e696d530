import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Product } from '../../../../domain/products.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi, type StubHandler } from '../../testing/api-stub.ts';
import { useProductStore } from '../products/products-store.ts';
import CompositionProposal from './CompositionProposal.vue';

const product = (id: string, name: string, unit: Product['unit']): Product => ({
  id,
  name,
  unit,
  active: true,
  gardenId: 'val-du-doubs',
  version: 1,
});
const catalogue = [
  product('p-carottes', 'Carottes', 'kg'),
  product('p-poireaux', '<b>Poireaux</b>', 'bunch'),
];
const proposal = {
  baskets: { small: [{ productId: 'p-carottes', quantity: 0.8 }], medium: [], large: [] },
  leftovers: [],
  source: 'built-in',
};

async function mounted(answer: StubHandler, counted = true) {
  const api = stubApi((call) => (call.path.endsWith('/products') ? { body: catalogue } : answer(call)));
  const pinia = signedIn();
  await useProductStore().load();
  const wrapper = mount(CompositionProposal, {
    props: { week: '2026-W50', counted },
    global: { plugins: [pinia, i18n] },
  });
  await flushPromises();
  return { api, wrapper };
}

describe('« Proposer une composition »', () => {
  beforeEach(() => setLocale('fr'));
  afterEach(() => vi.unstubAllGlobals());

  it('sends the harvest estimate typed, in each product’s unit, and hands the proposal on', async () => {
    const { api, wrapper } = await mounted(() => ({ body: proposal }));
    expect(wrapper.text()).toContain('Proposer une composition');
    // Names are text, never HTML.
    expect(wrapper.text()).toContain('<b>Poireaux</b> (botte');
    await wrapper.get('[data-product="p-carottes"]').setValue('12,5');
    await wrapper.get('[data-testid="propose-composition"]').trigger('submit');
    await flushPromises();
    const sent = api.calls.find((call) => call.method === 'POST');
    expect(sent?.path).toBe('/api/gardens/val-du-doubs/weeks/2026-W50/composition/proposal');
    expect(sent?.body).toEqual({ harvest: [{ productId: 'p-carottes', quantity: 12.5 }] });
    expect(wrapper.emitted('proposed')).toEqual([[proposal]]);
    expect(wrapper.find('[data-testid="proposal-failure"]').exists()).toBe(false);
  });

  it('says when the garden’s extension failed and the default sharing answered', async () => {
    const { wrapper } = await mounted(() => ({
      body: {
        ...proposal,
        extension: { name: 'compo-maison', version: '1.0.0' },
        failure: { kind: 'trap', message: 'unreachable' },
      },
    }));
    await wrapper.get('[data-product="p-poireaux"]').setValue('20');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="proposal-failure"]').text()).toContain(
      'L’extension du jardin (compo-maison) n’a pas répondu correctement',
    );
    expect(wrapper.emitted('proposed')).toHaveLength(1);
  });

  it('asks for a harvest first, and refuses a quantity that is not a number, sending nothing', async () => {
    const { api, wrapper } = await mounted(() => ({ body: proposal }));
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid="proposal-problem"]').text()).toBe(
      'Indiquez la récolte prévue d’au moins un produit.',
    );
    await wrapper.get('[data-product="p-carottes"]').setValue('beaucoup');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="proposal-problem"]').text()).toContain('Carottes');
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(0);
    expect(wrapper.emitted('proposed')).toBeUndefined();
  });

  it('waits for the week’s baskets to be counted', async () => {
    const { wrapper } = await mounted(() => ({ body: proposal }), false);
    expect(wrapper.get('[data-testid="proposal-not-counted"]').text()).toContain('pas encore comptés');
    expect(wrapper.get('[data-testid="propose-composition"]').attributes('disabled')).toBeDefined();
  });

  it('shows the API’s refusal in its words', async () => {
    const { wrapper } = await mounted(() => ({
      status: 422,
      body: { error: 'refused', message: 'Les paniers de cette semaine ne sont pas encore comptés.' },
    }));
    await wrapper.get('[data-product="p-carottes"]').setValue('3');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="proposal-problem"]').text()).toBe(
      'Les paniers de cette semaine ne sont pas encore comptés.',
    );
  });
});
