import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SubscriptionStatus } from '../../../../domain/subscription.ts';
import * as api from './inbox-api.ts';
import type {
  ErasureRequestItem,
  IncidentItem,
  InvoiceDecisionItem,
  RoundApprovalItem,
} from './inbox-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';
import { useSubscriptionStore } from '../subscriptions/subscriptions-store.ts';

/** An application of the inbox, its subscription kept in the subscription store. */
export interface InboxEntry {
  kind: 'subscription-approval';
  since: string;
  subscriptionId: string;
  depotLoad?: { active: number; capacity: number };
}

/** A week whose composition waits for approval. */
export interface WeekInboxEntry {
  kind: 'week-composition';
  since: string;
  week: string;
  /** When the composition is due (ISO instant). */
  deadline?: string;
  /** Baskets to prepare that week, by size. */
  total?: { small: number; medium: number; large: number };
}

/** An invoice waiting for a staff decision (retry, manual payment, write-off, suspension). */
export interface InvoiceInboxEntry extends InvoiceDecisionItem {
  kind: 'payment-decision';
  since: string;
}

/** A process that needs staff: stalled, or unable to handle a record. */
/** A day's routes waiting for « Valider et envoyer aux chauffeurs ». */
export interface RoundInboxEntry extends RoundApprovalItem {
  kind: 'round-approval';
  since: string;
}

/** A member's erasure request, decided on the member's page. */
export interface ErasureInboxEntry extends ErasureRequestItem {
  kind: 'member-erasure';
  since: string;
}

export interface IncidentInboxEntry extends IncidentItem {
  since: string;
  /** Staff asked for a new try on this visit. */
  retryAsked?: boolean;
}

export type AnyInboxEntry = InboxEntry | WeekInboxEntry | InvoiceInboxEntry;

const awaiting: readonly SubscriptionStatus[] = ['pending', 'waitlisted'];

/**
 * What waits on staff (applications to approve, the waiting list, and weeks whose composition
 * is to approve), oldest first, and how many: the navigation badge and the dashboard read
 * `awaitingCount`.
 *
 * The API lists from Temporal's visibility, which follows decisions with a short delay: an
 * item decided here may still be listed for a moment. The subscription store knows better
 * (it holds what the decision answered), and weeks approved here are remembered, so the count
 * leaves out what is no longer awaiting.
 */
