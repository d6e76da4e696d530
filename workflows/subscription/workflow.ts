import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { preparableWeeks } from '../../domain/delivery-week.ts';
import type { CutoffRule } from '../../domain/delivery-calendar.ts';
import { weekProcessId } from '../../domain/process-ids.ts';
import type { ScheduleContext } from '../../domain/delivery-schedule.ts';
import {
  applyEvent,
  nextEvent,
  scheduleContextOf,
  type SubscriptionEvent,
} from '../../domain/subscription-timeline.ts';
import {
  applicantGoneOutcome,
  applicationReceivedNotice,
  type SubscriptionNotice,
  type SubscriptionOutcome,
} from '../../domain/subscription-outcomes.ts';
import { failureTypes } from '../../domain/failure-types.ts';
import type { Localized } from '../../domain/locale.ts';
import { compactSubscription } from '../../domain/subscription-actions.ts';
import { awaitsDecision, finalStatuses, type Subscription } from '../../domain/subscription.ts';
import type { AccountActivities } from '../../activities/account-activities.ts';
import type { NotificationActivities } from '../../activities/notifications.ts';
import type { GardenSnapshot, SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenIdKey, subscriptionStatusKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import { accountLinkQuery, type AccountLinkState, type SubscriptionWorkflowInput } from './contract.ts';
import { answerPeopleAndProcesses } from './answers.ts';
import { legacySubscriptionFlow } from './legacy-v1.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';
import { createNoticeSender } from '../notices/notice-sender.ts';
import { basketsChangedSignal } from '../week/contract.ts';

const store = proxyActivities<SubscriptionActivities>({
  startToCloseTimeout: '30 seconds',
  // The store may be down for a while: past the bound, staff hear of it and the step waits.
  retry: boundedRetry,
});

const accounts = proxyActivities<AccountActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...boundedRetry, nonRetryableErrorTypes: [failureTypes.accountNotFound] },
});

const reminders = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  // A reminder still failing after two days is no use any more (tomorrow's delivery…).
  scheduleToCloseTimeout: '2 days',
  retry: {
    initialInterval: '5 seconds',
    maximumInterval: '10 minutes',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: [failureTypes.memberNotFound],
  },
});

/** Messages the law requires: tried until sent, staff told past each round of retries. */
const requiredNotices = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  retry: { ...boundedRetry, nonRetryableErrorTypes: [failureTypes.memberNotFound] },
});

const defaultHistoryLimit = 2_000;

const preparing: Localized = {
  fr: "L'abonnement se prépare encore : réessayez dans un instant.",
  en: 'The subscription is still getting ready: try again in a moment.',
};

/**
 * The whole life of one subscription: application → staff decision (or waiting list) →
 * active, with absences, pauses, depot or basket changes, reminders before each delivery,
 * renewal at the end of the season or online cancellation. What each action and each date
 * does is a rule of `domain/` (subscription-outcomes.ts, subscription-timeline.ts); this
 * workflow records each new state, sends each notice once, and waits. The history is the
 * audit trail; it continues as new when it grows long, carrying its state.
 */
