import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Round, StopMark } from '../../domain/rounds/round.ts';
import { deleteItems } from './batch-delete.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

const roundKey = (gardenId: string, date: string) => ({ pk: gardenId, sk: `ROUND#${date}` });
const markKey = (gardenId: string, date: string, markId: string) => ({
  pk: gardenId,
  sk: `ROUNDMARK#${date}#${markId}`,
});

/** The round of a delivery day without its marks, as one item (marks are items of their own). */
type StoredRound = Omit<Round, 'marks'>;

/**
 * The plan's bulk (stops with their notes, routes, what changed) is kept gzipped in one binary
 * attribute: a garden's 300 stops with long access notes come to about 400 KB as JSON, the
 * most a DynamoDB item may hold; packed, a tenth of it.
 */
type PackedField = 'stops' | 'pins' | 'solution' | 'changes';

function pack(round: StoredRound): Record<string, unknown> {
  const { stops, pins, solution, changes, ...rest } = round;
  return { ...rest, packed: gzipSync(JSON.stringify({ stops, pins, solution, changes })) };
}

function unpack(item: Record<string, unknown>): StoredRound {
  const { packed, ...rest } = withoutKeys<Record<string, unknown>>(item);
  if (!(packed instanceof Uint8Array)) return rest as unknown as StoredRound;
  const bulk = JSON.parse(gunzipSync(packed).toString('utf8')) as Pick<StoredRound, PackedField>;
  return { ...(rest as Omit<StoredRound, PackedField>), ...bulk };
}

/**
 * A garden's delivery rounds: one item per delivery day (stops, routes, approval), and one
 * item per driver's mark, written once whatever how many times the phone sends it.
 */
export function createRoundStore(db: DynamoDBDocumentClient, tables: TableNames) {
  async function marksOf(gardenId: string, date: string): Promise<StopMark[]> {
    const items = await queryPrefix(db, tables.gardens, gardenId, `ROUNDMARK#${date}#`);
    return items
      .map((item) => withoutKeys<StopMark>(item))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.markId.localeCompare(b.markId));
  }

  return {
    async get(gardenId: string, date: string): Promise<Round | undefined> {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.gardens, Key: roundKey(gardenId, date), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return { ...unpack(Item), marks: await marksOf(gardenId, date) };
    },

    /** The rounds of days from `from` to `to` (inclusive), without their marks' details. */
    async between(gardenId: string, from: string, to: string): Promise<Round[]> {
      const items = await queryPrefix(db, tables.gardens, gardenId, 'ROUND#');
      const rounds = items
        .map((item) => unpack(item))
        .filter((round) => round.date >= from && round.date <= to);
      return Promise.all(
        rounds.map(async (round) => ({ ...round, marks: await marksOf(gardenId, round.date) })),
      );
    },

    /**
     * Saves a plan of the round, unless a plan of the same or a newer revision is already
     * stored (a retried or late write never replaces a newer plan). True when written.
     */
    async savePlan(round: StoredRound): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: { ...roundKey(round.gardenId, round.date), ...pack(round) },
            ConditionExpression: 'attribute_not_exists(pk) OR revision < :revision',
            ExpressionAttributeValues: { ':revision': round.revision },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /** Moves the round to a phase (with its approval, distribution or report), keeping its plan. */
    async setPhase(
      gardenId: string,
      date: string,
      change: Pick<Round, 'phase' | 'updatedAt'> &
        Partial<Pick<Round, 'approval' | 'distributedAt' | 'distributedRoutes' | 'report'>>,
    ): Promise<void> {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      for (const [field, value] of Object.entries(change)) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: roundKey(gardenId, date),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },

    /** Keeps a driver's mark; the same mark (same id) sent again is not kept twice. */
    async addMark(
      gardenId: string,
      date: string,
      mark: StopMark,
    ): Promise<{ mark: StopMark; duplicate: boolean }> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: { ...markKey(gardenId, date, mark.markId), ...mark },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { mark, duplicate: false };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const { Item } = await db.send(
          new GetCommand({
            TableName: tables.gardens,
            Key: markKey(gardenId, date, mark.markId),
            ConsistentRead: true,
          }),
        );
        return { mark: withoutKeys<StopMark>(Item ?? {}), duplicate: true };
      }
    },

    /**
     * A page of the delivery days before `keepFrom` that have a round, oldest first, for the
     * retention sweep (the rounds' bulk is not read).
     */
    async daysBefore(
      gardenId: string,
      keepFrom: string,
      options: { limit: number; cursor?: string | undefined },
    ): Promise<{ dates: string[]; nextCursor?: string }> {
      const page = await db.send(
        new QueryCommand({
          TableName: tables.gardens,
          // ROUND#<date> only: ROUNDMARK# and ROUNDSENT# sort after every ROUND#<digit>.
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: { ':pk': gardenId, ':first': 'ROUND#', ':last': `ROUND#${keepFrom}` },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: decodeCursor(options.cursor, { name: 'pk', value: gardenId }, ['pk', 'sk']),
          Limit: options.limit,
        }),
      );
      const nextCursor = encodeCursor(page.LastEvaluatedKey);
      return {
        dates: (page.Items ?? [])
          .map((item) => String(item.sk).slice('ROUND#'.length))
          .filter((date) => date < keepFrom),
        ...(nextCursor ? { nextCursor } : {}),
      };
    },

    /** The marks of a day's round as stored (their photo as given, maybe malformed), for the retention sweep. */
    async marksWithPhotos(
      gardenId: string,
      date: string,
    ): Promise<Array<{ markId: string; photoKey: unknown }>> {
      const items = await queryPrefix(db, tables.gardens, gardenId, `ROUNDMARK#${date}#`);
      return items.map((item) => ({
        markId: String(item.sk).slice(`ROUNDMARK#${date}#`.length),
        photoKey: item.photoKey,
      }));
    },

    /** Deletes a day's round and its marks (retention); gone already is fine. */
    async remove(gardenId: string, date: string, markIds: readonly string[]): Promise<void> {
      // The marks first: a round half deleted is found again by the next sweep through its own item.
      await deleteItems(db, tables.gardens, [...markIds.map((markId) => markKey(gardenId, date, markId))]);
      await deleteItems(db, tables.gardens, [roundKey(gardenId, date)]);
    },
  };
}

/** What a proof photo's id may be: the driver's phone makes it (api/routes/rounds.ts `PhotoId`). */
export const roundPhotoIdPattern = '^[a-f0-9][a-f0-9-]{7,63}$';

/** Where a stop's proof photo is kept in the garden's documents (a mark names it by its id). */
export const roundPhotoKey = (gardenId: string, date: string, photoId: string) =>
  `${gardenId}/rounds/${date}/photos/${photoId}.jpg`;
export type RoundStore = ReturnType<typeof createRoundStore>;
