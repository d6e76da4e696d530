import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Act, Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import type { Localized } from '../domain/locale.ts';
import {
  subscriptionId as subscriptionIdOf,
  type Subscription,
  type SubscriptionDecisionInput,
  type SubscriptionRequest,
} from '../domain/subscription.ts';
import {
  gardenIdKey,
  subscriptionStatusKey,
  waitingOn,
  waitingOnKey,
} from '../workflows/search-attributes.ts';
import {
  decideUpdate,
  refusedFailureType,
  subscriptionQuery,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../workflows/subscription/contract.ts';
import type { subscriptionWorkflow } from '../workflows/subscription/workflow.ts';

/** How long a person waits for a workflow to take their action before being told to retry. */
const actionDeadlineMs = 20_000;

const unavailable = () =>
  new CocagneError('unavailable', {
    fr: "Le traitement ne répond pas pour l'instant : votre action n'a peut-être pas été prise en compte. Réessayez dans un instant.",
    en: 'Processing is not answering right now: your action may not have been taken. Try again in a moment.',
  });

function refusalOf(error: WorkflowUpdateFailedError): CocagneError | undefined {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && cause.type === refusedFailureType) {
    const messages = cause.details?.[0] as Localized | undefined;
    return new CocagneError('refused', messages ?? { fr: cause.message, en: cause.message });
  }
  return undefined;
}

/** The subscription process as the API sees it: start one, decide on one, ask one. */
export function createSubscriptionCommands(client: Client) {
  const handleOf = (gardenId: string, id: string) =>
    client.workflow.getHandle(subscriptionWorkflowId(gardenId, id));

  return {
    /**
     * Starts the workflow of a new subscription. The same application twice is refused: the
     * workflow id is the business key and duplicates are rejected by Temporal itself.
     */
    async apply(
      gardenId: string,
      request: SubscriptionRequest,
      actor: Actor,
      at: string,
    ): Promise<Subscription> {
      const id = subscriptionIdOf(request.memberId, request.startDate);
      const requested: Act = { by: actor, at };
      const input: SubscriptionWorkflowInput = { gardenId, subscriptionId: id, request, requested };
      try {
        await client.workflow.start<typeof subscriptionWorkflow>(subscriptionWorkflowType, {
          taskQueue: gardenTaskQueue(gardenId),
          workflowId: subscriptionWorkflowId(gardenId, id),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [
            { key: gardenIdKey, value: gardenId },
            { key: subscriptionStatusKey, value: 'pending' },
            { key: waitingOnKey, value: waitingOn.staffApproval },
          ],
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          const messages = {
            fr: `Cet adhérent a déjà un abonnement qui commence le ${request.startDate}.`,
            en: `This member already has a subscription starting on ${request.startDate}.`,
          };
          throw new CocagneError('duplicate', messages, { field: 'startDate' });
        }
        throw error;
      }
      return {
        id,
        gardenId,
        ...request,
        status: 'pending',
        requested,
        updatedAt: at,
        revision: 1,
      };
    },

    /** A staff decision on an application; refused (with the reason) when it cannot be taken. */
    async decide(
      gardenId: string,
      id: string,
      input: SubscriptionDecisionInput,
      actor: Actor,
    ): Promise<Subscription> {
      try {
        return await client.withDeadline(Date.now() + actionDeadlineMs, () =>
          handleOf(gardenId, id).executeUpdate(decideUpdate, { args: [{ input, actor }] }),
        );
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) throw refusalOf(error) ?? error;
        if (error instanceof WorkflowNotFoundError) {
          throw new CocagneError('not_found', {
            fr: 'Abonnement introuvable.',
            en: 'Subscription not found.',
          });
        }
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw unavailable();
        throw error;
      }
    },

    /** The live state of a subscription, straight from its workflow. */
    async current(gardenId: string, id: string): Promise<Subscription> {
      return handleOf(gardenId, id).query(subscriptionQuery);
    },
  };
}
export type SubscriptionCommands = ReturnType<typeof createSubscriptionCommands>;
