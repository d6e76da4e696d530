import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Act } from '../../domain/actor.ts';
import type {
  Subscription,
  SubscriptionDecisionInput,
  SubscriptionRequest,
} from '../../domain/subscription.ts';

/**
 * The contract of the subscription process: how to name, start and talk to the workflow.
 * The workflow file holds only the orchestration.
 */
export const subscriptionWorkflowType = 'subscriptionWorkflow';

/** Business-key workflow id: one workflow per subscription, never two. */
export function subscriptionWorkflowId(gardenId: string, subscriptionId: string): string {
  return `${gardenId}/subscription/${subscriptionId}`;
}

export interface SubscriptionWorkflowInput {
  gardenId: string;
  subscriptionId: string;
  request: SubscriptionRequest;
  requested: Act;
}

export interface DecideArgs {
  input: SubscriptionDecisionInput;
  actor: Actor;
}

/** A staff member approves or rejects the application. Validated before anything changes. */
export const decideUpdate = defineUpdate<Subscription, [DecideArgs]>('decide');

/** The subscription as the workflow knows it now. */
export const subscriptionQuery = defineQuery<Subscription>('subscription');

/** The error type of a refused action: the details hold its message in every locale. */
export const refusedFailureType = 'refused';
