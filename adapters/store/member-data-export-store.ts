import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { MemberDataExportRecord } from '../../domain/member-data-export.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

// The member's data export requests live in the garden's partition of the gardens table:
//   pk = <gardenId>, sk = DATAEXPORT#<memberId>#<exportId>   one request and its status
//   pk = <gardenId>, sk = DATAEXPORTLOCK#<memberId>          the request being prepared, if any

const recordKey = (gardenId: string, memberId: string, exportId: string) => ({
  pk: gardenId,
  sk: `DATAEXPORT#${memberId}#${exportId}`,
});
const lockKey = (gardenId: string, memberId: string) => ({ pk: gardenId, sk: `DATAEXPORTLOCK#${memberId}` });

/** The requests of members' data exports: read by the API, written by the API and the workflow. */
export function createMemberDataExportStore(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.gardens;
  return {
    /**
     * Records a new request as `preparing`, unless another one of the member's is (its lock
     * younger than `staleBefore`): false then, and nothing written.
     */
    async open(gardenId: string, record: MemberDataExportRecord, staleBefore: string): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...lockKey(gardenId, record.memberId),
              exportId: record.exportId,
              at: record.requestedAt,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #at < :stale',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':stale': staleBefore },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...recordKey(gardenId, record.memberId, record.exportId),
            entity: 'data-export',
            ...record,
          },
        }),
      );
      return true;
    },

    /** The member's requests, newest first. */
    async list(gardenId: string, memberId: string): Promise<MemberDataExportRecord[]> {
      const items = await queryPrefix(db, table, gardenId, `DATAEXPORT#${memberId}#`);
      return items
        .map((item) => withoutKeys<MemberDataExportRecord>(item))
        .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
    },

    async get(gardenId: string, memberId: string, exportId: string) {
      const answer = await db.send(
        new GetCommand({ TableName: table, Key: recordKey(gardenId, memberId, exportId) }),
      );
      return answer.Item ? withoutKeys<MemberDataExportRecord>(answer.Item) : undefined;
    },

    /** Ends a request (`ready` with its expiry, or `failed`) and frees the member's next one. */
    async finish(
      gardenId: string,
      memberId: string,
      exportId: string,
      outcome:
        { status: 'ready'; readyAt: string; expiresAt: string } | { status: 'failed'; failedAt: string },
    ): Promise<void> {
      const fields = Object.entries(outcome);
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: recordKey(gardenId, memberId, exportId),
          UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
          ExpressionAttributeValues: Object.fromEntries(
            fields.map(([, value], index) => [`:v${index}`, value]),
          ),
        }),
      );
      try {
        await db.send(
          new DeleteCommand({
            TableName: table,
            Key: lockKey(gardenId, memberId),
            ConditionExpression: 'exportId = :mine',
            ExpressionAttributeValues: { ':mine': exportId },
          }),
        );
      } catch (error) {
        // Another request took over a stale lock: it is its to free.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
export type MemberDataExportStore = ReturnType<typeof createMemberDataExportStore>;
