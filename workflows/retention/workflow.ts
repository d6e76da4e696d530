import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { IncidentActivities } from '../../activities/incident-activities.ts';
import type { MemberErasureActivities } from '../../activities/member-erasure.ts';
import type {
  InactiveMembersPage,
  RetentionActivities,
  SweepPageInput,
  SweepPageResult,
} from '../../activities/retention.ts';
import {
  noHistoriesPurgedAgain,
  retentionSummary,
  startedOutcome,
  withHistoriesPage,
  type HistoriesPurgedAgain,
  sweptKindLabels,
  sweptKinds,
  withPage,
  type RetentionReport,
  type RetentionRuleOutcome,
  type SweptKind,
} from '../../domain/retention-sweep.ts';
import { boundedRetry, causeOf, tellStaff } from '../incidents/persevere.ts';
import {
  defaultPagesPerRule,
  retentionIncidentKey,
  type RetentionSweepInput,
  type RetentionSweepResult,
} from './contract.ts';

const { planRetentionSweep, saveRetentionReport } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/** A page reads, deletes in S3 and DynamoDB: a few minutes at most, a few bounded tries. */
const sweeps = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '5 minutes',
  retry: boundedRetry,
});

/** One inactive member erased: like a request's erasure, minutes for a long-standing member. */
const { anonymiseInactiveMember } = proxyActivities<MemberErasureActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

/** A page of erased members' histories purged again: a few Temporal and S3 calls per member. */
const { purgeErasedHistoriesDue } = proxyActivities<MemberErasureActivities>({
  startToCloseTimeout: '10 minutes',
  retry: boundedRetry,
});

const { resolveIncident } = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

/** Each rule's page of work, in the order of `sweptKinds`. */
const pageOf: Record<SweptKind, (input: SweepPageInput) => Promise<SweepPageResult | InactiveMembersPage>> = {
  notificationLog: (input) => sweeps.sweepNotificationLog(input),
  signingSheets: (input) => sweeps.sweepSigningSheets(input),
  deliveryRounds: (input) => sweeps.sweepDeliveryRounds(input),
  staffActionLog: (input) => sweeps.sweepStaffActionOrigins(input),
  inactiveMember: (input) => sweeps.findInactiveMembers(input),
};

/**
 * A garden's retention sweep: 1. fix every rule's cutoff from the run's clock and the garden's
 * time zone; 2. for each rule, page after page (at most `pagesPerRule`; the rest is the next
 * night's): delete what has had its period, count what could not be handled; 3. purge again the
 * histories of the members the rule erased days before; 4. keep the report.
 * A rule that fails past its bounded retries is reported to staff and the next rules still run;
 * its incident closes on the first night it passes again. Only counts and ids are in the history.
 */
