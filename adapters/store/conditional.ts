import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors.ts';

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

/**
 * Writes a record made from version `expectedVersion` of it (0: a record that does not exist
 * yet), provided the stored one is still that version: an edit from an outdated copy is a
 * conflict, and nothing is written.
 */
export async function putVersioned(
  db: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  expectedVersion: number,
): Promise<void> {
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw conflict();
    throw error;
  }
}
