import {
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
} from '@temporalio/workflow';
import { gardenDay } from '../../domain/calendar.ts';
import { preparableWeeks } from '../../domain/delivery-week.ts';
import { weekProcessId } from '../../domain/process-ids.ts';
import type { SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenSettingsChangedSignal } from '../subscription/contract.ts';
import { gardenChangedSignal } from '../week/contract.ts';
import type { GardenSettingsBroadcastInput } from './contract.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';

const { runningSubscriptionWorkflowIds } = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/** Signals per run, so the history stays small whatever the size of the garden. */
const signalsPerRun = 300;

export async function gardenSettingsBroadcast(input: GardenSettingsBroadcastInput): Promise<number> {
  if (input.remaining === undefined && patched('tell-prepared-weeks')) {
    // The weeks already prepared plan their baskets again (a depot now delivers another day…).
    for (const week of preparableWeeks(gardenDay(new Date()))) {
      await getExternalWorkflowHandle(weekProcessId(input.gardenId, week))
        .signal(gardenChangedSignal)
        // A week not prepared yet reads the new settings when it starts.
        .catch(() => undefined);
    }
  }
  const persevere = createPerseverance();
  const targets =
    input.remaining ??
    (await persevere(
      {
        gardenId: input.gardenId,
        name: 'list-subscriptions',
        what: {
          fr: 'Prévenir les abonnements en cours d’un changement du calendrier, des règles ou des dépôts',
          en: 'Tell running subscriptions that the calendar, rules or depots changed',
        },
        subject: {},
      },
      () => runningSubscriptionWorkflowIds(input.gardenId),
    ));
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