export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<Subscription> {
  // Runs started before the full lifecycle keep their first path (see legacy-v1.ts).
  if (!input.carried && !patched('subscription-lifecycle')) return legacySubscriptionFlow(input);

  const workflowId = workflowInfo().workflowId;
  // Runs started before the rule « until the last day, included » keep the cutoff they ran
  // with (exactly the garden's hours before the day), so their histories replay as recorded.
  const cutoffRule: CutoffRule = patched('cutoff-last-day-included') ? 'last-day-included' : 'hours-before';
  const persevere = createPerseverance();
  let subscription: Subscription = input.carried?.subscription ?? {
    id: input.subscriptionId,
    gardenId: input.gardenId,
    ...input.request,
    status: 'pending',
    requested: input.requested,
    changes: [],
    absences: [],
    updatedAt: input.requested.at,
    revision: 1,
  };
  let recordedRevision = input.carried ? subscription.revision : 0;
  let remindedThrough = input.carried?.remindedThrough;
  const sentNotices = new Set(input.carried?.sentNotices ?? []);
  const notices: SubscriptionNotice[] = [];
  /** The account link, while it runs beside the application. */
  const inFlight = new Set<Promise<void>>();
  let garden: GardenSnapshot | undefined;
  let settingsChanged = false;

  const now = () => new Date();
  const timeZone = () => garden?.timeZone ?? gardenTimeZone;
  const today = () => gardenDay(now(), timeZone());
  const scheduleContext = (): ScheduleContext | undefined =>
    garden && { ...scheduleContextOf(garden), cutoffRule };
  function requireContext(): ScheduleContext {
    const context = scheduleContext();
    if (!context) refuse(preparing);
    return context;
  }

  const step = { gardenId: subscription.gardenId, subject: { subscriptionId: subscription.id } };
  const sender = createNoticeSender({
    gardenId: subscription.gardenId,
    workflowId,
    memberId: () => subscription.memberId,
    subject: () => ({ ...step.subject, memberId: subscription.memberId }),
    about: { fr: `abonnement ${subscription.id}`, en: `subscription ${subscription.id}` },
    // A reminder that still fails after two days is dropped, and staff are told.
    notify: reminders.notifyMember,
    required: {
      persevere,
      notify: requiredNotices.notifyMember,
      since: () => patched('legal-notices-until-sent'),
    },
    reportsUndelivered: () => patched('undelivered-notices-reported'),
    onHandled: (key) => sentNotices.add(key),
  });

  /** A new state of the subscription, to be recorded by the main loop. */
  function change(update: Partial<Subscription>): number {
    subscription = {
      ...subscription,
      ...update,
      updatedAt: now().toISOString(),
      revision: subscription.revision + 1,
    };
    return subscription.revision;
  }
  const unrecorded = () => recordedRevision < subscription.revision;
  const recorded = (revision: number) => condition(() => recordedRevision >= revision);
  /** Queues a notice, unless it was sent, is on its way or is queued already. */
  function notice(queued: SubscriptionNotice): void {
    const { key } = queued;
    if (!sentNotices.has(key) && !sender.isSending(key) && !notices.some((other) => other.key === key))
      notices.push(queued);
  }
  /** What an action does: its new state (to be recorded) and its notice (to be sent). */
  function take(outcome: SubscriptionOutcome): number {
    const revision = change(outcome.change);
    if (outcome.notice) notice(outcome.notice);
    return revision;
  }

  // People, other processes and questions (answers.ts): each action's outcome is taken here,
  // and recorded by the main loop below.
  answerPeopleAndProcesses({
    get subscription() {
      return subscription;
    },
    get garden() {
      return garden;
    },
    now,
    timeZone,
    scheduleContext,
    requireContext,
    take,
    recorded,
    settingsChanged: () => {
      settingsChanged = true;
    },
  });

  let accountLink: AccountLinkState | undefined = input.linkAccount && !input.carried ? 'linking' : undefined;
  setHandler(accountLinkQuery, () => accountLink);

  /**
   * Links the applicant's new account to their member record, beside the application: while
   * the identity provider is down the application still reaches staff, who see the link is
   * pending. An account deleted meanwhile withdraws the application and leaves no record.
   */
  async function linkAccount(userId: string): Promise<void> {
    try {
      await persevere(
        {
          ...step,
          subject: { ...step.subject, memberId: subscription.memberId },
          name: 'link-account',
          kind: 'account-link-pending',
          what: {
            fr: `Relier le compte en ligne de l'adhérent à sa demande d'abonnement ${subscription.id} (il ne peut pas encore voir son espace)`,
            en: `Link the member's online account to their application ${subscription.id} (they cannot see their area yet)`,
          },
          passThrough: [failureTypes.accountNotFound],
        },
        () =>
          accounts.linkMemberAccount({
            userId,
            gardenId: subscription.gardenId,
            memberId: subscription.memberId,
          }),
      );
      accountLink = 'linked';
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      accountLink = 'account-gone';
      const withdrawn = applicantGoneOutcome(subscription, userId, now(), timeZone());
      if (!withdrawn) return;
      await recorded(take(withdrawn));
      await store.forgetApplicant({
        gardenId: subscription.gardenId,
        userId,
        memberId: subscription.memberId,
        subscriptionId: subscription.id,
      });
    }
  }
  const readGarden = () =>
    persevere(
      {
        ...step,
        name: 'read-garden',
        what: {
          fr: `Lire le calendrier et les dépôts du jardin pour l'abonnement ${subscription.id}`,
          en: `Read the garden's calendar and depots for subscription ${subscription.id}`,
        },
      },
      () => store.loadGardenSnapshot(subscription.gardenId),
    );
  /** The state shown in the staff inbox and in searches. */
  const showState = () =>
    upsertSearchAttributes([
      { key: gardenIdKey, value: subscription.gardenId },
      { key: subscriptionStatusKey, value: subscription.status },
      {
        key: waitingOnKey,
        value: awaitsDecision(subscription.status) ? waitingOn.staffApproval : null,
      },
    ]);
  /**
   * The weeks that may already be prepared (this one and the next) plan this subscription's
   * baskets again: a late absence or change reaches the depot sheets without a new run.
   */
  async function tellPreparedWeeks(): Promise<void> {
    for (const week of preparableWeeks(today())) {
      await getExternalWorkflowHandle(weekProcessId(subscription.gardenId, week))
        .signal(basketsChangedSignal, subscription.id)
        // A week not prepared yet plans everyone when it starts: nothing to tell it.
        .catch(() => undefined);
    }
  }

  /** Lets time's next event happen: a new state, a notice, or both (domain/subscription-timeline.ts). */
  function happen(event: SubscriptionEvent): void {
    if (!garden) return;
    const outcome = applyEvent(subscription, event, garden, now());
    if (outcome.remindedThrough) remindedThrough = outcome.remindedThrough;
    if (outcome.change) change(outcome.change);
    if (outcome.notice) notice(outcome.notice);
    if (outcome.handled) sentNotices.add(outcome.handled);
  }
  const recordStep = {
    ...step,
    name: 'record',
    what: { fr: `Enregistrer l'abonnement ${subscription.id}`, en: `Record subscription ${subscription.id}` },
  };
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const historyIsLong = () => {
    const info = workflowInfo();
    return info.historyLength > historyLimit || info.continueAsNewSuggested;
  };
  /** Sends the next queued notice, if any: beside the subscription's life, never in its way. */
  function sendNextNotice(): boolean {
    const queued = notices.shift();
    if (queued) sender.send(queued.key, queued.request);
    return queued !== undefined;
  }
  /** Rejected, cancelled or ended: nothing more will happen. */
  const isOver = () => finalStatuses.includes(subscription.status);
  /** Time's next event has come. */
  const isDue = (event: SubscriptionEvent) => event.at <= now().getTime();
  /** The next run's input: the state, without the detail of changes and absences long past. */
  const carryOver = (): SubscriptionWorkflowInput => ({
    ...input,
    carried: {
      subscription: compactSubscription(subscription, today()),
      ...(remindedThrough ? { remindedThrough } : {}),
      sentNotices: [...sentNotices],
    },
  });
  /** What woke the subscription up while it waited (time aside). */
  const woken = () => unrecorded() || notices.length > 0 || settingsChanged;

  // 1. The application: the applicant's new account is linked beside it, and the garden's
  //    calendar and depots are read.
  if (input.linkAccount && !input.carried) {
    if (patched('link-account-beside-application')) {
      const linking: Promise<void> = linkAccount(input.linkAccount.userId)
        .catch((error: unknown) => log.error('account link failed', { error: String(error) }))
        .finally(() => inFlight.delete(linking));
      inFlight.add(linking);
    } else {
      // Runs started before: the link came first, then the application.
      await accounts.linkMemberAccount({
        userId: input.linkAccount.userId,
        gardenId: subscription.gardenId,
        memberId: subscription.memberId,
      });
      accountLink = 'linked';
    }
  }
  garden = await readGarden();
  let contextFresh = true;
  // An application made online is acknowledged at once (once: its key), not only when decided.
  if (input.acknowledge && !input.carried && patched('application-acknowledged'))
    notice(applicationReceivedNotice(subscription, garden));

  // 2. The application waits in the staff inbox for a decision (decideUpdate), on the waiting
  //    list until staff decide again. 3. The active life: absences, pauses, changes and renewal
  //    (Updates), unpaid invoices (signals), and what time brings (a pause starting and ending,
  //    reminders before a delivery, a resumption and a renewal). 4. The end: the season's, a
  //    cancellation's, or a rejection. Every phase takes the same steps, the first that applies:
  for (;;) {
    // Record each new state first: the store, the staff inbox, the weeks already prepared.
    if (unrecorded()) {
      const snapshot = subscription;
      await persevere(recordStep, () => store.recordSubscription(snapshot));
      recordedRevision = snapshot.revision;
      showState();
      if (patched('tell-prepared-weeks')) await tellPreparedWeeks();
      continue;
    }
    // Then send its notices, beside the subscription's life, never in its way: an email
    // service that is down delays a reminder, not a pause or the end of a season.
    if (sendNextNotice()) continue;
    if (isOver()) break;
    // The garden's calendar, rules or depots changed: read them before anything else.
    if (settingsChanged) {
      settingsChanged = false;
      garden = await readGarden();
      continue;
    }
    // What time brings, once due; after a wait, the garden's settings are read again first
    // (a week may have closed).
    const due = garden && nextEvent(subscription, garden, { remindedThrough, sentNotices }, now());
    if (due && isDue(due)) {
      if (!contextFresh) {
        garden = await readGarden();
        contextFresh = true;
        continue;
      }
      happen(due);
      continue;
    }
    // A long history: once handlers and messages are done and all is recorded, the next run
    // takes over, without the detail of changes and absences long past.
    if (historyIsLong()) {
      await condition(allHandlersFinished);
      await Promise.all([...inFlight, ...sender.onTheirWay()]);
      if (!unrecorded() && notices.length === 0)
        return continueAsNew<typeof subscriptionWorkflow>(carryOver());
      continue;
    }
    // Wait for a person (Updates), another process (signals), or the next event's time.
    if (due) {
      const timedOut = !(await condition(woken, due.at - now().getTime()));
      if (timedOut) contextFresh = false;
    } else {
      await condition(woken);
    }
  }

  await condition(allHandlersFinished);
  await Promise.all([...inFlight, ...sender.onTheirWay()]);
  return subscription;
}
