import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { IsoDate } from '../domain/calendar.ts';
import type { AbsenceDecision } from '../domain/absence-decisions.ts';
import type { ScheduledDelivery } from '../domain/delivery-schedule.ts';
import type { Act, Actor } from '../domain/actor.ts';
import { CocagneError } from '../domain/errors.ts';
import { gardenTaskQueue } from '../domain/garden.ts';
import {
  subscriptionId as subscriptionIdOf,
  type BasketSize,
  type Subscription,
  type SubscriptionDecisionInput,
  type SignUpAnswers,
  type SolidarityProposal,
  type SubscriptionRequest,
} from '../domain/subscription.ts';
import {
  gardenIdKey,
  subscriptionStatusKey,
  waitingOn,
  waitingOnKey,
} from '../workflows/search-attributes.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  nextDeliveriesQuery,
  pauseUpdate,
  renewUpdate,
  reportAbsencesUpdate,
  withdrawAbsenceUpdate,
  subscriptionQuery,
  accountLinkQuery,
  type AccountLinkState,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../workflows/subscription/contract.ts';
import type { subscriptionWorkflow } from '../workflows/subscription/workflow.ts';
import { executeAction } from './updates.ts';

/** How long a person waits for a workflow to take their action before being told to retry. */
const actionDeadlineMs = 20_000;

const queryDeadlineMs = 5_000;

const finished = () =>
  new CocagneError('refused', {
    fr: "Cet abonnement n'est plus en cours : cette action n'est plus possible.",
    en: 'This subscription is no longer running: this action is no longer possible.',
  });

/** The subscription process as the API sees it: start one, act on one, ask one. */
export function createSubscriptionCommands(client: Client) {
  const handleOf = (gardenId: string, id: string) =>
    client.workflow.getHandle(subscriptionWorkflowId(gardenId, id));

  /**
   * Sends an action to a subscription's workflow and waits for its answer: the new state, or
   * a refusal that says why (nothing changed then).
   */
  async function act<Args>(
    gardenId: string,
    id: string,
    update: UpdateDefinition<Subscription, [Args]>,
    args: Args,
  ): Promise<Subscription> {
    // Updates cannot reach a workflow that has ended (rejected, cancelled, ended).
    return executeAction(client, handleOf(gardenId, id), update, args, {
      deadlineMs: actionDeadlineMs,
      notRunning: finished,
    });
  }

  return {
    /**
     * Starts the workflow of a new subscription. The same application twice is refused: the
     * workflow id is the business key and duplicates are rejected by Temporal itself.
     */
    async apply(
      gardenId: string,
      /** An application made online may carry the answers to the garden's extra sign-up fields. */
      request: SubscriptionRequest & {
        signUpAnswers?: SignUpAnswers;
        solidarityProposal?: SolidarityProposal;
      },
      actor: Actor,
      at: string,
      options: { linkAccount?: { userId: string }; acknowledge?: boolean } = {},
    ): Promise<Subscription> {
      const id = subscriptionIdOf(request.memberId, request.startDate);
      const requested: Act = { by: actor, at };
      const input: SubscriptionWorkflowInput = {
        gardenId,
        subscriptionId: id,
        request,
        requested,
        ...(options.linkAccount ? { linkAccount: options.linkAccount } : {}),
        ...(options.acknowledge ? { acknowledge: true } : {}),
      };
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
    decide: (gardenId: string, id: string, input: SubscriptionDecisionInput, actor: Actor) =>
      act(gardenId, id, decideUpdate, { input, actor }),

    /** `decisions`: the garden's absence-policy extension's, when one answered (see AbsenceArgs). */
    reportAbsences: (
      gardenId: string,
      id: string,
      dates: IsoDate[],
      actor: Actor,
      decisions?: AbsenceDecision[],
    ) => act(gardenId, id, reportAbsencesUpdate, { dates, actor, ...(decisions ? { decisions } : {}) }),

    /** Takes back an absence before its cutoff; refused (with the reason) past it or when none is noted. */
    withdrawAbsence: (gardenId: string, id: string, date: IsoDate, actor: Actor) =>
      act(gardenId, id, withdrawAbsenceUpdate, { date, actor }),

    pause: (gardenId: string, id: string, from: IsoDate, until: IsoDate, actor: Actor) =>
      act(gardenId, id, pauseUpdate, { from, until, actor }),

    changeTerms: (
      gardenId: string,
      id: string,
      terms: { depotId?: string; basketSize?: BasketSize },
      actor: Actor,
    ) => act(gardenId, id, changeTermsUpdate, { ...terms, actor }),

    renew: (gardenId: string, id: string, actor: Actor) => act(gardenId, id, renewUpdate, { actor }),

    cancel: (
      gardenId: string,
      id: string,
      origin: 'member' | 'staff',
      reason: string | undefined,
      actor: Actor,
    ) => act(gardenId, id, cancelUpdate, { origin, ...(reason ? { reason } : {}), actor }),

    /** The live state of a subscription, straight from its workflow. */
    async current(gardenId: string, id: string): Promise<Subscription> {
      return handleOf(gardenId, id).query(subscriptionQuery);
    },

    /**
     * Where the link of an applicant's new account stands, waiting up to `waitMs` for it to
     * settle: `linking` still when the identity provider is slow or down.
     */
    async accountLink(gardenId: string, id: string, waitMs: number): Promise<AccountLinkState | undefined> {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const state = await client.withDeadline(Date.now() + queryDeadlineMs, () =>
          handleOf(gardenId, id).query(accountLinkQuery),
        );
        if (state !== 'linking' || Date.now() >= deadline) return state;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },

    /** What happens next, as the workflow sees it (absences, pause and changes applied). */
    async nextDeliveries(gardenId: string, id: string, count: number): Promise<ScheduledDelivery[]> {
      return client.withDeadline(Date.now() + queryDeadlineMs, () =>
        handleOf(gardenId, id).query(nextDeliveriesQuery, count, new Date().toISOString()),
      );
    },
  };
}
export type SubscriptionCommands = ReturnType<typeof createSubscriptionCommands>;
