import { continueAsNew, getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenSettingsChangedSignal } from '../subscription/contract.ts';
import type { GardenSettingsBroadcastInput } from './contract.ts';

const { runningSubscriptionWorkflowIds } = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Signals per run, so the history stays small whatever the size of the garden. */
const signalsPerRun = 300;

export async function gardenSettingsBroadcast(input: GardenSettingsBroadcastInput): Promise<number> {
  const targets = input.remaining ?? (await runningSubscriptionWorkflowIds(input.gardenId));
  const now = targets.slice(0, signalsPerRun);
  const results = await Promise.allSettled(
    now.map((workflowId) => getExternalWorkflowHandle(workflowId).signal(gardenSettingsChangedSignal)),
  );
  // A subscription that ended meanwhile cannot be signalled, and needs nothing.
  const missed = results.filter((result) => result.status === 'rejected').length;
  if (missed > 0) log.info('subscriptions no longer running', { missed });
  const rest = targets.slice(signalsPerRun);
  if (rest.length > 0) {
    return continueAsNew<typeof gardenSettingsBroadcast>({ gardenId: input.gardenId, remaining: rest });
  }
  return now.length - missed;
}
