import {
  GetCommand,
  PutCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Subscription, SubscriptionStatus } from '../../domain/subscription.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

/**
 * The read model of subscriptions. Only a subscription's workflow writes it, through
 * `record`; every write carries the workflow's revision so a retried or late write never
 * replaces a newer one.
 */
export function createSubscriptionStore(db: DynamoDBDocumentClient, tables: TableNames) {
  async function querySubscriptions(input: QueryCommandInput): Promise<Subscription[]> {
    return (await queryAll(db, input)).map((item) => withoutKeys<Subscription>(item));
  }

  return {
    /** Records a state of the subscription; returns false when a newer or equal revision is already stored. */
    async record(subscription: Subscription): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: {
              pk: subscription.gardenId,
              sk: `SUBSCRIPTION#${subscription.id}`,
              gsi1pk: `${subscription.gardenId}#MEMBER#${subscription.memberId}`,
              gsi1sk: `SUBSCRIPTION#${subscription.startDate}#${subscription.id}`,
              entity: 'subscription',
              ...subscription,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR revision < :revision',
            ExpressionAttributeValues: { ':revision': subscription.revision },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async get(gardenId: string, id: string): Promise<Subscription | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `SUBSCRIPTION#${id}` },
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<Subscription>(Item) : undefined;
    },

    /** A garden's subscriptions, optionally of one status, oldest application first. */
    async list(gardenId: string, status?: SubscriptionStatus): Promise<Subscription[]> {
      const subscriptions = await querySubscriptions({
        TableName: tables.gardens,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: status ? '#status = :status' : undefined,
        ExpressionAttributeNames: status ? { '#status': 'status' } : undefined,
        ExpressionAttributeValues: status
          ? { ':pk': gardenId, ':prefix': 'SUBSCRIPTION#', ':status': status }
          : { ':pk': gardenId, ':prefix': 'SUBSCRIPTION#' },
      });
      return subscriptions.sort((a, b) => a.requested.at.localeCompare(b.requested.at));
    },

    /** A member's subscriptions, by start date. */
    async listForMember(gardenId: string, memberId: string): Promise<Subscription[]> {
      return querySubscriptions({
        TableName: tables.gardens,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `${gardenId}#MEMBER#${memberId}`, ':prefix': 'SUBSCRIPTION#' },
      });
    },
  };
}
export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
