import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Tries of the keys DynamoDB leaves unprocessed (throttled) before giving up. */
const maxRounds = 8;

/**
 * Deletes items by their keys, 25 per BatchWriteItem, trying again what DynamoDB leaves
 * unprocessed with a growing wait; a table still throttling after that is an error (the caller's
 * activity retries). Gone already is fine: deleting twice is deleting once.
 */
export async function deleteItems(
  db: DynamoDBDocumentClient,
  table: string,
  keys: ReadonlyArray<{ pk: string; sk: string }>,
): Promise<void> {
  for (let index = 0; index < keys.length; index += 25) {
    let pending: Array<{ DeleteRequest: { Key: Record<string, unknown> } }> = keys
      .slice(index, index + 25)
      .map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === maxRounds)
        throw new Error(`DynamoDB left ${pending.length} deletes unprocessed in ${table}.`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 2000)));
      const answer = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (answer.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
}