export async function retentionSweep(input: RetentionSweepInput): Promise<RetentionSweepResult> {
  const { gardenId } = input;
  const { workflowId } = workflowInfo();
  const pagesPerRule = Math.max(1, input.pagesPerRule ?? defaultPagesPerRule);

  // 1. The cutoffs: the run's own clock, so that every page of a rule deletes up to the same day.
  const ranAt = new Date().toISOString();
  const plan = await planRetentionSweep({ gardenId, ranAt });

  // 2. The rules.
  const rules: RetentionRuleOutcome[] = [];
  for (const kind of sweptKinds) {
    const cutoff = plan.cutoffs[kind];
    let outcome = startedOutcome(cutoff, cutoff.then);
    try {
      let cursor: string | undefined;
      for (let pages = 0; ; pages++) {
        if (pages >= pagesPerRule) {
          outcome = { ...outcome, outcome: 'unfinished' };
          break;
        }
        const page = await pageOf[kind]({
          gardenId,
          cutoff,
          timeZone: plan.timeZone,
          cursor,
          ...(input.pageSize ? { limit: input.pageSize } : {}),
        });
        outcome = withPage(outcome, 'memberIds' in page ? { ...page, listed: 0 } : page);
        // Inactive members: each erased as on a request (activities/member-erasure.ts); one that
        // fails is counted and named by id, and the others go on (the next night tries it again).
        if ('memberIds' in page) {
          for (const memberId of page.memberIds) {
            try {
              const done = await anonymiseInactiveMember({ gardenId, memberId, sweptAt: ranAt });
              outcome = withPage(outcome, {
                removed: done === 'anonymised' ? 1 : 0,
                errors: 0,
                problems: [],
              });
            } catch (error) {
              outcome = withPage(outcome, {
                removed: 0,
                errors: 1,
                problems: [`member ${memberId}: ${causeOf(error)}`],
              });
            }
          }
        }
        if (!page.more || !page.cursor) break;
        cursor = page.cursor;
      }
      if (plan.previouslyFailed.includes(kind)) {
        await resolveIncident({ gardenId, key: retentionIncidentKey(kind) }).catch(() =>
          log.warn('incident not closed', { key: retentionIncidentKey(kind) }),
        );
      }
    } catch (error) {
      outcome = { ...outcome, outcome: 'failed' };
      const label = sweptKindLabels[kind];
      await tellStaff({
        gardenId,
        key: retentionIncidentKey(kind),
        kind: 'process-stalled',
        workflowId,
        subject: {},
        summary: {
          fr: `Durées de conservation : le traitement des données arrivées au terme de leur conservation (${label.fr}) a échoué après plusieurs essais. Il sera retenté la nuit prochaine ; si cela se répète, prévenez l'équipe technique.`,
          en: `Retention: handling the data whose retention period is over (${label.en}) failed after several tries. It will be tried again next night; if it happens again, tell the technical team.`,
        },
        cause: causeOf(error),
        retriesByItself: true,
      });
    }
    rules.push(outcome);
  }

  // 3. The histories of the members erased days before, purged again (`historiesPurgedAgainAfterDays`).
  let historiesPurgedAgain: HistoriesPurgedAgain | undefined;
  if (patched('retention-purges-histories-again')) {
    let done = noHistoriesPurgedAgain;
    try {
      let cursor: string | undefined;
      for (let pages = 0; ; pages++) {
        if (pages >= pagesPerRule) {
          done = { ...done, outcome: 'unfinished' };
          break;
        }
        const page = await purgeErasedHistoriesDue({ gardenId, ranAt, cursor, limit: input.pageSize });
        done = withHistoriesPage(done, page);
        if (!page.more || !page.cursor) break;
        cursor = page.cursor;
      }
      if (plan.historiesPurgeFailed) {
        const key = retentionIncidentKey('historiesPurgedAgain');
        await resolveIncident({ gardenId, key }).catch(() => log.warn('incident not closed', { key }));
      }
    } catch (error) {
      done = { ...done, outcome: 'failed' };
      await tellStaff({
        gardenId,
        key: retentionIncidentKey('historiesPurgedAgain'),
        kind: 'process-stalled',
        workflowId,
        subject: {},
        summary: {
          fr: "Durées de conservation : la nouvelle purge des historiques des adhérents effacés a échoué après plusieurs essais. Elle sera retentée la nuit prochaine ; si cela se répète, prévenez l'équipe technique.",
          en: 'Retention: purging again the histories of erased members failed after several tries. It will be tried again next night; if it happens again, tell the technical team.',
        },
        cause: causeOf(error),
        retriesByItself: true,
      });
    }
    historiesPurgedAgain = done;
  }

  // 4. The report.
  const report: RetentionReport = {
    gardenId,
    ranAt,
    timeZone: plan.timeZone,
    rules,
    ...(historiesPurgedAgain ? { historiesPurgedAgain } : {}),
  };
  try {
    await saveRetentionReport(report);
  } catch (error) {
    await tellStaff({
      gardenId,
      key: 'retention/report',
      kind: 'process-stalled',
      workflowId,
      subject: {},
      summary: {
        fr: "Durées de conservation : le compte rendu de la nuit n'a pas pu être enregistré. Les suppressions ont eu lieu ; prévenez l'équipe technique si cela se répète.",
        en: "Retention: the night's report could not be saved. The deletions took place; tell the technical team if it happens again.",
      },
      cause: causeOf(error),
      retriesByItself: true,
    });
    throw error;
  }
  log.info(retentionSummary(report).en);
  return report;
}
