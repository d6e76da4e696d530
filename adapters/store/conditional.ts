import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors.ts';
import type { ChangeItem, ChangeLog } from './action-log.ts';

/** True when DynamoDB refused a write because its condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  // Inside a transaction the reason is in the cancellation list.
  if (error.name === 'TransactionCanceledException') {
    const reasons =
      (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/** Removes the storage keys of an item so only the entity's own fields remain. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, searchText: _s, entity: _e, ...rest } = item;
  return rest as T;
}

/** The conditional put of `putVersioned`, as an item of a transaction. */
export function versionedPutItem(
  table: string,
  item: Record<string, unknown>,
  expectedVersion: number,
): ChangeItem {
  return {
    Put: {
      TableName: table,
      Item: item,
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
    },
  };
}

/**
 * Writes a record made from version `expectedVersion` of it (0: a record that does not exist
 * yet), provided the stored one is still that version: an edit from an outdated copy is a
 * conflict, and nothing is written. With a `log`, the staff action log's entry is written in the
 * same transaction (its `after`: the record without its storage keys).
 */
export async function putVersioned(
  db: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  expectedVersion: number,
  log?: ChangeLog,
): Promise<void> {
  const write = versionedPutItem(table, item, expectedVersion);
  if (log) {
    await log.write([write], withoutKeys(item), () => conflict());
    return;
  }
  try {
    await db.send(new PutCommand(write.Put as NonNullable<ChangeItem['Put']>));
  } catch (error) {
    if (isConditionFailure(error)) throw conflict();
    throw error;
  }
}
