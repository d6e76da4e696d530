import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { conflict, CocagneError, notFound } from '../../domain/errors.ts';
import { outstanding, type Invoice, type Payment } from '../../domain/invoices.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

const invoiceLabel = { fr: 'Facture', en: 'Invoice' };
const invoiceKey = (gardenId: string, number: number) => ({
  pk: gardenId,
  sk: `INVOICE#${String(number).padStart(9, '0')}`,
});

export type NewInvoice = Omit<Invoice, 'number' | 'payments' | 'status' | 'version'>;

/**
 * Invoices of a garden, numbered in one sequence without gaps: the counter and the invoice are
 * written in one transaction, so a number is used exactly when an invoice gets it. Each
 * invoice also has a source key (what it bills): issuing the same thing twice gives back the
 * first invoice, never a second number.
 */
export function createInvoiceStore(db: DynamoDBDocumentClient, tables: TableNames) {
  async function counter(gardenId: string): Promise<number> {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tables.gardens,
        Key: { pk: gardenId, sk: 'COUNTER#INVOICE' },
        ConsistentRead: true,
      }),
    );
    return Number(Item?.last ?? 0);
  }

  return {
    async get(gardenId: string, number: number): Promise<Invoice | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: invoiceKey(gardenId, number),
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<Invoice>(Item) : undefined;
    },

    /** The invoice issued for a source key, if any. */
    async bySource(gardenId: string, sourceKey: string): Promise<Invoice | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `INVOICESOURCE#${sourceKey}` },
          ConsistentRead: true,
        }),
      );
      return Item ? this.get(gardenId, Number(Item.number)) : undefined;
    },

    /**
     * Issues an invoice under the next number, once per source key. One with nothing to pay
     * (its credits cover its baskets) is issued settled (`paid`, without a payment): never
     * charged, never in the unpaid list, never reminded.
     */
    async issue(invoice: NewInvoice, sourceKey: string): Promise<Invoice> {
      for (let attempt = 0; attempt < 20; attempt++) {
        const existing = await this.bySource(invoice.gardenId, sourceKey);
        if (existing) return existing;
        const last = await counter(invoice.gardenId);
        const number = last + 1;
        const status = invoice.total > 0 ? 'open' : 'paid';
        const issued: Invoice = { ...invoice, number, payments: [], status, version: 1 };
        try {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: tables.gardens,
                    Key: { pk: invoice.gardenId, sk: 'COUNTER#INVOICE' },
                    UpdateExpression: 'SET #last = :number',
                    ConditionExpression: last === 0 ? 'attribute_not_exists(#last)' : '#last = :last',
                    ExpressionAttributeNames: { '#last': 'last' },
                    ExpressionAttributeValues:
                      last === 0 ? { ':number': number } : { ':number': number, ':last': last },
                  },
                },
                {
                  Put: {
                    TableName: tables.gardens,
                    Item: {
                      ...invoiceKey(invoice.gardenId, number),
                      gsi1pk: `${invoice.gardenId}#MEMBER#${invoice.memberId}`,
                      gsi1sk: `INVOICE#${String(number).padStart(9, '0')}`,
                      entity: 'invoice',
                      ...issued,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Put: {
                    TableName: tables.gardens,
                    Item: { pk: invoice.gardenId, sk: `INVOICESOURCE#${sourceKey}`, number },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          return issued;
        } catch (error) {
          // Another invoice took the number, or the same one was issued meanwhile: look again.
          if (!isConditionFailure(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * (attempt + 1)));
        }
      }
      throw new CocagneError('unavailable', {
        fr: 'Trop de factures sont émises en même temps : réessayez dans un instant.',
        en: 'Too many invoices are being issued at once: try again in a moment.',
      });
    },

    /** Adds a payment to an open invoice; settles it when nothing is left due. */
    async addPayment(gardenId: string, number: number, payment: Payment): Promise<Invoice> {
      const invoice = await this.get(gardenId, number);
      if (!invoice) throw notFound(invoiceLabel);
      if (invoice.payments.some((existing) => existing.id === payment.id)) return invoice;
      const payments = [...invoice.payments, payment];
      const status = outstanding({ ...invoice, payments }) === 0 ? 'paid' : invoice.status;
      return this.replace(invoice, { payments, status });
    },

    async writeOff(
      gardenId: string,
      number: number,
      writtenOff: NonNullable<Invoice['writtenOff']>,
    ): Promise<Invoice> {
      const invoice = await this.get(gardenId, number);
      if (!invoice) throw notFound(invoiceLabel);
      if (invoice.status !== 'open') return invoice;
      return this.replace(invoice, { status: 'written-off', writtenOff });
    },

    async setDocument(gardenId: string, number: number, documentKey: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: invoiceKey(gardenId, number),
          UpdateExpression: 'SET documentKey = :key',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':key': documentKey },
        }),
      );
    },

    /** Forgets where the invoice's PDF is, so that it is printed again (a member's erasure). */
    async clearDocument(gardenId: string, number: number): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: invoiceKey(gardenId, number),
          UpdateExpression: 'REMOVE documentKey',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },

    /** Writes new fields of an invoice, provided nobody changed it since it was read. */
    async replace(
      invoice: Invoice,
      fields: Partial<Pick<Invoice, 'payments' | 'status' | 'writtenOff'>>,
    ): Promise<Invoice> {
      const updated: Invoice = { ...invoice, ...fields, version: invoice.version + 1 };
      try {
        await db.send(
          new UpdateCommand({
            TableName: tables.gardens,
            Key: invoiceKey(invoice.gardenId, invoice.number),
            UpdateExpression:
              'SET payments = :payments, #status = :status, version = :next' +
              (updated.writtenOff ? ', writtenOff = :writtenOff' : ''),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':payments': updated.payments,
              ':status': updated.status,
              ':next': updated.version,
              ':expected': invoice.version,
              ...(updated.writtenOff ? { ':writtenOff': updated.writtenOff } : {}),
            },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw conflict();
        throw error;
      }
      return updated;
    },

    async listForMember(gardenId: string, memberId: string): Promise<Invoice[]> {
      const page = await db.send(
        new QueryCommand({
          TableName: tables.gardens,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `${gardenId}#MEMBER#${memberId}`, ':prefix': 'INVOICE#' },
          ScanIndexForward: false,
        }),
      );
      return (page.Items ?? []).map((item) => withoutKeys<Invoice>(item));
    },

    /** Every invoice of the garden, by number (reports and the unpaid list). */
    async list(gardenId: string): Promise<Invoice[]> {
      const items = await queryPrefix(db, tables.gardens, gardenId, 'INVOICE#');
      return items.map((item) => withoutKeys<Invoice>(item));
    },
  };
}
export type InvoiceStore = ReturnType<typeof createInvoiceStore>;
