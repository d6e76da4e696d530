import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { decisionRefusal, type Subscription } from '../../domain/subscription.ts';
import type { SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenIdKey, subscriptionStatusKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import {
  decideUpdate,
  refusedFailureType,
  subscriptionQuery,
  type DecideArgs,
  type SubscriptionWorkflowInput,
} from './contract.ts';

const { recordSubscription } = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '30 seconds',
  // The store may be down for a while: keep trying, the subscription waits.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * The life of one subscription: application → staff decision → active (or rejected).
 * Every state is written to the store by an activity; the workflow history is the audit trail.
 */
export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<Subscription> {
  let subscription: Subscription = {
    id: input.subscriptionId,
    gardenId: input.gardenId,
    ...input.request,
    status: 'pending',
    requested: input.requested,
    updatedAt: input.requested.at,
    revision: 1,
  };
  let recordedRevision = 0;

  setHandler(subscriptionQuery, () => subscription);

  setHandler(
    decideUpdate,
    async ({ input: decision, actor }) => {
      const at = new Date().toISOString();
      const approved = decision.decision === 'approve';
      const reason = decision.reason?.trim();
      subscription = {
        ...subscription,
        status: approved ? 'active' : 'rejected',
        decision: {
          outcome: approved ? 'approved' : 'rejected',
          by: actor,
          at,
          ...(reason ? { reason } : {}),
        },
        updatedAt: at,
        revision: subscription.revision + 1,
      };
      // Answer once the new state is in the store, so the caller reads what it just did.
      const revision = subscription.revision;
      await condition(() => recordedRevision >= revision);
      return subscription;
    },
    {
      validator: ({ input: decision }: DecideArgs) => {
        const refusal = decisionRefusal(subscription.status, subscription.decision !== undefined, decision);
        if (refusal) {
          throw ApplicationFailure.create({
            type: refusedFailureType,
            message: refusal.en,
            details: [refusal],
            nonRetryable: true,
          });
        }
      },
    },
  );

  const showState = () =>
    upsertSearchAttributes([
      { key: gardenIdKey, value: subscription.gardenId },
      { key: subscriptionStatusKey, value: subscription.status },
      { key: waitingOnKey, value: subscription.status === 'pending' ? waitingOn.staffApproval : null },
    ]);

  // Record every new state, in order, until the subscription reaches an end.
  for (;;) {
    if (recordedRevision < subscription.revision) {
      const snapshot = subscription;
      await recordSubscription(snapshot);
      recordedRevision = snapshot.revision;
      showState();
      continue;
    }
    if (subscription.status === 'rejected') break;
    // Active subscriptions live on; the next stages of their life attach here.
    await condition(() => recordedRevision < subscription.revision);
  }

  await condition(allHandlersFinished);
  return subscription;
}
