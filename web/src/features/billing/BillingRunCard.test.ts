import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import BillingRunCard from './BillingRunCard.vue';

describe("last month's billing", () => {
  beforeEach(() => {
    setLocale('fr');
    vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('offers to bill the month just ended, bills it, then says what was issued', async () => {
    let billed = false;
    const api = stubApi((call) => {
      if (call.method === 'POST') {
        billed = true;
        return { status: 202, body: { started: true } };
      }
      return billed
        ? { body: { month: '2026-11', phase: 'done', total: 12, done: 12, invoices: [40, 41, 42] } }
        : {
            status: 404,
            body: { error: 'not_found', message: "Le mois 2026-11 n'a pas encore été facturé." },
          };
    });
    const wrapper = mount(BillingRunCard, { global: { plugins: [signedIn(), i18n] } });
    await flushPromises();
    expect(wrapper.text()).toContain('Facturation de novembre 2026');
    expect(wrapper.text()).toContain('novembre 2026 n’est pas encore facturé');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);

    await wrapper.get('[data-testid="start-billing-run"]').trigger('click');
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'POST')?.path).toBe(
      '/api/gardens/val-du-doubs/billing/runs/2026-11',
    );
    expect(wrapper.get('[data-testid="billing-run-done"]').text()).toBe(
      '12 foyers facturés, 3 factures émises (et envoyées au recouvrement).',
    );
    expect(wrapper.emitted('billed')).toHaveLength(1);
    // Said to screen readers too, politely.
    expect(wrapper.get('[data-testid="progress-status"]').attributes('role')).toBe('status');
    expect(wrapper.get('[data-testid="progress-status"]').text()).toBe(
      '12 foyers facturés, 3 factures émises (et envoyées au recouvrement).',
    );
  });

  it('follows a run in progress with its progress bar', async () => {
    stubApi(() => ({ body: { month: '2026-11', phase: 'issuing', total: 40, done: 15, invoices: [] } }));
    const wrapper = mount(BillingRunCard, { global: { plugins: [signedIn(), i18n] } });
    await flushPromises();
    expect(wrapper.text()).toContain('Foyers facturés : 15 sur 40');
    const bar = wrapper.get<HTMLProgressElement>('progress').element;
    expect([bar.max, bar.value]).toEqual([40, 15]);
    expect(wrapper.get('[data-testid="progress-status"]').text()).toBe('Foyers facturés : 15 sur 40');
    expect(wrapper.find('[data-testid="start-billing-run"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('says why when the run cannot start', async () => {
    stubApi((call) =>
      call.method === 'POST'
        ? {
            status: 503,
            body: { error: 'unavailable', message: 'Le traitement ne répond pas pour l’instant.' },
          }
        : { status: 404, body: { error: 'not_found', message: 'Pas encore facturé.' } },
    );
    const wrapper = mount(BillingRunCard, { global: { plugins: [signedIn(), i18n] } });
    await flushPromises();
    await wrapper.get('[data-testid="start-billing-run"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe('Le traitement ne répond pas pour l’instant.');
    expect(wrapper.find('[data-testid="start-billing-run"]').exists()).toBe(true);
  });
});
