import type { JournalEntry } from './journal-entry.ts';
import type { ProcessRun } from './process-events.ts';
import { mapProcess, type EventMapper, type JournalContext } from './process-journal.ts';
import { paymentMapper } from './process-payment.ts';
import { subscriptionMapper } from './process-subscription.ts';
import {
  billingMapper,
  extensionMapper,
  provisioningMapper,
  roundMapper,
  settingsBroadcastMapper,
  weekMapper,
} from './process-garden.ts';

/** Each workflow type's words (the types are the workflows' contracts' names). */
export const processMappers: Readonly<Record<string, EventMapper>> = {
  subscriptionWorkflow: subscriptionMapper,
  invoicePayment: paymentMapper,
  billingRun: billingMapper,
  weekPreparation: weekMapper,
  deliveryRound: roundMapper,
  extensionRollout: extensionMapper,
  gardenProvisioning: provisioningMapper,
  gardenRetirement: provisioningMapper,
  gardenSettingsBroadcast: settingsBroadcastMapper,
};

/** Newest first; entries of the same instant keep their history's order, reversed. */
export function newestFirst(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => b.entry.at.localeCompare(a.entry.at) || b.index - a.index)
    .map(({ entry }) => entry);
}

/** The journal of several processes (each a chain of runs, oldest first), newest entry first. */
export function processJournal(
  processes: readonly ProcessRun[][],
  context: JournalContext = {},
): JournalEntry[] {
  return newestFirst(processes.flatMap((runs) => mapProcess(runs, processMappers, context)));
}
