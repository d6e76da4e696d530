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

/** An entry's instant, in milliseconds (its ISO text may be written with more or fewer digits). */
const instantOf = (entry: JournalEntry): number => Date.parse(entry.at);

/**
 * The journal of several processes (each a chain of runs, oldest first), newest entry first.
 * The events of one workflow task share their instant (an approval and the step it starts):
 * at the same instant, a process's entries come latest first by their place in its history
 * (its runs in order, then its events, then the entries one event gave), and processes by
 * their place in `processes`. Sorted once, by these keys only: never re-sort the answer.
 */
export function processJournal(
  processes: readonly ProcessRun[][],
  context: JournalContext = {},
): JournalEntry[] {
  return processes
    .flatMap((runs, process) =>
      mapProcess(runs, processMappers, context).map((entry, place) => ({
        entry,
        at: instantOf(entry),
        process,
        place,
      })),
    )
    .sort((a, b) => b.at - a.at || a.process - b.process || b.place - a.place)
    .map(({ entry }) => entry);
}

/** Staff actions newest first: by instant, then by their place in the garden's log (seq). */
export function actionsNewestFirst(entries: readonly JournalEntry[]): JournalEntry[] {
  const seqOf = (entry: JournalEntry) => (entry.source.type === 'action' ? entry.source.seq : 0);
  return entries
    .map((entry) => ({ entry, at: instantOf(entry), seq: seqOf(entry) }))
    .sort((a, b) => b.at - a.at || b.seq - a.seq)
    .map(({ entry }) => entry);
}

/**
 * Two journals each newest first (`processJournal`'s, `actionsNewestFirst`'s) as one, newest
 * first, each keeping its own order; at the same instant, the first list's entries first.
 */
export function mergeNewestFirst(
  first: readonly JournalEntry[],
  second: readonly JournalEntry[],
): JournalEntry[] {
  const merged: JournalEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    const a = first[i] as JournalEntry;
    const b = second[j] as JournalEntry;
    if (instantOf(a) >= instantOf(b)) {
      merged.push(a);
      i++;
    } else {
      merged.push(b);
      j++;
    }
  }
  return [...merged, ...first.slice(i), ...second.slice(j)];
}
