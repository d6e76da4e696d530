import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { gardenId, signedIn, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import ErasureCard from './ErasureCard.vue';
import type { Erasure } from './erasure-api.ts';

const memberId = 'm-rose';
const erasurePath = `/api/gardens/${gardenId}/members/${memberId}/erasure`;

/** The API as staff reach it: the member's request as `state` holds it; a POST records one. */
function erasureApi(initial: Erasure, answerToAsk?: { status: number; body: unknown }) {
  const state = { erasure: initial };
  const api = stubApi((call: ApiCall) => {
    if (call.path !== erasurePath) return { status: 404, body: { message: 'not here' } };
    if (call.method === 'POST') {
      if (answerToAsk) return answerToAsk;
      state.erasure = {
        status: 'awaiting-staff',
        reference: 'EFF-7K3Q2M',
        requestedAt: '2026-12-07T09:00:00.000Z',
        requestedBy: 'staff',
      };
      return { status: 202, body: state.erasure };
    }
    const { erasure } = state;
    return {
      body:
        erasure.status === 'awaiting-staff'
          ? { ...erasure, blockers: { unpaidInvoices: [], runningSubscriptions: [] } }
          : erasure,
    };
  });
  return { state, calls: api.calls };
}

async function openCard() {
  setLocale('fr');
  const pinia = signedIn();
  const wrapper = mount(ErasureCard, {
    props: { memberId },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

describe('the erasure card on a member’s page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('records a request the member made by letter or phone, after a confirmation, then shows what is owed', async () => {
    const { calls } = erasureApi({ status: 'none' });
    const wrapper = await openCard();
    const card = wrapper.get('[data-testid="erasure-card"]');
    expect(card.get('h2').text()).toBe('Effacement des données (RGPD)');
    expect(calls.filter((call) => call.method === 'POST')).toEqual([]);

    await card.get('[data-testid="erasure-staff-ask"]').trigger('click');
    const dialog = wrapper.get('[data-testid="erasure-ask-dialog"]');
    expect(dialog.text()).toContain('Enregistrez-la seulement si l’adhérent l’a demandée.');
    await dialog.get('form').trigger('submit');
    await flushPromises();

    expect(calls.filter((call) => call.method === 'POST').map((call) => call.path)).toEqual([erasurePath]);
    expect(wrapper.emitted('decided')).toHaveLength(1);
    expect(wrapper.find('[data-testid="erasure-ask-dialog"]').exists()).toBe(false);
    expect(wrapper.get('h2').text()).toBe('Demande d’effacement (RGPD)');
    expect(wrapper.get('[data-testid="erasure-blockers"]').text()).toContain('Rien n’est en cours');
    expect(wrapper.find('[data-testid="erasure-staff-confirm"]').exists()).toBe(true);
  });

  it('offers to record a new request after a refusal, and says why one cannot be recorded', async () => {
    erasureApi(
      {
        status: 'refused',
        reference: 'EFF-7K3Q2M',
        requestedAt: '2026-11-02T09:00:00.000Z',
        requestedBy: 'member',
        decidedBy: 'Claire M.',
        refusal: 'Facture de novembre <b>à régler</b>',
      },
      { status: 409, body: { error: 'conflict', message: 'Une demande d’effacement est déjà en cours.' } },
    );
    const wrapper = await openCard();
    // The reason is text, never markup.
    expect(wrapper.get('[data-testid="erasure-card-refused"]').text()).toContain(
      '« Facture de novembre <b>à régler</b> »',
    );
    await wrapper.get('[data-testid="erasure-staff-ask"]').trigger('click');
    await wrapper.get('[data-testid="erasure-ask-dialog"] form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[data-testid="erasure-card-problem"]').text()).toBe(
      'Une demande d’effacement est déjà en cours.',
    );
    expect(wrapper.emitted('decided')).toBeUndefined();
  });
});
