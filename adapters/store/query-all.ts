import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * Every item a query matches, page after page (DynamoDB answers at most 1 MB at a time). For
 * the small sets a screen shows whole: a garden's depots, products, incidents, a week's
 * baskets. Lists that grow without bound (members, the notification log) page with a cursor.
 */
export async function queryAll(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The items of a partition whose sort key starts with `prefix`: one kind of a garden's records. */
export function queryPrefix(
  db: DynamoDBDocumentClient,
  table: string,
  partition: string,
  prefix: string,
): Promise<Array<Record<string, unknown>>> {
  return queryAll(db, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
  });
}
