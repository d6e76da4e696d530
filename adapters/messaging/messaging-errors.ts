/**
 * What the mail and SMS providers refuse for good. Both are plain errors: the adapters know
 * nothing of Temporal, and `activities/failures.ts` turns them into final failures. Anything
 * else they throw (a throttle, a network error, a provider outage) is left as it is, for the
 * retry policy.
 */

/**
 * The provider refuses to send from our account or sender: an identity it has not verified,
 * sending paused or suspended, no permission to publish. Every message meets it until someone
 * fixes the account or the settings.
 */
export class SenderRejectedError extends Error {
  override readonly name = 'SenderRejectedError';
}

/**
 * The provider refuses this message: an address or number it will not deliver to, or a
 * message it will not take. Sending the same again meets the same answer.
 */
export class MessageRejectedError extends Error {
  override readonly name = 'MessageRejectedError';
}

/** The provider's error code (the AWS SDK puts it in `name`) and its words, for our messages. */
export function providerErrorOf(error: unknown): { code: string; text: string } {
  if (error instanceof Error) return { code: error.name, text: `${error.name}: ${error.message}` };
  return { code: '', text: String(error) };
}