export const useInboxStore = defineStore('inbox', () => {
  const entries = ref<InboxEntry[]>([]);
  const weekEntries = ref<WeekInboxEntry[]>([]);
  const invoiceEntries = ref<InvoiceInboxEntry[]>([]);
  const incidentEntries = ref<IncidentInboxEntry[]>([]);
  const roundEntries = ref<RoundInboxEntry[]>([]);
  const erasureEntries = ref<ErasureInboxEntry[]>([]);
  /** Days whose routes were approved on this visit (visibility may still list them for a moment). */
  const approvedRounds = ref<string[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string>();
  /** The API's count, when the list itself has not been read. */
  const serverCount = ref<number>();
  const countedOut = new Set<string>();
  /** Weeks approved on this visit (visibility may still list them for a moment). */
  const approvedWeeks = ref<string[]>([]);

  const stillAwaiting = (entry: InboxEntry) => {
    const status = useSubscriptionStore().byId[entry.subscriptionId]?.status;
    return status === undefined || awaiting.includes(status);
  };

  const awaitingCount = computed<number | undefined>(() =>
    loaded.value
      ? entries.value.filter(stillAwaiting).length +
        weekEntries.value.filter((entry) => !approvedWeeks.value.includes(entry.week)).length +
        invoiceEntries.value.length +
        incidentEntries.value.length +
        erasureEntries.value.length +
        roundEntries.value.filter((entry) => !approvedRounds.value.includes(entry.date)).length
      : serverCount.value,
  );

  /** Everything listed, oldest first: applications and weeks mixed. */
  const all = computed<AnyInboxEntry[]>(() =>
    [...entries.value, ...weekEntries.value, ...invoiceEntries.value].sort((a, b) =>
      a.since.localeCompare(b.since),
    ),
  );

  /** Reads the inbox; never rejects on an API error (kept in `error`, already toasted). */
  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      await orProblem(
        async () => {
          const { items } = await api.listInbox(requireGardenId());
          const subscriptions = useSubscriptionStore();
          const applications: InboxEntry[] = [];
          const weeks: WeekInboxEntry[] = [];
          const invoices: InvoiceInboxEntry[] = [];
          const incidents: IncidentInboxEntry[] = [];
          const rounds: RoundInboxEntry[] = [];
          const erasures: ErasureInboxEntry[] = [];
          for (const item of items) {
            if (item.kind === 'member-erasure') {
              erasures.push({ ...item.erasure, kind: item.kind, since: item.since });
              continue;
            }
            if (item.kind === 'round-approval') {
              rounds.push({ ...item.round, kind: item.kind, since: item.since });
              continue;
            }
            if (item.kind === 'incident') {
              incidents.push({ ...item.incident, since: item.since });
              continue;
            }
            if (item.kind === 'payment-decision') {
              invoices.push({ ...item.invoice, kind: item.kind, since: item.since });
              continue;
            }
            if (item.kind === 'subscription-approval') {
              subscriptions.remember(item.subscription);
              applications.push({
                kind: item.kind,
                since: item.since,
                subscriptionId: item.subscription.id,
                ...(item.depotLoad ? { depotLoad: item.depotLoad } : {}),
              });
            } else {
              weeks.push({
                kind: item.kind,
                since: item.since,
                week: item.week.week,
                ...(item.week.deadline ? { deadline: item.week.deadline } : {}),
                ...(item.week.total ? { total: item.week.total } : {}),
              });
            }
          }
          entries.value = applications;
          weekEntries.value = weeks;
          invoiceEntries.value = invoices;
          incidentEntries.value = incidents;
          roundEntries.value = rounds;
          erasureEntries.value = erasures;
          loaded.value = true;
          serverCount.value =
            applications.length +
            weeks.length +
            invoices.length +
            incidents.length +
            rounds.length +
            erasures.length;
        },
        (failure) => {
          error.value = failure.message;
        },
      );
    } finally {
      loading.value = false;
    }
  }

  /** The count alone (start-up, dashboard); quiet on failure. */
  async function loadCount(): Promise<void> {
    await orProblem(async () => {
      serverCount.value = (await api.countInbox(requireGardenId())).count;
      countedOut.clear();
    });
  }

  function countOut(key: string): void {
    if (loaded.value || serverCount.value === undefined || countedOut.has(key)) return;
    // Read again, the count could still include it (visibility lags): count it out here.
    countedOut.add(key);
    serverCount.value = Math.max(0, serverCount.value - 1);
  }

  /**
   * A decision was taken (here or on another screen): the count follows at once. The screen
   * that decided says so; the subscription store does not import this one.
   */
  function decided(subscriptionId: string, status: SubscriptionStatus): void {
    if (awaiting.includes(status)) return;
    countOut(subscriptionId);
  }

  /** A week's composition was approved (here or on the week's page). */
  function weekApproved(week: string): void {
    if (!approvedWeeks.value.includes(week)) approvedWeeks.value = [...approvedWeeks.value, week];
    countOut(`week/${week}`);
  }

  function isWeekApproved(week: string): boolean {
    return approvedWeeks.value.includes(week);
  }

  /** A day's routes were approved (here or on the day's page). */
  function roundApproved(date: string): void {
    if (!approvedRounds.value.includes(date)) approvedRounds.value = [...approvedRounds.value, date];
    countOut(`round/${date}`);
  }

  function isRoundApproved(date: string): boolean {
    return approvedRounds.value.includes(date);
  }

  /**
   * Asks a stalled process to try again now. The incident stays listed until the process
   * closes it (when the step passes): read the inbox again to see it go.
   */
  async function retryIncident(key: string): Promise<void> {
    await api.retryIncident(requireGardenId(), key);
    incidentEntries.value = incidentEntries.value.map((entry) =>
      entry.key === key ? { ...entry, retryAsked: true } : entry,
    );
  }

  return {
    entries,
    weekEntries,
    invoiceEntries,
    incidentEntries,
    roundEntries,
    erasureEntries,
    all,
    loaded,
    loading,
    error,
    awaitingCount,
    load,
    loadCount,
    decided,
    weekApproved,
    isWeekApproved,
    roundApproved,
    isRoundApproved,
    retryIncident,
  };
});
