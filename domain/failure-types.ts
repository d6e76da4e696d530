import type { ErrorCode } from './errors.ts';

/**
 * The types of the failures activities end with, as Temporal carries them: workflows name
 * these (and only these) in their retry options and when they tell failures apart.
 * Activities throw them through `activities/failures.ts`, the one place that turns a domain
 * error into a Temporal failure.
 */
export const failureTypes = {
  /** A person's action the rules refuse (from an Update's validator or handler). */
  refused: 'refused',
  invalidInput: 'invalid_input',
  notFound: 'not_found',
  duplicate: 'duplicate',
  forbidden: 'forbidden',
  /** Stored data the code cannot work with (an impossible date…): retrying gives the same. */
  invalidData: 'invalid_data',
  memberNotFound: 'member_not_found',
  gardenNotFound: 'garden_not_found',
  /** The identity provider has no such account (deleted since). */
  accountNotFound: 'account_not_found',
  /** The mail or SMS provider refuses our sender or account (unverified, paused): settings to fix. */
  senderRejected: 'sender_rejected',
  /** The provider will not deliver to this address or number: the contact detail must change. */
  messageRejected: 'message_rejected',
} as const;
export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];

/** Failure types that the same call would meet again: bad data, a record gone, a refusal. */
export const finalFailureTypes: readonly FailureType[] = [
  failureTypes.refused,
  failureTypes.invalidInput,
  failureTypes.notFound,
  failureTypes.duplicate,
  failureTypes.forbidden,
  failureTypes.invalidData,
  failureTypes.memberNotFound,
  failureTypes.gardenNotFound,
  failureTypes.senderRejected,
  failureTypes.messageRejected,
];

/**
 * Domain errors that the same call would meet again: retrying them only delays the person who
 * must hear of them. A conflict (someone wrote first) or an unavailable service may pass.
 */
export const finalErrorCodes: ReadonlySet<ErrorCode> = new Set([
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'duplicate',
  'refused',
]);
