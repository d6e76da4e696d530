import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../tests/support/environment.ts';
import { tableNames } from './dynamo-client.ts';
import { ensureTables, expiryAttribute } from './tables.ts';

describe('tables', () => {
  const env = testEnvironment();
  const client = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  const names = tableNames(`cocagne-tables-${randomUUID().slice(0, 8)}`);

  afterAll(async () => {
    for (const table of [names.control, names.gardens]) {
      await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    }
    client.destroy();
  });

  it('creates the tables with the expiry of items turned on, and twice is once', async () => {
    await ensureTables(client, names);
    await ensureTables(client, names);
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: names.gardens }),
    );
    expect(TimeToLiveDescription).toMatchObject({
      AttributeName: expiryAttribute,
      TimeToLiveStatus: expect.stringMatching(/^ENABL(ED|ING)$/),
    });
  });
});
