import { condition, setHandler } from '@temporalio/workflow';
import type { ScheduleContext } from '../../domain/delivery-schedule.ts';
import {
  absencesRefusal,
  absenceWithdrawalRefusal,
  upcomingDeliveries,
} from '../../domain/delivery-schedule.ts';
import {
  absencesOutcome,
  absenceWithdrawalOutcome,
  cancellation,
  decisionOutcome,
  pauseOutcome,
  renewalOutcome,
  resumptionOutcome,
  suspensionOutcome,
  termsChangeOutcome,
  type SubscriptionOutcome,
} from '../../domain/subscription-outcomes.ts';
import {
  cancellationRefusal,
  changeRefusal,
  isRunning,
  pauseRefusal,
  renewalRefusal,
} from '../../domain/subscription-actions.ts';
import { decisionRefusal, type Subscription } from '../../domain/subscription.ts';
import { decidedOutcomes, decidedPolicy } from '../../domain/absence-decisions.ts';
import type { GardenSnapshot } from '../../activities/subscription-activities.ts';
import { refuse } from '../refusal.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  gardenSettingsChangedSignal,
  nextDeliveriesQuery,
  pauseUpdate,
  renewUpdate,
  reportAbsencesUpdate,
  resumeDeliveriesSignal,
  subscriptionQuery,
  suspendDeliveriesSignal,
  withdrawAbsenceUpdate,
  type AbsenceArgs,
  type CancelArgs,
  type ChangeArgs,
  type DecideArgs,
  type PauseArgs,
  type RenewArgs,
  type SuspendDeliveriesArgs,
  type WithdrawAbsenceArgs,
} from './contract.ts';

/** What the answers below read of one running subscription, and how they change it. */
export interface SubscriptionRun {
  readonly subscription: Subscription;
  /** The garden's calendar, rules and depots, once read. */
  readonly garden: GardenSnapshot | undefined;
  now(): Date;
  timeZone(): string;
  scheduleContext(): ScheduleContext | undefined;
  /** The schedule, or a refusal saying the subscription is still getting ready. */
  requireContext(): ScheduleContext;
  /** Takes an action's outcome: its new state (to be recorded) and its notice; the new revision. */
  take(outcome: SubscriptionOutcome): number;
  /** Resolves once the main loop has recorded this revision. */
  recorded(revision: number): Promise<void>;
  /** The garden's settings changed: read them again before anything else. */
  settingsChanged(): void;
}

/**
 * How a subscription answers people (Updates: staff decide, members and staff report absences,
 * pause, change, renew, cancel), other processes (signals: an unpaid invoice, the garden's
 * settings) and questions (queries). Each validator refuses, in words, what cannot be done,
 * before anything changes; each Update answers once its new state is recorded. The rules are
 * `domain/`'s (subscription-outcomes.ts, subscription-actions.ts, delivery-schedule.ts).
 */
