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
import { weekProcessId } from '../../domain/process-ids.ts';
import { seasonAfter, seasonOf } from '../../domain/delivery-calendar.ts';
import {
  absenceRefusal,
  firstChangeableDelivery,
  upcomingDeliveries,
  type ScheduleContext,
} from '../../domain/delivery-schedule.ts';
import {
  applyEvent,
  nextEvent,
  scheduleContextOf,
  type SubscriptionEvent,
} from '../../domain/subscription-timeline.ts';
import { cancellationOutcome, suspensionStart } from '../../domain/subscription-outcomes.ts';
import { failureTypes } from '../../domain/failure-types.ts';
import type { Localized } from '../../domain/locale.ts';
import { ownValue } from '../../domain/records.ts';
import {
  legallyRequiredNotifications,
  notificationKindLabels,
  type NotificationRequest,
} from '../../domain/notifications.ts';
import { incidentKeys, undeliveredSummary } from '../../domain/incidents.ts';
import {
  cancellationRefusal,
  changeRefusal,
  compactSubscription,
  pausesTakenIn,
  isRunning,
  pauseRefusal,
  renewalRefusal,
  seasonTerms,
} from '../../domain/subscription-actions.ts';
import { decisionRefusal, finalStatuses, type Subscription } from '../../domain/subscription.ts';
import type { AccountActivities } from '../../activities/account-activities.ts';
import type { NotificationActivities } from '../../activities/notifications.ts';
import type { GardenSnapshot, SubscriptionActivities } from '../../activities/subscription-activities.ts';
import { gardenIdKey, subscriptionStatusKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  gardenSettingsChangedSignal,
  nextDeliveriesQuery,
  resumeDeliveriesSignal,
  suspendDeliveriesSignal,
  pauseUpdate,
  renewUpdate,
  reportAbsencesUpdate,
  subscriptionQuery,
  accountLinkQuery,
  type AccountLinkState,
  type AbsenceArgs,
  type CancelArgs,
  type ChangeArgs,
  type DecideArgs,
  type PauseArgs,
  type RenewArgs,
  type SubscriptionWorkflowInput,
  type SuspendDeliveriesArgs,
} from './contract.ts';
import { legacySubscriptionFlow } from './legacy-v1.ts';
import { boundedRetry, causeOf, createPerseverance, tellStaff } from '../incidents/persevere.ts';
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
 * renewal at the end of the season or online cancellation. Every state is written to the
 * store; every notice is sent once. The workflow history is the audit trail; it continues as
 * new when it grows long, carrying its state.
 */
