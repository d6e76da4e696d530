import { ApplicationFailure } from '@temporalio/workflow';
import type { Localized } from '../domain/locale.ts';

/** The error type of a refused action: the details hold its message in every locale. */
export const refusedFailureType = 'refused';

/**
 * Refuses an action (in an Update's validator or handler): nothing changed, and the API
 * answers 422 with these words. Given no reason, lets the action through.
 */
export function refuse(refusal: Localized): never;
export function refuse(refusal: Localized | undefined): void;
export function refuse(refusal: Localized | undefined): void {
  if (!refusal) return;
  throw ApplicationFailure.create({
    type: refusedFailureType,
    message: refusal.en,
    details: [refusal],
    nonRetryable: true,
  });
}
