import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { CocagneError } from '../domain/errors.ts';
import type { Localized } from '../domain/locale.ts';
import { refusedFailureType } from '../workflows/refusal.ts';

const unavailable = () =>
  new CocagneError('unavailable', {
    fr: "Le traitement ne répond pas pour l'instant : votre action n'a peut-être pas été prise en compte. Réessayez dans un instant.",
    en: 'Processing is not answering right now: your action may not have been taken. Try again in a moment.',
  });

/**
 * Sends an action (an Update) to a workflow and waits for its answer. A refusal by the
 * workflow's validator or handler becomes a 422 that says why (nothing changed then); a
 * workflow that is not running becomes `notRunning()`; no answer in time becomes a 503 that
 * says the action may not have been taken.
 */
export async function executeAction<Result, Args>(
  client: Client,
  handle: WorkflowHandle,
  update: UpdateDefinition<Result, [Args]>,
  args: Args,
  options: { deadlineMs: number; notRunning: () => CocagneError },
): Promise<Result> {
  try {
    return await client.withDeadline(Date.now() + options.deadlineMs, () =>
      handle.executeUpdate(update, { args: [args] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type === refusedFailureType) {
        const messages = cause.details?.[0] as Localized | undefined;
        throw new CocagneError('refused', messages ?? { fr: cause.message, en: cause.message });
      }
      throw error;
    }
    if (error instanceof WorkflowNotFoundError) throw options.notRunning();
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw unavailable();
    throw error;
  }
}