export async function subscriptionWorkflow(input: SubscriptionWorkflowInput): Promise<Subscription> {
  // Runs started before the full lifecycle keep their first path (see legacy-v1.ts).
  if (!input.carried && !patched('subscription-lifecycle')) return legacySubscriptionFlow(input);

  const workflowId = workflowInfo().workflowId;
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
  const notices: Array<{ key: string; request: NotificationRequest }> = [];
  const inFlight = new Set<Promise<void>>();
  let garden: GardenSnapshot | undefined;
  let settingsChanged = false;
  /** Set while a decision is being applied, so a second one is refused. */
  let deciding = false;

  const now = () => new Date();
  const timeZone = () => garden?.timeZone ?? gardenTimeZone;
  const today = () => gardenDay(now(), timeZone());
  const scheduleContext = (): ScheduleContext | undefined => garden && scheduleContextOf(garden);
  const depotOf = (depotId: string) => (garden ? ownValue(garden.depots, depotId) : undefined);

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
  const recorded = (revision: number) => condition(() => recordedRevision >= revision);
  /** Notices being sent now: recorded in `sentNotices` once sent, not before. */
  const sendingNotices = new Set<string>();
  function notice(key: string, request: NotificationRequest): void {
    if (!sentNotices.has(key) && !sendingNotices.has(key) && !notices.some((queued) => queued.key === key))
      notices.push({ key, request });
  }
  function requireContext(): ScheduleContext {
    const context = scheduleContext();
    if (!context) refuse(preparing);
    return context;
  }

  setHandler(subscriptionQuery, () => subscription);
  setHandler(nextDeliveriesQuery, (count: number, at?: string) => {
    const context = scheduleContext();
    const asOf = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : now();
    return context && isRunning(subscription) ? upcomingDeliveries(subscription, context, asOf, count) : [];
  });
  setHandler(gardenSettingsChangedSignal, () => {
    settingsChanged = true;
  });
  setHandler(suspendDeliveriesSignal, (args: SuspendDeliveriesArgs) => {
    if (!isRunning(subscription)) return;
    const current = subscription.suspension;
    if (current?.invoiceNumbers.includes(args.invoiceNumber)) return;
    // From the first delivery still open to changes: baskets already promised are kept.
    const from = suspensionStart(subscription, scheduleContext(), now(), timeZone());
    change({
      suspension: {
        from,
        invoiceNumbers: [...(current?.invoiceNumbers ?? []), args.invoiceNumber],
        decided: current?.decided ?? args.decided,
        reason: current?.reason ?? args.reason,
      },
    });
    if (!current) {
      notice(`suspended/${args.invoiceNumber}`, {
        kind: 'deliveries-suspended',
        data: { invoiceLabel: args.invoiceLabel, amount: args.amount, from },
      });
    }
  });
  setHandler(resumeDeliveriesSignal, ({ invoiceNumber, invoiceLabel, writtenOff }) => {
    const current = subscription.suspension;
    if (!current?.invoiceNumbers.includes(invoiceNumber)) return;
    const rest = current.invoiceNumbers.filter((number) => number !== invoiceNumber);
    change({ suspension: rest.length > 0 ? { ...current, invoiceNumbers: rest } : undefined });
    if (rest.length === 0) {
      notice(`resumed/${invoiceNumber}`, {
        kind: 'deliveries-resumed',
        data: { invoiceLabel, ...(writtenOff ? { writtenOff } : {}) },
      });
    }
  });

  setHandler(
    decideUpdate,
    async ({ input: decision, actor }: DecideArgs) => {
      deciding = true;
      const at = now().toISOString();
      const reason = decision.reason?.trim();
      const decided = { by: actor, at, ...(reason ? { reason } : {}) };
      // Mark the decision at once, so a second one arriving meanwhile is refused.
      if (decision.decision === 'waitlist') {
        const revision = change({ status: 'waitlisted', decision: { ...decided, outcome: 'waitlisted' } });
        notice('waitlisted', {
          kind: 'subscription-waitlisted',
          data: { depotName: depotOf(subscription.depotId)?.name ?? '' },
        });
        await recorded(revision);
        deciding = false;
        return subscription;
      }
      if (decision.decision === 'reject') {
        const revision = change({ status: 'rejected', decision: { ...decided, outcome: 'rejected' } });
        notice('rejected', { kind: 'subscription-rejected', data: { reason: reason ?? '' } });
        await recorded(revision);
        return subscription;
      }
      await condition(() => garden !== undefined);
      const terms = garden ? seasonTerms(garden.calendar, garden.rules, subscription.startDate) : {};
      const revision = change({ status: 'active', decision: { ...decided, outcome: 'approved' }, ...terms });
      const depot = depotOf(subscription.depotId);
      notice('approved', {
        kind: 'subscription-approved',
        data: {
          startDate: subscription.startDate,
          depotName: depot?.name ?? '',
          depotAddress: depot?.address ?? '',
          openingHours: depot?.openingHours ?? '',
          basketSize: subscription.basketSize,
          frequency: subscription.frequency,
        },
      });
      await recorded(revision);
      deciding = false;
      return subscription;
    },
    {
      validator: ({ input: decision }: DecideArgs) =>
        refuse(decisionRefusal(subscription.status, deciding, decision)),
    },
  );

  setHandler(
    reportAbsencesUpdate,
    async ({ dates, actor }: AbsenceArgs) => {
      const reported = { by: actor, at: now().toISOString() };
      const unique = [...new Set(dates)].sort();
      const revision = change({
        absences: [...(subscription.absences ?? []), ...unique.map((date) => ({ date, reported }))].sort(
          (a, b) => a.date.localeCompare(b.date),
        ),
      });
      notice(`absence/${unique.join('+')}`, {
        kind: 'absence-confirmed',
        data: { dates: unique, absencePolicy: garden?.rules.absencePolicy ?? 'donated' },
      });
      await recorded(revision);
      return subscription;
    },
    {
      validator: ({ dates }: AbsenceArgs) => {
        const context = requireContext();
        const rules = garden?.rules ?? { maxAbsencesPerSeason: 0 };
        if (dates.length === 0 || dates.length > 20) {
          refuse({ fr: 'Choisissez entre 1 et 20 dates.', en: 'Choose between 1 and 20 dates.' });
        }
        // Each date is checked as if the earlier ones were already noted, so the season's
        // maximum counts them all.
        let candidate = subscription;
        for (const date of [...new Set(dates)].sort()) {
          refuse(absenceRefusal(candidate, context, rules, date, now()));
          candidate = {
            ...candidate,
            absences: [
              ...(candidate.absences ?? []),
              { date, reported: { by: { userId: '', name: '' }, at: '' } },
            ],
          };
        }
      },
    },
  );

  setHandler(
    pauseUpdate,
    async ({ from, until, actor }: PauseArgs) => {
      const seasonId = garden ? seasonOf(garden.calendar, from)?.id : undefined;
      const revision = change({
        pause: { from, until, requested: { by: actor, at: now().toISOString() } },
        ...(seasonId
          ? { pausesInSeason: { seasonId, count: pausesTakenIn(subscription, seasonId) + 1 } }
          : {}),
      });
      notice(`pause/${from}/${until}`, { kind: 'pause-confirmed', data: { from, until } });
      await recorded(revision);
      return subscription;
    },
    {
      validator: ({ from, until }: PauseArgs) =>
        refuse(pauseRefusal(subscription, requireContext(), from, until, now())),
    },
  );

  setHandler(
    changeTermsUpdate,
    async ({ depotId, basketSize, actor }: ChangeArgs) => {
      const context = requireContext();
      const effectiveFrom = firstChangeableDelivery(subscription, context, now())?.date ?? today();
      const revision = change({
        changes: [
          ...(subscription.changes ?? []),
          {
            effectiveFrom,
            ...(depotId ? { depotId } : {}),
            ...(basketSize ? { basketSize } : {}),
            requested: { by: actor, at: now().toISOString() },
          },
        ],
      });
      notice(`change/${revision}`, {
        kind: 'terms-changed',
        data: {
          effectiveFrom,
          ...(depotId ? { depotName: depotOf(depotId)?.name ?? depotId } : {}),
          ...(basketSize ? { basketSize } : {}),
        },
      });
      await recorded(revision);
      return subscription;
    },
    {
      validator: ({ depotId, basketSize }: ChangeArgs) =>
        refuse(
          changeRefusal(
            subscription,
            requireContext(),
            { ...(depotId ? { depotId } : {}), ...(basketSize ? { basketSize } : {}) },
            now(),
          ),
        ),
    },
  );

  setHandler(
    renewUpdate,
    async (_renewal: RenewArgs) => {
      const current = garden?.calendar.seasons.find((season) => season.id === subscription.seasonId);
      const next = garden && current ? seasonAfter(garden.calendar, current) : undefined;
      if (!next) return subscription;
      const revision = change({ seasonId: next.id, endDate: next.end });
      notice(`renewed/${next.id}`, { kind: 'subscription-renewed', data: { endDate: next.end } });
      await recorded(revision);
      return subscription;
    },
    {
      validator: (_renewal: RenewArgs) => {
        requireContext();
        refuse(renewalRefusal(subscription, garden?.calendar ?? { seasons: [] }));
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ origin, reason, actor }: CancelArgs) => {
      const at = now().toISOString();
      const trimmed = reason?.trim();
      const { effectiveDate, change: ending } = cancellationOutcome(
        subscription,
        garden?.rules ?? { cancellationNoticeDays: 0 },
        now(),
        timeZone(),
      );
      const cancellation = { by: actor, at, origin, effectiveDate, ...(trimmed ? { reason: trimmed } : {}) };
      const revision = change({ cancellation, ...ending });
      notice('cancellation', {
        kind: 'cancellation-acknowledged',
        data: { requestedAt: at, effectiveDate, origin, ...(trimmed ? { reason: trimmed } : {}) },
      });
      await recorded(revision);
      return subscription;
    },
    {
      validator: ({ origin, reason }: CancelArgs) =>
        refuse(cancellationRefusal(subscription, origin, reason)),
    },
  );

  const showState = () =>
    upsertSearchAttributes([
      { key: gardenIdKey, value: subscription.gardenId },
      { key: subscriptionStatusKey, value: subscription.status },
      {
        key: waitingOnKey,
        value:
          subscription.status === 'pending' || subscription.status === 'waitlisted'
            ? waitingOn.staffApproval
            : null,
      },
    ]);

  /** Lets time's next event happen: a new state, a notice, or both (domain/subscription-timeline.ts). */
  function happen(event: SubscriptionEvent): void {
    if (!garden) return;
    const outcome = applyEvent(subscription, event, garden, now());
    if (outcome.remindedThrough) remindedThrough = outcome.remindedThrough;
    if (outcome.change) change(outcome.change);
    if (outcome.notice) notice(outcome.notice.key, outcome.notice.request);
    if (outcome.handled) sentNotices.add(outcome.handled);
  }

  const step = { gardenId: subscription.gardenId, subject: { subscriptionId: subscription.id } };
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
      if (subscription.status !== 'pending' && subscription.status !== 'waitlisted') return;
      const at = now().toISOString();
      const revision = change({
        status: 'cancelled',
        cancellation: {
          by: { userId, name: subscription.memberId },
          at,
          origin: 'member',
          effectiveDate: today(),
          reason: 'Compte en ligne supprimé avant la décision.',
        },
      });
      await recorded(revision);
      await store.forgetApplicant({
        gardenId: subscription.gardenId,
        userId,
        memberId: subscription.memberId,
        subscriptionId: subscription.id,
      });
    }
  }
  /**
   * Sends a notice to the member. One the law requires is tried until it is sent (staff hear
   * of it after each round of retries) and staff are told when the member cannot be reached;
   * a reminder that still fails after two days is dropped, and staff are told.
   */
  async function sendNotice(key: string, request: NotificationRequest): Promise<void> {
    const input = {
      gardenId: subscription.gardenId,
      memberId: subscription.memberId,
      notification: request,
      idempotencyKey: `${workflowId}/${key}`,
    };
    const label = notificationKindLabels[request.kind];
    const subject = { ...step.subject, memberId: subscription.memberId };
    const undelivered = (why: Localized, cause: string) =>
      tellStaff({
        gardenId: subscription.gardenId,
        key: incidentKeys.undelivered(input.idempotencyKey),
        kind: 'message-undelivered',
        workflowId,
        subject,
        summary: why,
        cause,
        retriesByItself: false,
      });
    try {
      if (legallyRequiredNotifications.has(request.kind) && patched('legal-notices-until-sent')) {
        const result = await persevere(
          {
            ...step,
            subject,
            name: `notice/${key}`,
            kind: 'message-undelivered',
            what: {
              fr: `Envoyer à l'adhérent le message obligatoire « ${label.fr} » (abonnement ${subscription.id})`,
              en: `Send the member the required message "${label.en}" (subscription ${subscription.id})`,
            },
            passThrough: [failureTypes.memberNotFound],
          },
          () => requiredNotices.notifyMember(input),
        );
        if (result.status === 'skipped') {
          await undelivered(
            {
              fr: `Le message obligatoire « ${label.fr} » (abonnement ${subscription.id}) n'a pas pu être envoyé : l'adhérent n'a ni adresse email ni téléphone portable. Transmettez-le-lui par un autre moyen (courrier, en main propre).`,
              en: `The required message "${label.en}" (subscription ${subscription.id}) could not be sent: the member has neither an email address nor a mobile phone. Give it to them another way (post, by hand).`,
            },
            'no-contact-details',
          );
        }
      } else {
        await reminders.notifyMember(input);
      }
      sentNotices.add(key);
    } catch (error) {
      const cause = causeOf(error);
      log.warn('notice not sent', { notice: key, error: cause });
      // Given up: kept as handled, so it is not queued again, and staff are told.
      sentNotices.add(key);
      if (patched('undelivered-notices-reported')) {
        await undelivered(
          undeliveredSummary(label, {
            fr: `abonnement ${subscription.id}`,
            en: `subscription ${subscription.id}`,
          }),
          cause,
        );
      }
    }
  }
  let accountLink: AccountLinkState | undefined = input.linkAccount && !input.carried ? 'linking' : undefined;
  setHandler(accountLinkQuery, () => accountLink);
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

  garden = await readGarden();
  let contextFresh = true;
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;

  for (;;) {
    if (recordedRevision < subscription.revision) {
      const snapshot = subscription;
      await persevere(
        {
          ...step,
          name: 'record',
          what: {
            fr: `Enregistrer l'abonnement ${subscription.id}`,
            en: `Record subscription ${subscription.id}`,
          },
        },
        () => store.recordSubscription(snapshot),
      );
      recordedRevision = snapshot.revision;
      showState();
      if (patched('tell-prepared-weeks')) await tellPreparedWeeks();
      continue;
    }
    const queued = notices.shift();
    if (queued) {
      // Notices go out beside the subscription's life, never in its way: an email service
      // that is down delays a reminder, not a pause or the end of a season.
      sendingNotices.add(queued.key);
      const sending: Promise<void> = sendNotice(queued.key, queued.request).finally(() => {
        sendingNotices.delete(queued.key);
        inFlight.delete(sending);
      });
      inFlight.add(sending);
      continue;
    }
    if (finalStatuses.includes(subscription.status)) break;
    if (settingsChanged) {
      settingsChanged = false;
      garden = await readGarden();
      continue;
    }
    const due = garden && nextEvent(subscription, garden, { remindedThrough, sentNotices }, now());
    if (due && due.at <= now().getTime()) {
      // Read the garden's settings again before acting on them (a week may have closed).
      if (!contextFresh) {
        garden = await readGarden();
        contextFresh = true;
        continue;
      }
      happen(due);
      continue;
    }
    const info = workflowInfo();
    if (info.historyLength > historyLimit || info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await Promise.all(inFlight);
      if (recordedRevision === subscription.revision && notices.length === 0) {
        return continueAsNew<typeof subscriptionWorkflow>({
          ...input,
          carried: {
            // The next run starts without the detail of changes and absences long past.
            subscription: compactSubscription(subscription, today()),
            ...(remindedThrough ? { remindedThrough } : {}),
            sentNotices: [...sentNotices],
          },
        });
      }
      continue;
    }
    const woken = () => recordedRevision < subscription.revision || notices.length > 0 || settingsChanged;
    if (due) {
      const timedOut = !(await condition(woken, due.at - now().getTime()));
      if (timedOut) contextFresh = false;
    } else {
      await condition(woken);
    }
  }

  await condition(allHandlersFinished);
  await Promise.all(inFlight);
  return subscription;
}
