import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { FailureType } from '../../domain/failure-types.ts';
import {
  incidentKeys,
  stalledSummary,
  type Incident,
  type IncidentKind,
  type IncidentReport,
} from '../../domain/incidents.ts';
import type { Localized } from '../../domain/locale.ts';
import type { IncidentActivities } from '../../activities/incident-activities.ts';
import { retryNowSignal } from './contract.ts';

/**
 * How every activity of a process retries: a few minutes of tries, then the workflow tells
 * staff (see `persevere`). Never forever in silence.
 */
export const boundedRetry: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 10,
};

const incidents = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

/** Waits between two rounds of tries of a stalled step: longer each time, a day at most. */
const roundWaits = ['15 minutes', '1 hour', '4 hours', '1 day'] as const;

export interface Step {
  gardenId: string;
  /** The step's name in the process, e.g. "record". */
  name: string;
  /** What the step does, for staff: "Enregistrer l'abonnement m-1.2026-12-01". */
  what: Localized;
  subject: Incident['subject'];
  /** The kind of incident staff see; a stalled process unless said. */
  kind?: IncidentKind;
  /** Failures the caller handles itself: they are thrown, not reported. */
  passThrough?: readonly FailureType[];
}

/** What an activity's failure comes down to: its type, whether it is final, and its words. */
export function failureOf(error: ActivityFailure): {
  type: string | undefined;
  final: boolean;
  cause: string;
} {
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) {
    return {
      type: cause.type ?? undefined,
      final: cause.nonRetryable === true,
      cause: `${cause.type}: ${cause.message}`,
    };
  }
  return { type: undefined, final: false, cause: cause?.message ?? error.message };
}

/** What a failure comes down to, in words for the technical team. */
export function causeOf(error: unknown): string {
  if (error instanceof ActivityFailure) return failureOf(error).cause;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Puts an incident in the staff inbox for something the process gave up or left out; never
 * fails the process (a store that is down too is logged).
 */
export async function tellStaff(report: IncidentReport): Promise<void> {
  await incidents
    .reportIncident(report)
    .catch(() => log.error('incident not reported', { key: report.key, cause: report.cause }));
}

/**
 * Runs steps of a process until they succeed. A step whose activity fails past its retry
 * bound is reported to staff (inbox and email) and tried again by itself, after a wait that
 * grows to a day, or at once when staff ask (`retryNowSignal`). A failure that retrying cannot
 * cure (bad data) waits for staff. Once the step passes, the incident is closed. Meanwhile the
 * workflow still answers its queries and Updates.
 */
export function createPerseverance() {
  let retryAsked = false;
  setHandler(retryNowSignal, () => {
    retryAsked = true;
  });

  return async function persevere<T>(step: Step, run: () => Promise<T>): Promise<T> {
    const key = incidentKeys.stalled(workflowInfo().workflowId, step.name);
    let reported = false;
    for (let round = 0; ; round++) {
      try {
        const result = await run();
        if (reported) {
          await incidents
            .resolveIncident({ gardenId: step.gardenId, key })
            .catch(() => log.warn('incident not closed', { key }));
        }
        return result;
      } catch (error) {
        if (!(error instanceof ActivityFailure) || !patched('incidents-after-bounded-retries')) throw error;
        const failure = failureOf(error);
        if (failure.type && step.passThrough?.includes(failure.type as FailureType)) throw error;
        const retriesByItself = !failure.final;
        log.error('step stalled', { step: step.name, round, cause: failure.cause });
        await incidents
          .reportIncident({
            gardenId: step.gardenId,
            key,
            kind: step.kind ?? 'process-stalled',
            workflowId: workflowInfo().workflowId,
            subject: step.subject,
            summary: stalledSummary(step.what, retriesByItself),
            cause: failure.cause,
            retriesByItself,
          })
          // Reporting fails when the store is down too: the next round reports again.
          .then(() => (reported = true))
          .catch(() => log.error('incident not reported', { key }));
        retryAsked = false;
        const wait = roundWaits[Math.min(round, roundWaits.length - 1)] ?? '1 day';
        if (retriesByItself) await condition(() => retryAsked, wait);
        else await condition(() => retryAsked);
      }
    }
  };
}
export type Persevere = ReturnType<typeof createPerseverance>;

type AnyActivity = (...args: never[]) => Promise<unknown>;

/**
 * The activities of a proxy, each run as a step of `persevere` (named after the activity):
 * the whole process gets bounded retries with staff told, without wrapping each call by hand.
 */
export function persevering<T extends object>(
  activities: T,
  persevere: Persevere,
  describe: (activity: string) => Omit<Step, 'name'>,
): T {
  return new Proxy(activities, {
    get(target, property) {
      const activity = Reflect.get(target, property) as AnyActivity | undefined;
      if (typeof property !== 'string' || typeof activity !== 'function') return activity;
      return (...args: never[]) =>
        persevere({ ...describe(property), name: property }, () => activity(...args));
    },
  });
}
