import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { decisionRefusal, type Subscription } from '../../domain/subscription.ts';
import type { SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenIdKey, subscriptionStatusKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import {
  decideUpdate,
  gardenSettingsChangedSignal,
  refusedFailureType,
  subscriptionQuery,
  type DecideArgs,
  type SubscriptionWorkflowInput,
} from './contract.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';

const { recordSubscription } = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry,
});

/**
 * The first version of the subscription workflow (application → decision → active), kept so
 * that runs started before the full lifecycle replay exactly as they ran. An active run of
 * this version moves to the current one (continue-as-new with its state) as soon as it is
 * signalled that the garden's settings changed.
 */
export async function legacySubscriptionFlow(input: SubscriptionWorkflowInput): Promise<Subscription> {
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
  const persevere = createPerseverance();

  setHandler(subscriptionQuery, () => subscription);
  let upgradeRequested = false;
  setHandler(gardenSettingsChangedSignal, () => {
    upgradeRequested = true;
  });

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
        const refusal =
          decision.decision === 'waitlist'
            ? {
                fr: "Cet abonnement ne peut pas être mis sur liste d'attente : validez-le ou refusez-le.",
                en: 'This subscription cannot be waitlisted: approve or reject it.',
              }
            : decisionRefusal(subscription.status, subscription.decision !== undefined, decision);
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
      await persevere(
        {
          gardenId: subscription.gardenId,
          name: 'record',
          what: {
            fr: `Enregistrer l'abonnement ${subscription.id}`,
            en: `Record subscription ${subscription.id}`,
          },
          subject: { subscriptionId: subscription.id },
        },
        () => recordSubscription(snapshot),
      );
      recordedRevision = snapshot.revision;
      showState();
      continue;
    }
    if (subscription.status === 'rejected') break;
    await condition(() => recordedRevision < subscription.revision || upgradeRequested);
    if (upgradeRequested && recordedRevision === subscription.revision) {
      await condition(allHandlersFinished);
      return continueAsNew<(input: SubscriptionWorkflowInput) => Promise<Subscription>>({
        ...input,
        carried: { subscription, sentNotices: [] },
      });
    }
  }

  await condition(allHandlersFinished);
  return subscription;
}
