import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { addDays, gardenDay, nextWeekday, type IsoDate } from '../../domain/calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import type { Localized } from '../../domain/locale.ts';
import {
  decideUpdate,
  refusedFailureType,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
} from '../../workflows/subscription/contract.ts';
import type { subscriptionWorkflow } from '../../workflows/subscription/workflow.ts';
import { testActivities } from './environment.ts';
import { uniqueEmail } from './moto.ts';
import { withTestWorker, type WorkflowTestGarden } from './temporal.ts';

/** Who decides for the garden, and who reports absences, in the absence workflow tests. */
export const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
export const member = { userId: 'u-member', name: 'Sophie Girardot' };
export const paris = 'Europe/Paris';

/** The sentence a refused update carries (and checks that it was refused, not failed). */
export async function refusal(update: Promise<unknown>): Promise<Localized | undefined> {
  const error = await update.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as { type?: string; details?: Localized[] };
  expect(cause.type).toBe(refusedFailureType);
  return cause.details?.[0];
}

export interface AbsenceTestSubscription {
  /** The time-skipping server's time when it was set up. */
  t0: Date;
  /** The Tuesday delivery of the season's week `week` (0: the subscription's first one). */
  d: (week: number) => IsoDate;
  subscriptionId: string;
  /** The member's address (unique to the test), for the emails they are sent. */
  email: string;
  /** Runs `body` with a test worker, the subscription's workflow started and approved by staff. */
  run: (body: (handle: WorkflowHandle<typeof subscriptionWorkflow>) => Promise<void>) => Promise<void>;
}

/**
 * In the garden of a workflow test: a season that starts next week (48 h cutoff, deliveries on
 * Tuesdays), the garden's rules with `maxAbsencesPerSeason` and the compensated policy, a member
 * (Sophie Girardot), and her weekly medium subscription at the garden's depot from the first
 * Tuesday, for `run` to start.
 */
export async function absenceTestSubscription(
  garden: WorkflowTestGarden,
  options: { maxAbsencesPerSeason: number; emailPrefix: string },
): Promise<AbsenceTestSubscription> {
  const { env, store, gardenId, depotId } = garden;
  const t0 = new Date(await env.currentTimeMs());
  const seasonStart = nextWeekday(addDays(gardenDay(t0, paris), 7), 1);
  await store.settings.saveCalendar(
    gardenId,
    {
      seasons: [{ id: 'saison', start: seasonStart, end: addDays(seasonStart, 180) }],
      closedWeeks: [],
      cutoffHours: 48,
    },
    0,
    t0.toISOString(),
  );
  await store.settings.saveRules(
    gardenId,
    {
      ...defaultGardenRules,
      maxAbsencesPerSeason: options.maxAbsencesPerSeason,
      absencePolicy: 'compensated',
    },
    0,
  );
  const d = (week: number) => addDays(seasonStart, 1 + 7 * week);
  const memberId = `m-${randomUUID().slice(0, 8)}`;
  const email = uniqueEmail(options.emailPrefix);
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Sophie', lastName: 'Girardot', email },
    t0.toISOString(),
  );
  const subscriptionId = `${memberId}.${d(0)}`;

  const run: AbsenceTestSubscription['run'] = (body) =>
    withTestWorker(env, testActivities(store), async (taskQueue) => {
      const handle: WorkflowHandle<typeof subscriptionWorkflow> = await env.client.workflow.start(
        subscriptionWorkflowType,
        {
          taskQueue,
          workflowId: subscriptionWorkflowId(gardenId, subscriptionId),
          args: [
            {
              gardenId,
              subscriptionId,
              request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate: d(0) },
              requested: { by: staff, at: t0.toISOString() },
            },
          ],
        },
      );
      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
      await body(handle);
    });
  return { t0, d, subscriptionId, email, run };
}