export function answerPeopleAndProcesses(run: SubscriptionRun): void {
  /** Set while a decision is being applied, so a second one is refused. */
  let deciding = false;

  setHandler(subscriptionQuery, () => run.subscription);
  setHandler(nextDeliveriesQuery, (count: number, at?: string) => {
    const context = run.scheduleContext();
    const asOf = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : run.now();
    return context && isRunning(run.subscription)
      ? upcomingDeliveries(run.subscription, context, asOf, count)
      : [];
  });
  setHandler(gardenSettingsChangedSignal, () => run.settingsChanged());

  // An unpaid invoice (the payment process's signals): deliveries stop from the first one
  // still open to changes, and resume once no unpaid invoice holds them.
  setHandler(suspendDeliveriesSignal, (args: SuspendDeliveriesArgs) => {
    const outcome = suspensionOutcome(
      run.subscription,
      args,
      run.scheduleContext(),
      run.now(),
      run.timeZone(),
    );
    if (outcome) run.take(outcome);
  });
  setHandler(resumeDeliveriesSignal, (settled) => {
    const outcome = resumptionOutcome(run.subscription, settled);
    if (outcome) run.take(outcome);
  });

  // Staff decide on the application: approved, rejected, or on the waiting list.
  setHandler(
    decideUpdate,
    async ({ input: decision, actor }: DecideArgs) => {
      // Marked at once, so a second decision arriving meanwhile is refused.
      deciding = true;
      const decidedAt = run.now();
      // An approval takes the season's terms from the garden's calendar.
      if (decision.decision === 'approve') await condition(() => run.garden !== undefined);
      await run.recorded(run.take(decisionOutcome(run.subscription, decision, actor, run.garden, decidedAt)));
      deciding = false;
      return run.subscription;
    },
    {
      validator: ({ input: decision }: DecideArgs) =>
        refuse(decisionRefusal(run.subscription.status, deciding, decision)),
    },
  );

  // The active life: absences, a pause, another depot or basket size.
  setHandler(
    reportAbsencesUpdate,
    async ({ dates, actor, decisions }: AbsenceArgs) => {
      const policy = run.garden?.rules.absencePolicy ?? 'donated';
      // Each day's basket as decided (the extension's decision), else by the garden's rule.
      const outcomes = decidedOutcomes(decisions);
      await run.recorded(
        run.take(absencesOutcome(run.subscription, dates, actor, policy, run.now(), outcomes)),
      );
      return run.subscription;
    },
    {
      validator: ({ dates, decisions }: AbsenceArgs) => {
        const context = run.requireContext();
        const rules = run.garden?.rules ?? { maxAbsencesPerSeason: 0 };
        // The extension's decisions replace the garden's maximum, never the facts.
        const policy = Array.isArray(decisions) ? decidedPolicy(decisions, rules) : undefined;
        refuse(absencesRefusal(run.subscription, context, rules, dates, run.now(), policy));
      },
    },
  );
  // An absence taken back before its cutoff: the basket comes back (and a compensated one is
  // no longer owed). Recorded like any change, so the weeks already prepared plan it again.
  setHandler(
    withdrawAbsenceUpdate,
    async ({ date, actor }: WithdrawAbsenceArgs) => {
      const policy = run.garden?.rules.absencePolicy ?? 'donated';
      await run.recorded(
        run.take(absenceWithdrawalOutcome(run.subscription, date, actor, policy, run.now())),
      );
      return run.subscription;
    },
    {
      validator: ({ date }: WithdrawAbsenceArgs) =>
        refuse(absenceWithdrawalRefusal(run.subscription, run.requireContext(), date, run.now())),
    },
  );
  setHandler(
    pauseUpdate,
    async (pause: PauseArgs) => {
      await run.recorded(run.take(pauseOutcome(run.subscription, pause, run.garden?.calendar, run.now())));
      return run.subscription;
    },
    {
      validator: ({ from, until }: PauseArgs) =>
        refuse(pauseRefusal(run.subscription, run.requireContext(), from, until, run.now())),
    },
  );
  setHandler(
    changeTermsUpdate,
    async (terms: ChangeArgs) => {
      const context = run.requireContext();
      const depots = run.garden?.depots ?? {};
      await run.recorded(run.take(termsChangeOutcome(run.subscription, terms, context, depots, run.now())));
      return run.subscription;
    },
    {
      validator: ({ depotId, basketSize }: ChangeArgs) =>
        refuse(
          changeRefusal(
            run.subscription,
            run.requireContext(),
            { ...(depotId ? { depotId } : {}), ...(basketSize ? { basketSize } : {}) },
            run.now(),
          ),
        ),
    },
  );

  // The end of a season: renewal into the next one, or a cancellation by the member or staff.
  setHandler(
    renewUpdate,
    async (_renewal: RenewArgs) => {
      const outcome = run.garden && renewalOutcome(run.subscription, run.garden.calendar);
      if (outcome) await run.recorded(run.take(outcome));
      return run.subscription;
    },
    {
      validator: (_renewal: RenewArgs) => {
        run.requireContext();
        refuse(renewalRefusal(run.subscription, run.garden?.calendar ?? { seasons: [] }));
      },
    },
  );
  setHandler(
    cancelUpdate,
    async (request: CancelArgs) => {
      const rules = run.garden?.rules ?? { cancellationNoticeDays: 0 };
      await run.recorded(run.take(cancellation(run.subscription, request, rules, run.now(), run.timeZone())));
      return run.subscription;
    },
    {
      validator: ({ origin, reason }: CancelArgs) =>
        refuse(cancellationRefusal(run.subscription, origin, reason)),
    },
  );
}
