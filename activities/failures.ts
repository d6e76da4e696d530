import { ApplicationFailure } from '@temporalio/common';
import { AccountNotFoundError } from '../adapters/keycloak/keycloak-accounts.ts';
import { MessageRejectedError, SenderRejectedError } from '../adapters/messaging/messaging-errors.ts';
import { isCocagneError } from '../domain/errors.ts';
import { failureTypes, finalErrorCodes } from '../domain/failure-types.ts';

/**
 * The one place where what an activity throws becomes what Temporal sees. A domain error that
 * retrying cannot cure (not found, refused…) and an impossible value in stored data
 * (`RangeError`: an invalid date) end the activity at once, with a type from `failureTypes`
 * and the person's message in every language as details; so do what the mail and SMS
 * providers refuse for good. Anything else (a service down, a throttle, a network error, a
 * conflict) is left for the activity's retry policy.
 */
export function asTemporalFailure(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  if (isCocagneError(error)) {
    return ApplicationFailure.create({
      type: error.code,
      message: error.message,
      details: [error.messages],
      nonRetryable: finalErrorCodes.has(error.code),
      cause: error,
    });
  }
  if (error instanceof AccountNotFoundError) {
    return ApplicationFailure.create({
      type: failureTypes.accountNotFound,
      message: error.message,
      nonRetryable: true,
      cause: error,
    });
  }
  // Our sender or account refused (an unverified identity, sending paused): every message meets
  // it until someone fixes the settings, so the workflow tells staff at once.
  if (error instanceof SenderRejectedError) {
    return ApplicationFailure.create({
      type: failureTypes.senderRejected,
      message: error.message,
      nonRetryable: true,
      cause: error,
    });
  }
  // An address or number the provider will not deliver to: the stored contact detail is what
  // must change.
  if (error instanceof MessageRejectedError) {
    return ApplicationFailure.create({
      type: failureTypes.messageRejected,
      message: error.message,
      nonRetryable: true,
      cause: error,
    });
  }
  if (error instanceof RangeError) {
    return ApplicationFailure.create({
      type: failureTypes.invalidData,
      message: error.message,
      nonRetryable: true,
      cause: error,
    });
  }
  return error;
}

/**
 * Email addresses and phone numbers in an error's words, replaced: a failure's message and stack
 * go to the Temporal service as they are (not sealed like payloads: temporal/payload-codec.ts),
 * and providers name the address or number they refuse (SES's MessageRejected, SNS's invalid
 * number).
 */
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const phonePattern = /(?:\+\d{2,3}[ .-]?|\b0)[1-9](?:[ .-]?\d{2}){4}\b/g;
export function redactContactDetails(text: string): string {
  return text.replace(emailPattern, '<e-mail>').replace(phonePattern, '<téléphone>');
}

/** The failure and each of its causes, their messages and stacks without contact details. */
function redacted(error: unknown): unknown {
  for (
    let each: unknown = error, depth = 0;
    each instanceof Error && depth < 10;
    each = each.cause, depth++
  ) {
    each.message = redactContactDetails(each.message);
    if (each.stack) each.stack = redactContactDetails(each.stack);
  }
  return error;
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** The same activities, each throwing its failures through `asTemporalFailure`. */
export function withTemporalFailures<T extends Record<string, AnyActivity>>(activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await activity(...args);
      } catch (error) {
        throw redacted(asTemporalFailure(error));
      }
    };
  }
  return wrapped as T;
}
