import { describe, expect, it } from 'vitest';
import { isAwsUnavailable } from './aws-calls.ts';

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
