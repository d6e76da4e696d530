import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../../domain/actor.ts';
import type {
  BasketCounts,
  CompositionInput,
  PlannedBasket,
  WeekComposition,
} from '../../domain/delivery-week.ts';
import { isConditionFailure, putVersioned, withoutKeys } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

/** What a week looks like once planned: counts, depots over capacity, documents. */
export interface WeekSummary {
  gardenId: string;
  week: string;
  counts: { byDepot: Record<string, BasketCounts>; total: BasketCounts };
  overCapacity: Array<{ depotId: string; baskets: number; capacity: number }>;
  /** Members whose basket is set aside this week (absences), for the record. */
  absences: number;
  documents: Array<{ name: string; key: string; depotId?: string; title: string }>;
  updatedAt: string;
}

const basketKey = (week: string, basket: Pick<PlannedBasket, 'subscriptionId' | 'date'>) =>
  `BASKET#${week}#${basket.subscriptionId}#${basket.date}`;

/** A garden's delivery weeks: the composition, one basket record per delivery, the summary. */
export function createWeekStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const queryWeek = (gardenId: string, prefix: string) => queryPrefix(db, tables.gardens, gardenId, prefix);

  /** Writes and deletes in batches of 25, retrying what DynamoDB leaves unprocessed. */
  async function batchWrite(
    requests: Array<
      { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } }
    >,
  ): Promise<void> {
    for (let index = 0; index < requests.length; index += 25) {
      let pending: typeof requests | undefined = requests.slice(index, index + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000)));
        const answer = await db.send(new BatchWriteCommand({ RequestItems: { [tables.gardens]: pending } }));
        pending = answer.UnprocessedItems?.[tables.gardens] as typeof requests | undefined;
      }
    }
  }

  return {
    async composition(gardenId: string, week: string): Promise<WeekComposition | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `WEEK#${week}#COMPOSITION` },
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<WeekComposition>(Item) : undefined;
    },

    /** Saves a composition made from version `expectedVersion` (0 for a new one); a stale one is a conflict. */
    async saveComposition(
      gardenId: string,
      week: string,
      baskets: CompositionInput,
      expectedVersion: number,
      by: Actor,
      now: string,
    ): Promise<WeekComposition> {
      const composition: WeekComposition = {
        gardenId,
        week,
        baskets,
        updatedAt: now,
        updatedBy: by,
        version: expectedVersion + 1,
      };
      const item = {
        pk: gardenId,
        sk: `WEEK#${week}#COMPOSITION`,
        entity: 'week-composition',
        ...composition,
      };
      await putVersioned(db, tables.gardens, item, expectedVersion);
      return composition;
    },

    async baskets(gardenId: string, week: string): Promise<PlannedBasket[]> {
      return (await queryWeek(gardenId, `BASKET#${week}#`)).map((item) => withoutKeys<PlannedBasket>(item));
    },

    /**
     * Makes the stored baskets of these subscriptions for the week exactly `baskets`: new ones
     * written, gone ones deleted, the same ones rewritten unchanged. Running it twice leaves
     * the same records.
     */
    async replaceBaskets(
      gardenId: string,
      week: string,
      subscriptionIds: readonly string[],
      baskets: readonly PlannedBasket[],
      existing?: readonly PlannedBasket[],
    ): Promise<void> {
      const concerned = new Set(subscriptionIds);
      const before = (existing ?? (await this.baskets(gardenId, week))).filter((basket) =>
        concerned.has(basket.subscriptionId),
      );
      const wanted = new Set(baskets.map((basket) => basketKey(week, basket)));
      await batchWrite([
        ...before
          .filter((basket) => !wanted.has(basketKey(week, basket)))
          .map((basket) => ({ DeleteRequest: { Key: { pk: gardenId, sk: basketKey(week, basket) } } })),
        ...baskets.map((basket) => ({
          PutRequest: {
            Item: { pk: gardenId, sk: basketKey(week, basket), entity: 'basket', gardenId, ...basket },
          },
        })),
      ]);
    },

    async summary(gardenId: string, week: string): Promise<WeekSummary | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `WEEK#${week}#SUMMARY` },
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<WeekSummary>(Item) : undefined;
    },

    async saveSummary(summary: WeekSummary): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: tables.gardens,
          Item: {
            pk: summary.gardenId,
            sk: `WEEK#${summary.week}#SUMMARY`,
            entity: 'week-summary',
            ...summary,
          },
        }),
      );
    },

    /** Summaries of the garden's weeks, most recent first. */
    async summaries(gardenId: string, limit: number): Promise<WeekSummary[]> {
      const items = await queryWeek(gardenId, 'WEEK#');
      return items
        .filter((item) => item.entity === 'week-summary')
        .map((item) => withoutKeys<WeekSummary>(item))
        .sort((a, b) => b.week.localeCompare(a.week))
        .slice(0, limit);
    },

    /**
     * A page of the summaries of weeks up to `lastWeek` (included), oldest first, for the
     * retention sweep: each with its documents as stored (maybe malformed). At most `limit`
     * items of the weeks' records are read, so a page may hold no summary and still have a
     * next one.
     */
    async summariesUpTo(
      gardenId: string,
      lastWeek: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<{ summaries: Array<{ week: string; documents: unknown }>; nextCursor?: string }> {
      const page = await db.send(
        new QueryCommand({
          TableName: tables.gardens,
          // '~' sorts after the week's own records (COMPOSITION, REMINDED, SUMMARY).
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          FilterExpression: '#entity = :summary',
          ExpressionAttributeNames: { '#entity': 'entity' },
          ExpressionAttributeValues: {
            ':pk': gardenId,
            ':first': 'WEEK#',
            ':last': `WEEK#${lastWeek}#~`,
            ':summary': 'week-summary',
          },
          ExclusiveStartKey: decodeCursor(options.cursor, { name: 'pk', value: gardenId }, ['pk', 'sk']),
          Limit: options.limit,
        }),
      );
      const nextCursor = encodeCursor(page.LastEvaluatedKey);
      return {
        summaries: (page.Items ?? []).map((item) => ({
          week: String(item.sk).slice('WEEK#'.length, -'#SUMMARY'.length),
          documents: item.documents as unknown,
        })),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },

    /**
     * Sets the documents a week's summary lists (the retention sweep drops the signing sheets
     * it deleted); a week with no summary is left without one.
     */
    async setDocuments(gardenId: string, week: string, documents: WeekSummary['documents'], now: string) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tables.gardens,
            Key: { pk: gardenId, sk: `WEEK#${week}#SUMMARY` },
            UpdateExpression: 'SET documents = :documents, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':documents': documents, ':now': now },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
export type WeekStore = ReturnType<typeof createWeekStore>;
