import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities, type ChargeGateway } from './billing-activities.ts';
import type { Store } from '../adapters/store/index.ts';
import { issueFourBasketsInvoice, saveTestCard } from '../tests/support/billing.ts';
import { createTestGarden, testDocuments, testStore } from '../tests/support/environment.ts';

/** A card payment is dated by the garden's calendar, as the reports and the accountant's CSV count months. */
describe('the day a card payment is received', () => {
  let store: Store;
  let gardenId: string;
  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'received-on'));
  });
  afterAll(() => store?.close());

  it('is the garden’s day: a charge at 00:30 in Paris on 1 March belongs to March', async () => {
    const memberId = `m-${randomUUID().slice(0, 8)}`;
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'A', lastName: 'B' },
      '2027-02-01T00:00:00.000Z',
    );
    await saveTestCard(store, gardenId, memberId);
    const invoice = await issueFourBasketsInvoice(
      store,
      {
        gardenId,
        memberId,
        subject: 'Paniers livrés en février 2027',
        issuedOn: '2027-02-26',
        dueOn: '2027-02-28',
      },
      `test/${memberId}`,
    );
    const gateway: ChargeGateway = {
      charge: async () => ({ paymentIntentId: 'pi_midnight', status: 'succeeded', amount: 6800 }),
      findCharge: async () => undefined,
    };
    const activities = createBillingActivities({
      store,
      documents: testDocuments(),
      gateway,
      publicUrl: 'http://localhost:8080',
      // 23:30 UTC on 28 February is 00:30 on 1 March in Paris.
      now: () => new Date('2027-02-28T23:30:00.000Z'),
    });
    const outcome = await activities.chargeInvoice({
      gardenId,
      invoiceNumber: invoice.number,
      attempt: 1,
      workflowId: `${gardenId}/invoice/${invoice.number}`,
    });
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const paid = await store.invoices.get(gardenId, invoice.number);
    expect(paid?.payments.map((payment) => payment.receivedOn)).toEqual(['2027-03-01']);
  });
});
