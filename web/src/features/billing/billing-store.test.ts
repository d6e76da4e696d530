import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n/index.ts';
import { deferred, signedIn, staffIdentity, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { aBilling, anInvoice } from './billing-fixtures.ts';
import { useBillingStore } from './billing-store.ts';

describe('billing store', () => {
  beforeEach(() => {
    signedIn();
    setLocale('fr');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it("reads a household's billing, and keeps a failure for the screen", async () => {
    const api = stubApi((call) =>
      call.path.endsWith('/m-0001/billing')
        ? { body: aBilling() }
        : { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } },
    );
    const billing = useBillingStore();
    await billing.load('m-0001');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/members/m-0001/billing');
    expect(billing.stateOf('m-0001').billing?.balance.due).toBe(4500);
    expect(await billing.load('m-0002')).toBeUndefined();
    expect(billing.stateOf('m-0002')).toMatchObject({ loading: false, error: 'Indisponible.' });
  });

  it('updates the invoice and the balance at once from the answer to a payment', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-20T10:00:00Z'), toFake: ['Date'] });
    const other = anInvoice({
      number: 41,
      label: 'F-000041',
      total: 1000,
      outstanding: 1000,
      dueOn: '2026-12-30',
    });
    const api = stubApi((call) => {
      if (call.method === 'GET') return { body: aBilling({ invoices: [anInvoice(), other] }) };
      return {
        status: 201,
        body: anInvoice({
          paid: 2000,
          outstanding: 2500,
          payments: [
            {
              id: 'p-1',
              method: 'cheque',
              amount: 2000,
              receivedOn: '2026-12-20',
              reference: '0042',
              recorded: { by: { userId: 'u', name: 'Claire Martin' }, at: '2026-12-20T10:00:00Z' },
            },
          ],
        }),
      };
    });
    const billing = useBillingStore();
    await billing.load('m-0001');
    const input = { method: 'cheque' as const, amount: 2000, receivedOn: '2026-12-20', reference: '0042' };
    await billing.recordPayment('m-0001', 42, input, 'key-123456789');
    expect(api.calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/gardens/val-du-doubs/invoices/42/payments',
      body: input,
    });
    expect(api.calls[1]?.headers.get('Idempotency-Key')).toBe('key-123456789');
    const state = billing.stateOf('m-0001').billing;
    expect(state?.invoices[0]).toMatchObject({ number: 42, paid: 2000, outstanding: 2500 });
    // 25,00 € left on F-000042 (late), 10,00 € on F-000041 (not due yet).
    expect(state?.balance).toEqual({ due: 3500, overdue: 2500 });
  });

  it('lets the dialog show a refused payment, changing nothing', async () => {
    stubApi((call) =>
      call.method === 'GET'
        ? { body: aBilling() }
        : {
            status: 422,
            body: { error: 'refused', message: 'Le montant dépasse ce qui reste dû (45,00 €).' },
          },
    );
    const billing = useBillingStore();
    await billing.load('m-0001');
    await expect(
      billing.recordPayment(
        'm-0001',
        42,
        { method: 'cash', amount: 9000, receivedOn: '2026-12-20' },
        'k-12345678',
      ),
    ).rejects.toMatchObject({ status: 422, message: 'Le montant dépasse ce qui reste dû (45,00 €).' });
    expect(billing.stateOf('m-0001').billing?.balance.due).toBe(4500);
  });

  it('gives a tier with the version read, and reads again after a conflict', async () => {
    let version = 0;
    const answers: StubAnswer[] = [];
    const api = stubApi((call) => {
      if (call.method === 'GET') return { body: aBilling({ version }) };
      return answers.shift() ?? { status: 500 };
    });
    const billing = useBillingStore();
    await billing.load('m-0001');
    const tier = {
      id: 'solidaire',
      label: 'Tarif solidaire',
      reason: 'CAF',
      assigned: { by: { userId: 'u', name: 'Claire Martin' }, at: '2026-12-01T00:00:00Z' },
    };
    answers.push({ body: aBilling({ tier, version: 1 }) });
    await billing.setTier('m-0001', 'solidaire', 'CAF');
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/members/m-0001/pricing-tier',
      body: { tierId: 'solidaire', reason: 'CAF', version: 0 },
    });
    expect(billing.stateOf('m-0001').billing?.tier?.label).toBe('Tarif solidaire');

    version = 3;
    answers.push({ status: 409, body: { error: 'conflict', message: 'Modifié.' } });
    await expect(billing.setTier('m-0001', null, '')).rejects.toMatchObject({ status: 409 });
    expect(api.calls[2]?.body).toEqual({ tierId: null, version: 1 });
    await vi.waitFor(() => expect(billing.stateOf('m-0001').billing?.version).toBe(3));
  });

  it('sends a decision and reads the household again', async () => {
    const reads = deferred<StubAnswer>();
    let gets = 0;
    const api = stubApi((call) => {
      if (call.method === 'GET') return gets++ === 0 ? { body: aBilling() } : reads.promise;
      return { body: anInvoice({ collection: { phase: 'suspended', attempts: 2 } }) };
    });
    const billing = useBillingStore();
    await billing.load('m-0001');
    await billing.decide('m-0001', 42, { decision: 'suspend', reason: 'Sans nouvelles' });
    expect(api.calls[1]).toMatchObject({
      path: '/api/gardens/val-du-doubs/invoices/42/decision',
      body: { decision: 'suspend', reason: 'Sans nouvelles' },
    });
    expect(billing.stateOf('m-0001').billing?.invoices[0]?.collection?.phase).toBe('suspended');
    expect(billing.stateOf('m-0001').loading).toBe(true);
    reads.resolve({ body: aBilling({ invoices: [anInvoice({ status: 'written-off', outstanding: 0 })] }) });
    await vi.waitFor(() => expect(billing.stateOf('m-0001').loading).toBe(false));
    expect(billing.stateOf('m-0001').billing?.balance.due).toBe(0);
  });

  it('fetches an invoice PDF once, as an object URL', async () => {
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:facture-42');
    const api = stubApi(() => ({ body: { pdf: true } }));
    signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-0001' });
    const billing = useBillingStore();
    expect(await billing.documentUrl(42)).toBe('blob:facture-42');
    expect(await billing.documentUrl(42)).toBe('blob:facture-42');
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/invoices/42/document');
  });
});
