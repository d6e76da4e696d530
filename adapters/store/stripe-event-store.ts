import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditional.ts';
import { expiryAttribute } from './tables.ts';
import type { TableNames } from './dynamo-client.ts';

/** How long a processed event id is kept: Stripe retries a webhook for 3 days. */
const keepDays = 30;

const eventKey = (gardenId: string, eventId: string) => ({ pk: gardenId, sk: `STRIPE_EVENT#${eventId}` });

export interface ProcessedStripeEvent {
  eventId: string;
  type: string;
  /** What the event did: `delivered` to a workflow, `not-running`, `saved`… */
  outcome: string;
  processedAt: string;
}

/**
 * The Stripe webhook events that already had their effect, one item per event id under the
 * garden the event is about (so it leaves with the garden's data). An event delivered twice
 * is found here the second time and has no second effect. Items carry `expiresAt` (epoch
 * seconds) for a DynamoDB TTL.
 */
export function createStripeEventStore(db: DynamoDBDocumentClient, tables: TableNames) {
  return {
    async processed(gardenId: string, eventId: string): Promise<ProcessedStripeEvent | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.gardens, Key: eventKey(gardenId, eventId), ConsistentRead: true }),
      );
      return Item
        ? {
            eventId: String(Item.eventId),
            type: String(Item.type),
            outcome: String(Item.outcome),
            processedAt: String(Item.processedAt),
          }
        : undefined;
    },

    /** Records an event as processed; false when it was recorded before (then nothing changes). */
    async record(gardenId: string, event: ProcessedStripeEvent): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: {
              ...eventKey(gardenId, event.eventId),
              entity: 'stripe-event',
              ...event,
              [expiryAttribute]: Math.floor(Date.parse(event.processedAt) / 1000) + keepDays * 86_400,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
export type StripeEventStore = ReturnType<typeof createStripeEventStore>;
