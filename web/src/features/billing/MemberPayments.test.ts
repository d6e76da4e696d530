import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPricing } from '../../../../domain/pricing.ts';
import type { InvoiceView } from './billing-api.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { signedIn, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import { aBilling, anInvoice } from './billing-fixtures.ts';
import MemberPayments from './MemberPayments.vue';

/** The API for one household: a 45 € invoice, paid as payments arrive. */
function householdApi() {
  let invoice: InvoiceView = anInvoice();
  return stubApi((call: ApiCall) => {
    if (call.path.endsWith('/pricing')) return { body: defaultPricing };
    if (call.method === 'POST' && call.path.endsWith('/payments')) {
      const { amount } = call.body as { amount: number };
      const paid = invoice.paid + amount;
      invoice = {
        ...invoice,
        paid,
        outstanding: invoice.total - paid,
        status: paid === invoice.total ? 'paid' : 'open',
        payments: [
          ...invoice.payments,
          {
            ...(call.body as { method: 'cheque'; amount: number; receivedOn: string }),
            id: `p-${invoice.payments.length + 1}`,
            recorded: { by: { userId: 'u', name: 'Claire Martin' }, at: '2026-12-20T10:00:00Z' },
          },
        ],
      };
      return { status: 201, body: invoice };
    }
    return { body: aBilling({ invoices: [invoice] }) };
  });
}

