// How the processes call AWS (DynamoDB, S3, SES, SNS): each call has a deadline, and a call
// that found the service unreachable is told apart from any other error.

/**
 * The HTTP settings of an AWS client: 3 s to connect, `requestTimeout` for the answer, then a
 * TimeoutError that the SDK retries and, past its tries, the caller sees. Without a
 * deadline, a call whose connection died without a reset waited for ever: the chaos runs saw a
 * week's preparation step stuck until its activity timed out (2 minutes) after DynamoDB was
 * cut off for 3 seconds.
 */
export function awsRequestHandler(requestTimeout: number) {
  return { connectionTimeout: 3_000, requestTimeout, throwOnRequestTimeout: true };
}

/**
 * DynamoDB answers in milliseconds; 10 s leaves room for DynamoDB Local under a test run's load.
 * The SDK tries a call 4 times in all, so a call to a DynamoDB that never answers fails in 40 s.
 */
export const dynamoRequestTimeoutMs = 10_000;
/** S3 carries documents of a few megabytes (PDFs, extension modules). */
export const s3RequestTimeoutMs = 60_000;
/** SES and SNS send one message per call. */
export const messagingRequestTimeoutMs = 20_000;

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/**
 * Whether an error is an AWS service that could not be reached or failed on its side (after the
 * SDK's own retries): the request may be tried again later, and a person is told so (503), not
 * that something unexpected happened.
 */
export function isAwsUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return false;
  const failure = error as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  return (
    failure.name === 'TimeoutError' ||
    (failure.code !== undefined && networkCodes.has(failure.code)) ||
    failure.$fault === 'server' ||
    (failure.$metadata?.httpStatusCode ?? 0) >= 500
  );
}
