import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isAwsUnavailable } from './aws-calls.ts';
import { createDocumentClient } from './store/dynamo-client.ts';

describe('a DynamoDB call whose answer never comes', () => {
  it('fails after its tries instead of waiting for ever, as an unavailable service', async () => {
    // Takes the request and never answers: a connection that died without a reset.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const db = createDocumentClient({
      region: 'eu-west-3',
      endpoint: `http://127.0.0.1:${port}`,
      tablePrefix: 'unused',
      requestTimeoutMs: 200,
    });
    try {
      // Without a deadline this waits for ever (the test's own timeout then fails it).
      const failure = await db.send(new ListTablesCommand({})).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'TimeoutError' });
      expect(isAwsUnavailable(failure)).toBe(true);
    } finally {
      db.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('isAwsUnavailable', () => {
  const sdk = (fields: Record<string, unknown>) =>
    Object.assign(new Error('failed'), { $metadata: { attempts: 3 }, ...fields });

  it('tells a service that could not be reached or failed on its side', () => {
    expect(isAwsUnavailable(sdk({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(isAwsUnavailable(sdk({ code: 'ECONNRESET', name: 'TimeoutError' }))).toBe(true);
    expect(isAwsUnavailable(sdk({ name: 'TimeoutError' }))).toBe(true);
    expect(isAwsUnavailable(sdk({ $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isAwsUnavailable(sdk({ $metadata: { httpStatusCode: 503 } }))).toBe(true);
  });

  it('leaves every other error alone', () => {
    expect(isAwsUnavailable(new Error('ECONNREFUSED'))).toBe(false);
    expect(isAwsUnavailable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isAwsUnavailable(sdk({ name: 'ConditionalCheckFailedException', $fault: 'client' }))).toBe(false);
    expect(isAwsUnavailable(sdk({ $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isAwsUnavailable(undefined)).toBe(false);
    expect(isAwsUnavailable('ECONNRESET')).toBe(false);
  });
});