describe('payments on a member page', () => {
  beforeEach(() => {
    setLocale('fr');
    vi.useFakeTimers({ now: new Date('2026-12-20T10:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  async function mountSection() {
    const pinia = signedIn();
    const api = householdApi();
    const wrapper = mount(MemberPayments, {
      props: { memberId: 'm-0001' },
      global: { plugins: [pinia, i18n] },
      attachTo: document.body,
    });
    await flushPromises();
    return { wrapper, api };
  }

  it('records a partial cheque and shows the new balance at once', async () => {
    const { wrapper, api } = await mountSection();
    const balance = () => wrapper.get('[data-testid="balance-due"]').text();
    expect(balance()).toBe('45,00\u00a0€');

    await wrapper.get('[data-testid="record-payment"]').trigger('click');
    const dialog = wrapper.get('[data-testid="payment-dialog"]');
    expect(dialog.get<HTMLInputElement>('[data-testid="payment-amount"]').element.value).toBe('45,00');
    await dialog.get('[data-testid="payment-amount"]').setValue('20');
    await dialog.get('[data-testid="confirm-payment"]').trigger('submit');
    // A cheque needs its number: nothing sent.
    expect(dialog.get('[data-testid="field-error-reference"]').text()).toBe('Indiquez le numéro du chèque.');
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(0);

    await dialog.get('[data-testid="payment-reference"]').setValue('0042');
    await dialog.get('[data-testid="payment-bank"]').setValue('La Poste');
    await dialog.get('form').trigger('submit');
    await flushPromises();
    const sent = api.calls.find((call) => call.method === 'POST');
    expect(sent?.body).toEqual({
      method: 'cheque',
      amount: 2000,
      receivedOn: '2026-12-20',
      reference: '0042',
      bank: 'La Poste',
    });
    expect(sent?.headers.get('Idempotency-Key')).toMatch(/^pay-/);
    expect(wrapper.find('[data-testid="payment-dialog"]').exists()).toBe(false);
    expect(balance()).toBe('25,00\u00a0€');
    expect(wrapper.get('[data-testid="invoice-payment"]').text()).toContain(
      'Chèque · 20,00\u00a0€ · 0042 (La Poste)',
    );
  });

  it('offers a decision only on an invoice that awaits one, suspended deliveries included', async () => {
    const pinia = signedIn();
    stubApi((call) =>
      call.path.endsWith('/pricing')
        ? { body: defaultPricing }
        : {
            body: aBilling({
              invoices: [
                anInvoice({
                  collection: {
                    phase: 'awaiting-decision',
                    attempts: 3,
                    lastFailure: { fr: 'Provision insuffisante.', en: 'Insufficient funds.' },
                  },
                }),
                anInvoice({
                  number: 41,
                  label: 'F-000041',
                  collection: { phase: 'waiting-retry', attempts: 1 },
                }),
                anInvoice({
                  number: 40,
                  label: 'F-000040',
                  collection: {
                    phase: 'suspended',
                    attempts: 3,
                    decision: {
                      decision: 'suspend',
                      reason: 'Trois relances sans réponse',
                      by: { userId: 'u', name: 'Claire Martin' },
                      at: '2026-12-20T10:00:00Z',
                    },
                  },
                }),
                anInvoice({
                  number: 39,
                  label: 'F-000039',
                  status: 'written-off',
                  writtenOff: {
                    by: { userId: 'u', name: 'Claire Martin' },
                    at: '2026-12-21T10:00:00Z',
                    reason: 'Famille partie sans adresse',
                  },
                }),
              ],
            }),
          },
    );
    const wrapper = mount(MemberPayments, {
      props: { memberId: 'm-0001' },
      global: { plugins: [pinia, i18n] },
    });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="billing-invoice"]');
    expect(rows[0]?.find('[data-testid="decide-invoice"]').exists()).toBe(true);
    expect(rows[0]?.get('[data-testid="invoice-phase"]').text()).toContain('Décision de l’équipe attendue');
    expect(rows[0]?.get('[data-testid="invoice-phase"]').text()).toContain(
      'Dernier refus : Provision insuffisante.',
    );
    expect(rows[1]?.find('[data-testid="decide-invoice"]').exists()).toBe(false);

    // Who decided what and why stays in view.
    expect(rows[2]?.get('[data-testid="invoice-decision"]').text()).toBe(
      'Décision : Suspendre les livraisons jusqu’au paiement, « Trois relances sans réponse » (Claire Martin, 20 décembre 2026 à 11:00)',
    );
    expect(rows[3]?.get('[data-testid="invoice-written-off"]').text()).toMatch(
      /^Créance abandonnée par Claire Martin le .+ : « Famille partie sans adresse »$/,
    );
    expect(rows[3]?.find('[data-testid="decide-invoice"]').exists()).toBe(false);

    // Deliveries suspended: staff may still try again, record a payment or write it off.
    await rows[2]?.get('[data-testid="decide-invoice"]').trigger('click');
    const choices = wrapper.findAll('.decision-choice').map((choice) => choice.text());
    expect(choices).toEqual([
      'Réessayer le prélèvement maintenant',
      'Paiement reçu (chèque, espèces, virement)',
      'Abandonner la créance',
    ]);
  });

  it("proposes the extension's tier as the default when staff give one, and sends what staff chose", async () => {
    const pinia = signedIn();
    const api = stubApi((call: ApiCall) => {
      if (call.path.endsWith('/pricing')) return { body: defaultPricing };
      if (call.path.endsWith('/pricing-tier/proposal')) {
        return {
          body: {
            subscriptionId: 'm-0001.2027-01-05',
            proposal: {
              tierId: 'solidaire',
              basketPrice: 850,
              reason: {
                fr: 'Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire.',
                en: 'Quotient familial of €640 (up to €700): Tarif solidaire.',
              },
              quotientFamilial: 640,
              source: 'extension',
              extension: { name: 'quotient-familial', version: '1.0.0' },
            },
          },
        };
      }
      return { body: aBilling() };
    });
    const wrapper = mount(MemberPayments, {
      props: { memberId: 'm-0001' },
      global: { plugins: [pinia, i18n] },
      attachTo: document.body,
    });
    await flushPromises();
    await wrapper.get('[data-testid="change-tier"]').trigger('click');
    await flushPromises();

    expect(
      wrapper
        .get('[data-testid="tier-proposal"]')
        .findAll('p')
        .map((line) => line.text()),
    ).toEqual([
      'Proposition : Tarif solidaire, 8,50\u00a0€ par panier. Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire.',
      'Proposé par l’extension quotient-familial (1.0.0) du jardin : à vous de décider.',
    ]);
    expect(wrapper.get<HTMLSelectElement>('[data-testid="tier-choice"]').element.value).toBe('solidaire');
    expect(wrapper.get<HTMLTextAreaElement>('[data-testid="tier-reason"]').element.value).toBe(
      'Quotient familial de 640 € (jusqu’à 700 €) : Tarif solidaire.',
    );
    // Nothing is given until staff save; they may choose otherwise.
    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
    await wrapper.get('[data-testid="tier-choice"]').setValue('');
    await wrapper.get('[data-testid="tier-form"]').trigger('submit');
    await flushPromises();
    expect(api.calls.find((call) => call.method === 'PUT')?.body).toMatchObject({ tierId: null });
  });
});
