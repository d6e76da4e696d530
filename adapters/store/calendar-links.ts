import { randomBytes } from 'node:crypto';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';

/** Where a feed token leads. */
export interface CalendarLinkOwner {
  gardenId: string;
  memberId: string;
}

const lookupPartition = 'ICAL';
// 32 random bytes in base64url, without padding.
const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/**
 * The secret tokens of members' calendar feeds. A token is stored twice, written together in
 * one transaction: in the control table, to find the member from the public feed URL, and in
 * the garden's partition, for the member's own page (and so a garden's export holds it).
 */
export function createCalendarLinks(db: DynamoDBDocumentClient, tables: TableNames) {
  const memberKey = (gardenId: string, memberId: string) => ({ pk: gardenId, sk: `ICAL#${memberId}` });
  const lookupKey = (token: string) => ({ pk: lookupPartition, sk: token });

  async function storedToken(gardenId: string, memberId: string): Promise<string | undefined> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tables.gardens, Key: memberKey(gardenId, memberId), ConsistentRead: true }),
    );
    return typeof Item?.token === 'string' ? Item.token : undefined;
  }

  /**
   * Replaces the member's token (`previous`, or none yet) with a new one, all or nothing.
   * Returns undefined when someone else changed it first: the caller reads again.
   */
  async function replace(
    gardenId: string,
    memberId: string,
    previous: string | undefined,
    now: Date,
  ): Promise<string | undefined> {
    const token = randomBytes(32).toString('base64url');
    const createdAt = now.toISOString();
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...(previous ? [{ Delete: { TableName: tables.control, Key: lookupKey(previous) } }] : []),
            {
              Put: {
                TableName: tables.control,
                Item: { ...lookupKey(token), entity: 'calendar-link', gardenId, memberId, createdAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tables.gardens,
                Item: { ...memberKey(gardenId, memberId), entity: 'calendar-link', token, createdAt },
                ...(previous
                  ? {
                      ConditionExpression: '#token = :previous',
                      ExpressionAttributeNames: { '#token': 'token' },
                      ExpressionAttributeValues: { ':previous': previous },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
          ],
        }),
      );
      return token;
    } catch (error) {
      if (isConditionFailure(error) || isTransactionConflict(error)) return undefined;
      throw error;
    }
  }

  return {
    /** The member's feed token, made on first use. Two first uses at once get the same token. */
    async current(gardenId: string, memberId: string, now = new Date()): Promise<string> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const existing = await storedToken(gardenId, memberId);
        if (existing) return existing;
        const created = await replace(gardenId, memberId, undefined, now);
        if (created) return created;
        await pause(attempt);
      }
      throw new Error(
        `The calendar link of member ${memberId} (${gardenId}) kept changing while being read.`,
      );
    },

    /** A new token for the member; the previous one stops working at once. */
    async regenerate(gardenId: string, memberId: string, now = new Date()): Promise<string> {
      for (let attempt = 0; attempt < 5; attempt++) {
        const previous = await storedToken(gardenId, memberId);
        const created = await replace(gardenId, memberId, previous, now);
        if (created) return created;
        await pause(attempt);
      }
      throw new Error(
        `The calendar link of member ${memberId} (${gardenId}) kept changing while being replaced.`,
      );
    },

    /** The member's feed closed for good (their erasure): the token and its lookup both go. */
    async forget(gardenId: string, memberId: string): Promise<void> {
      const token = await storedToken(gardenId, memberId);
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...(token ? [{ Delete: { TableName: tables.control, Key: lookupKey(token) } }] : []),
            { Delete: { TableName: tables.gardens, Key: memberKey(gardenId, memberId) } },
          ],
        }),
      );
    },

    /** Whose feed a token opens, or undefined for a token that is unknown or was replaced. */
    async resolve(token: string): Promise<CalendarLinkOwner | undefined> {
      if (!tokenShape.test(token)) return undefined;
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.control, Key: lookupKey(token), ConsistentRead: true }),
      );
      if (typeof Item?.gardenId !== 'string' || typeof Item.memberId !== 'string') return undefined;
      return { gardenId: Item.gardenId, memberId: Item.memberId };
    },
  };
}
export type CalendarLinks = ReturnType<typeof createCalendarLinks>;

/** Two transactions on the same items at once: DynamoDB cancels one with TransactionConflict. */
function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons =
    (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'TransactionConflict');
}

/** A short, growing, jittered wait before trying again after losing a race. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, (attempt + 1) * 20 + Math.random() * 30));
}
