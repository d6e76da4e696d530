import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { startOfDayIn } from '../../domain/delivery-calendar.ts';
import { isoWeek, weekDays } from '../../domain/iso-weeks.ts';
import type { BasketSize } from '../../domain/subscription.ts';
import type { WeekActivities } from '../../activities/week-activities.ts';
import type { RoundActivities } from '../../activities/round-activities.ts';
import { deliveryRound } from '../round/workflow.ts';
import { roundBasketsChangedSignal, roundProcessId } from '../round/contract.ts';
import { deliveryWeekKey, gardenIdKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';
import {
  approveCompositionUpdate,
  basketsChangedSignal,
  gardenChangedSignal,
  weekPreparationId,
  weekProgressQuery,
  type ApproveCompositionArgs,
  type WeekPreparationInput,
  type WeekProgress,
  type WeekTriggerInput,
} from './contract.ts';

/**
 * The week's quick steps (listing, planning a chunk, counting, checking, reminding): seconds
 * each. Their deadline is also how long a step waits when its task was lost on its way to the
 * worker (the connection between the worker and Temporal dropped: the server counts the task as
 * started): the chaos runs saw a week's counts stale for the 2 minutes it was before.
 */
const weekActivities = proxyActivities<WeekActivities>({
  startToCloseTimeout: '30 seconds',
  retry: boundedRetry,
});

/** Printing the week's documents (the harvest list, a sheet per depot): up to 2 minutes. */
const weekPrinting = proxyActivities<Pick<WeekActivities, 'printWeekDocuments'>>({
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry,
});

const roundActivities = proxyActivities<Pick<RoundActivities, 'roundDays'>>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/** Subscriptions planned per activity: the progress bar moves, and no activity runs long. */
const planningChunk = 200;

/**
 * One garden's delivery week: plan one basket per subscription and delivery day, count them
 * by depot and size, wait for staff to approve the composition (reminding them the day before
 * it is due), print the harvest list and depot sheets, and keep all of it up to date with
 * the absences and changes that still come in before each cutoff.
 */
export async function weekPreparation(input: WeekPreparationInput): Promise<WeekProgress> {
  const { gardenId, week } = input;
  let progress: WeekProgress = {
    gardenId,
    week,
    phase: 'planning',
    planned: 0,
    total: 0,
    overCapacity: [],
    documents: [],
  };
  let sizes: BasketSize[] = [];
  const persevere = createPerseverance();
  const unplannable = new Set<string>();
  /** Each activity of the week as a step that staff hear of when it stalls. */
  const activities = {
    runningSubscriptionIds: (id: string) =>
      persevere(stepNamed('subscriptions', 'Lister les abonnements', 'List the subscriptions'), () =>
        weekActivities.runningSubscriptionIds(id),
      ),
    planWeekBaskets: async (plan: Parameters<WeekActivities['planWeekBaskets']>[0]) => {
      const result = await persevere(stepNamed('plan', 'Calculer les paniers', 'Work out the baskets'), () =>
        weekActivities.planWeekBaskets(plan),
      );
      // Runs from before the incidents answered a count only.
      if (typeof result === 'object') {
        for (const id of plan.subscriptionIds) unplannable.delete(id);
        for (const id of result.unplannable) unplannable.add(id);
        progress = { ...progress, unplannable: [...unplannable] };
      }
      return result;
    },
    summarizeWeek: (args: Parameters<WeekActivities['summarizeWeek']>[0]) =>
      persevere(stepNamed('summarize', 'Compter les paniers', 'Count the baskets'), () =>
        weekActivities.summarizeWeek(args),
      ),
    compositionProblem: (args: Parameters<WeekActivities['compositionProblem']>[0]) =>
      persevere(stepNamed('check-composition', 'Vérifier la composition', 'Check the composition'), () =>
        weekActivities.compositionProblem(args),
      ),
    printWeekDocuments: (args: Parameters<WeekActivities['printWeekDocuments']>[0]) =>
      persevere(
        stepNamed(
          'print',
          "Imprimer la liste de récolte et les feuilles d'émargement",
          'Print the harvest list and depot sheets',
        ),
        () => weekPrinting.printWeekDocuments(args),
      ),
    remindStaffOfComposition: (args: Parameters<WeekActivities['remindStaffOfComposition']>[0]) =>
      persevere(
        stepNamed('remind', 'Rappeler la composition à valider', 'Remind staff of the composition'),
        () => weekActivities.remindStaffOfComposition(args),
      ),
  };
  function stepNamed(name: string, fr: string, en: string) {
    return {
      gardenId,
      name,
      what: { fr: `${fr} (semaine ${week.slice(6)})`, en: `${en} (week ${week.slice(6)})` },
      subject: { week },
    };
  }
  const changed = new Set<string>();
  let approving = false;
  let approved = false;

  setHandler(weekProgressQuery, () => progress);
  setHandler(basketsChangedSignal, (subscriptionId: string) => {
    changed.add(subscriptionId);
  });
  let gardenChanged = false;
  setHandler(gardenChangedSignal, () => {
    gardenChanged = true;
  });
  const hasChanges = () => changed.size > 0 || gardenChanged;
  setHandler(
    approveCompositionUpdate,
    async ({ actor }: ApproveCompositionArgs) => {
      approving = true;
      try {
        const problem = await activities.compositionProblem({ gardenId, week, sizes });
        if (problem) refuse(problem);
        progress = { ...progress, approval: { by: actor, at: new Date().toISOString() } };
        approved = true;
      } finally {
        approving = false;
      }
      // Answer once the documents exist, so the person can open them at once.
      await condition(() => progress.phase === 'ready' || progress.phase === 'done');
      return progress;
    },
    {
      validator: (_args: ApproveCompositionArgs) => {
        if (progress.phase !== 'awaiting-composition' || approving || approved) {
          refuse({
            fr:
              progress.phase === 'planning'
                ? 'Les paniers de la semaine sont encore en cours de calcul : réessayez dans un instant.'
                : 'La composition de cette semaine est déjà validée.',
            en:
              progress.phase === 'planning'
                ? "The week's baskets are still being planned: try again in a moment."
                : "This week's composition is already approved.",
          });
        }
      },
    },
  );

  upsertSearchAttributes([
    { key: gardenIdKey, value: gardenId },
    { key: deliveryWeekKey, value: week },
  ]);

  async function summarize() {
    const summary = await activities.summarizeWeek({ gardenId, week });
    sizes = summary.sizes;
    progress = {
      ...progress,
      counts: summary.counts,
      overCapacity: summary.overCapacity,
      ...(summary.deadline ? { deadline: summary.deadline } : {}),
    };
  }

  /** Plans again the subscriptions that changed since; prints again if already printed. */
  async function absorbChanges() {
    if (gardenChanged) {
      gardenChanged = false;
      for (const id of await activities.runningSubscriptionIds(gardenId)) changed.add(id);
    }
    const ids = [...changed];
    changed.clear();
    for (let index = 0; index < ids.length; index += planningChunk) {
      await activities.planWeekBaskets({
        gardenId,
        week,
        subscriptionIds: ids.slice(index, index + planningChunk),
      });
    }
    await summarize();
    if (progress.phase === 'ready') {
      progress = { ...progress, documents: await activities.printWeekDocuments({ gardenId, week }) };
    }
    await syncRounds();
  }

  /**
   * Starts the round of each delivery day of the week that has baskets (and a fleet to carry
   * them); a round already running (started early by staff, or planned before) is told that
   * its baskets changed, and so is one whose day has no basket left.
   */
  async function syncRounds() {
    // Runs started before rounds existed (and their replays) go on without them.
    if (!patched('week-plans-rounds')) return;
    const timeZone = input.timeZone ?? gardenTimeZone;
    const days = await persevere(stepNamed('rounds', 'Lancer les tournées', 'Start the rounds'), () =>
      roundActivities.roundDays({ gardenId, week, timeZone }),
    );
    for (const date of days) {
      const workflowId = roundProcessId(gardenId, date);
      try {
        await startChild(deliveryRound, {
          workflowId,
          args: [{ gardenId, date, timeZone }],
          taskQueue: workflowInfo().taskQueue,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        // A round over already cannot hear: nothing to tell it.
        await getExternalWorkflowHandle(workflowId)
          .signal(roundBasketsChangedSignal)
          .catch(() => undefined);
      }
    }
  }

  // 1. Plan every running subscription's baskets, a chunk at a time.
  const ids = await activities.runningSubscriptionIds(gardenId);
  progress = { ...progress, total: ids.length };
  for (let index = 0; index < ids.length; index += planningChunk) {
    const chunk = ids.slice(index, index + planningChunk);
    await activities.planWeekBaskets({ gardenId, week, subscriptionIds: chunk });
    progress = { ...progress, planned: progress.planned + chunk.length };
  }
  await summarize();
  await syncRounds();

  // 2. Wait for staff to approve the composition, absorbing changes meanwhile.
  progress = { ...progress, phase: 'awaiting-composition' };
  upsertSearchAttributes([{ key: waitingOnKey, value: waitingOn.weekComposition }]);
  let reminded = false;
  while (!approved) {
    if (hasChanges()) {
      await absorbChanges();
      continue;
    }
    const remindAt = progress.deadline ? Date.parse(progress.deadline) - 24 * 3_600_000 : undefined;
    if (!reminded && remindAt !== undefined && Date.now() >= remindAt && progress.deadline) {
      reminded = true;
      await activities.remindStaffOfComposition({ gardenId, week, deadline: progress.deadline });
      continue;
    }
    const wake = () => approved || hasChanges();
    if (!reminded && remindAt !== undefined) await condition(wake, Math.max(remindAt - Date.now(), 1));
    else await condition(wake);
  }

  // 3. Print the documents.
  progress = { ...progress, phase: 'printing' };
  upsertSearchAttributes([{ key: waitingOnKey, value: null }]);
  progress = {
    ...progress,
    documents: await activities.printWeekDocuments({ gardenId, week }),
    phase: 'ready',
  };

  // 4. Until the week is over, late absences and changes update baskets, counts and sheets.
  const endOfWeek = startOfDayIn(
    addDays(weekDays(week)[6] ?? week, 1),
    input.timeZone ?? gardenTimeZone,
  ).getTime();
  for (;;) {
    if (hasChanges()) {
      await absorbChanges();
      continue;
    }
    const remaining = endOfWeek - Date.now();
    if (remaining <= 0) break;
    await condition(hasChanges, remaining);
  }
  progress = { ...progress, phase: 'done' };
  await condition(allHandlersFinished);
  return progress;
}

/**
 * Started every week by the garden's schedule: prepares the week `weeksAhead` after the
 * current one, under its business id, so a second start (or a manual one) does nothing.
 */
export async function weekPreparationTrigger(input: WeekTriggerInput): Promise<string> {
  const today = gardenDay(new Date(), input.timeZone ?? gardenTimeZone);
  const week = isoWeek(addDays(today, 7 * input.weeksAhead));
  try {
    await startChild(weekPreparation, {
      workflowId: weekPreparationId(input.gardenId, week),
      args: [{ gardenId: input.gardenId, week, ...(input.timeZone ? { timeZone: input.timeZone } : {}) }],
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return week;
}
