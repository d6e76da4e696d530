import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { gardenTimeZone } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { roundDeadline, roundEvening, roundLateMarksEnd, roundMorning } from '../../domain/rounds/collect.ts';
import type { RoundActivities } from '../../activities/round-activities.ts';
import { deliveryWeekKey, gardenIdKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';
import {
  approveRoundUpdate,
  changePinsUpdate,
  roundBasketsChangedSignal,
  roundStatusQuery,
  stopMarkedSignal,
  type ApproveRoundArgs,
  type ChangePinsArgs,
  type RoundInput,
  type RoundStatus,
  type StopMarkedArgs,
} from './contract.ts';

/** After a late mark, the day is reported again once this long has passed without another. */
const lateQuietMs = 15 * 60_000;

const roundActivities = proxyActivities<RoundActivities>({
  // Circuit's optimisation is a long operation, polled with back-off.
  startToCloseTimeout: '5 minutes',
  retry: boundedRetry,
});

/**
 * Planning, as long, but heartbeating (activities/heartbeat.ts): a planning whose worker died
 * is tried again within 30 s. Without it the chaos runs saw a round miss its day's new baskets
 * for the 5 minutes of its timeout after the worker was killed.
 */
const roundPlanning = proxyActivities<Pick<RoundActivities, 'planRound'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: boundedRetry,
});

/**
 * One garden's delivery round on a day: plan the routes, wait for staff to approve them
 * (re-planning when the baskets change, reminding staff before the deadline and telling them
 * when it passes), send them to the drivers, tell home-delivery members their window in the
 * morning, hear of the drivers' marks, and report the day in the evening; then, for two more
 * days, hear of the marks a phone could not send before and report the day again.
 */
export async function deliveryRound(input: RoundInput): Promise<RoundStatus> {
  const { gardenId, date } = input;
  const timeZone = input.timeZone ?? gardenTimeZone;
  const deadline = roundDeadline(date, timeZone).getTime();
  const morning = roundMorning(date, timeZone).getTime();
  const evening = roundEvening(date, timeZone).getTime();
  let status: RoundStatus = {
    gardenId,
    date,
    phase: 'planning',
    revision: 0,
    planning: false,
    pins: [],
    deadline: new Date(deadline).toISOString(),
  };
  const persevere = createPerseverance();
  const step = (name: string, fr: string, en: string) => ({
    gardenId,
    name,
    what: { fr: `${fr} (tournée du ${date})`, en: `${en} (round of ${date})` },
    subject: { week: isoWeek(date) },
  });

  let replanAsked = false;
  /** Staff asked (pins, "plan again"): plan even if nothing changed. */
  let forceNext = false;
  /** Plans worked out so far (an Update waits for the next one). */
  let plans = 0;
  let approving = false;
  /** The day's loops are over (the evening report is next): no more changes or approval. */
  let closing = false;
  const isClosing = () => closing || Date.now() >= evening;
  const dayOver = () =>
    refuse({ fr: 'La journée de cette tournée est terminée.', en: "This round's day is over." });
  const missed: StopMarkedArgs[] = [];
  const told = new Set<string>();
  /** When the last mark came in after the evening report began (the report is then made again). */
  let lateMarkAt: number | undefined;

  setHandler(roundStatusQuery, () => status);
  setHandler(roundBasketsChangedSignal, () => {
    if (status.phase !== 'done') replanAsked = true;
  });
  setHandler(stopMarkedSignal, (mark: StopMarkedArgs) => {
    if (mark.outcome === 'not-delivered' && !told.has(mark.stopId)) missed.push(mark);
    if (closing) lateMarkAt = Date.now();
  });
  setHandler(
    approveRoundUpdate,
    async ({ actor }: ApproveRoundArgs) => {
      approving = true;
      status = { ...status, approval: { by: actor, at: new Date().toISOString() } };
      await condition(() => closing || status.phase !== 'awaiting-approval');
      approving = false;
      return status;
    },
    {
      validator: ({ revision }: ApproveRoundArgs) => {
        if (isClosing()) dayOver();
        if (status.phase === 'planning' || status.planning) {
          refuse({
            fr: 'Les tournées sont en cours de calcul : réessayez dans un instant.',
            en: 'The routes are being worked out: try again in a moment.',
          });
        }
        if (status.phase !== 'awaiting-approval' || approving) {
          refuse({
            fr: 'Ces tournées sont déjà validées et envoyées aux chauffeurs.',
            en: 'These routes are already approved and sent to the drivers.',
          });
        }
        // Staff approve the plan they looked at: one planned again since must be looked at first.
        if (revision !== undefined && revision !== status.revision) {
          refuse({
            fr: 'Les tournées ont été recalculées depuis que vous les avez ouvertes : vérifiez-les, puis validez.',
            en: 'The routes were planned again since you opened them: check them, then approve.',
          });
        }
      },
    },
  );
  setHandler(
    changePinsUpdate,
    async ({ pins }: ChangePinsArgs) => {
      // A plan under way when the pins change was made without them: wait for the next one.
      const wanted = plans + (status.planning ? 2 : 1);
      status = { ...status, pins };
      replanAsked = true;
      forceNext = true;
      await condition(() => closing || (plans >= wanted && !status.planning));
      return status;
    },
    {
      validator: ({ pins }: ChangePinsArgs) => {
        if (status.phase === 'done' || isClosing()) dayOver();
        if (approving) {
          refuse({
            fr: 'Les tournées sont en cours d’envoi aux chauffeurs : réessayez dans un instant.',
            en: 'The routes are being sent to the drivers: try again in a moment.',
          });
        }
        if (new Set(pins.map((pin) => pin.stopId)).size !== pins.length) {
          refuse({ fr: 'Un arrêt ne peut être épinglé qu’une fois.', en: 'A stop can be pinned only once.' });
        }
      },
    },
  );

  upsertSearchAttributes([
    { key: gardenIdKey, value: gardenId },
    { key: deliveryWeekKey, value: isoWeek(date) },
  ]);

  /** Plans the round again; true when a new plan was stored (something changed). */
  async function plan(): Promise<boolean> {
    replanAsked = false;
    const force = forceNext;
    forceNext = false;
    const before = status.revision;
    status = { ...status, planning: true };
    const planned = await persevere(step('plan', 'Calculer les tournées', 'Plan the routes'), () =>
      roundPlanning.planRound({
        gardenId,
        date,
        timeZone,
        revision: status.revision + 1,
        pins: status.pins,
        phase: status.phase === 'planning' ? 'awaiting-approval' : status.phase,
        ...(force ? { force } : {}),
      }),
    );
    const { fallbackReason: _previous, ...rest } = status;
    status = {
      ...rest,
      revision: planned.revision,
      planning: false,
      ...(planned.fallbackReason ? { fallbackReason: planned.fallbackReason } : {}),
    };
    plans += 1;
    return planned.revision > before;
  }

  async function tellMissed() {
    while (missed.length > 0) {
      const mark = missed.shift() as StopMarkedArgs;
      if (told.has(mark.stopId)) continue;
      told.add(mark.stopId);
      await persevere(step('missed', 'Prévenir d’un panier non livré', 'Tell of a missed basket'), () =>
        roundActivities.tellMemberNotDelivered({ gardenId, date, stopId: mark.stopId, markId: mark.markId }),
      );
    }
  }

  // 1. The first plan, then staff's approval.
  await plan();
  status = { ...status, phase: 'awaiting-approval' };
  upsertSearchAttributes([{ key: waitingOnKey, value: waitingOn.roundApproval }]);
  const remindAt = deadline - 4 * 3_600_000;
  let reminded = false;
  let overdueTold = false;
  while (!status.approval) {
    if (replanAsked) {
      await plan();
      continue;
    }
    const now = Date.now();
    if (now >= evening) break;
    if (!reminded && now >= remindAt && now < deadline) {
      reminded = true;
      await persevere(step('remind', 'Rappeler les tournées à valider', 'Remind staff of the routes'), () =>
        roundActivities.remindStaffOfRound({
          gardenId,
          date,
          deadline: new Date(deadline).toISOString(),
          overdue: false,
        }),
      );
      continue;
    }
    if (!overdueTold && now >= deadline) {
      overdueTold = true;
      await persevere(
        step('overdue', 'Signaler les tournées non validées', 'Tell of unapproved routes'),
        () =>
          roundActivities.remindStaffOfRound({
            gardenId,
            date,
            deadline: new Date(deadline).toISOString(),
            overdue: true,
          }),
      );
      continue;
    }
    const next = !reminded && now < remindAt ? remindAt : !overdueTold && now < deadline ? deadline : evening;
    await condition(() => replanAsked || status.approval !== undefined, Math.max(next - now, 1));
  }
  upsertSearchAttributes([{ key: waitingOnKey, value: null }]);

  if (status.approval) {
    // 2. Send the routes to the drivers.
    await persevere(step('approve', 'Enregistrer la validation', 'Record the approval'), () =>
      roundActivities.setRoundPhase({
        gardenId,
        date,
        phase: 'awaiting-approval',
        approval: status.approval,
      }),
    );
    const revisionSent = status.revision;
    await persevere(
      step('distribute', 'Envoyer les tournées aux chauffeurs', 'Send the routes to the drivers'),
      () => roundActivities.distributeRound({ gardenId, date, revision: revisionSent }),
    );
    status = { ...status, phase: 'distributed' };

    // 3. The day: late changes, the members' windows in the morning, missed baskets.
    let windowsSent = false;
    for (;;) {
      await tellMissed();
      if (replanAsked) {
        if (!(await plan())) continue;
        await persevere(
          step('redistribute', 'Envoyer les tournées modifiées', 'Send the changed routes'),
          () => roundActivities.distributeRound({ gardenId, date, revision: status.revision }),
        );
        continue;
      }
      const now = Date.now();
      if (now >= evening) break;
      if (!windowsSent && now >= morning) {
        windowsSent = true;
        await persevere(
          step('windows', 'Annoncer les créneaux de livraison', 'Tell the delivery windows'),
          () => roundActivities.tellMembersTheirWindows({ gardenId, date }),
        );
        continue;
      }
      const next = !windowsSent ? morning : evening;
      await condition(() => replanAsked || missed.length > 0, Math.max(next - now, 1));
    }
    await tellMissed();
  }

  // 4. The evening report, approved or not; nothing can change the routes any more.
  closing = true;
  await persevere(step('report', 'Faire le bilan de la journée', 'Report the day'), () =>
    roundActivities.reportRoundDay({ gardenId, date, approved: status.approval !== undefined }),
  );
  status = { ...status, phase: 'done' };

  // 5. Late marks: a phone with no network all evening sends its marks when it finds one. The
  // member of a missed basket still hears of it, and the day is reported again (once a quarter
  // of an hour has passed without another mark, so that a phone's queue makes one report).
  // Runs started before this step (and their replays) end at the report.
  if (status.approval && patched('round-late-marks')) {
    const lateEnd = roundLateMarksEnd(date, timeZone).getTime();
    for (;;) {
      await tellMissed();
      const now = Date.now();
      if (lateMarkAt !== undefined && now >= lateMarkAt + lateQuietMs) {
        lateMarkAt = undefined;
        await persevere(step('report-again', 'Refaire le bilan de la journée', 'Report the day again'), () =>
          roundActivities.reportRoundDay({ gardenId, date, approved: true, revised: true }),
        );
        continue;
      }
      if (lateMarkAt === undefined && now >= lateEnd) break;
      const seen = lateMarkAt;
      const next = seen === undefined ? lateEnd : seen + lateQuietMs;
      await condition(() => missed.length > 0 || lateMarkAt !== seen, Math.max(next - now, 1));
    }
  }
  await condition(allHandlersFinished);
  return status;
}
