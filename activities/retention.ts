import { ApplicationFailure } from '@temporalio/common';
import { forgetRequestOrigins, requestOriginsPage } from '../adapters/store/action-log.ts';
import type { DocumentStore } from '../adapters/store/documents.ts';
import type { Store } from '../adapters/store/index.ts';
import { createRetentionReportStore } from '../adapters/store/retention-report-store.ts';
import { roundPhotoIdPattern, roundPhotoKey } from '../adapters/store/round-store.ts';
import { gardenTimeZone, isIsoDate } from '../domain/calendar.ts';
import { failureTypes } from '../domain/failure-types.ts';
import { isEntityId } from '../domain/ids.ts';
import type { WeekSummary } from '../adapters/store/week-store.ts';
import {
  isInactiveMember,
  lastWeekBefore,
  problemsKept,
  retentionCutoffs,
  type RetentionCutoff,
  type RetentionPage,
  type RetentionReport,
  type SweptKind,
} from '../domain/retention-sweep.ts';

export interface RetentionDeps {
  store: Store;
  /** The garden's documents in S3: signing sheets, round photos. */
  documents: DocumentStore;
  /** The clock of what the sweep writes besides its deletions (a summary's `updatedAt`). */
  now?: () => Date;
}

/** Records read per page unless the workflow says otherwise, and at most. */
export const defaultPageSize = 200;
const maxPageSize = 1_000;
/** Members weighed per page by default: each takes a few reads (subscriptions, invoices, consents). */
export const defaultMemberPageSize = 50;

export interface RetentionPlanInput {
  gardenId: string;
  /** The run's instant (the workflow's clock): every cutoff follows from it. */
  ranAt: string;
}

export interface RetentionPlan {
  timeZone: string;
  cutoffs: Record<SweptKind, RetentionCutoff>;
  /** Rules the garden's previous run reported failed: their incidents close when they pass. */
  previouslyFailed: SweptKind[];
  /** The previous run's purge of erased members' histories failed: its incident closes when it passes. */
  historiesPurgeFailed?: boolean;
}

export interface SweepPageInput {
  gardenId: string;
  cutoff: Pick<RetentionCutoff, 'keepFrom' | 'keepFromInstant'>;
  /** The garden's (the plan's): the days of instants are its days. */
  timeZone: string;
  /** Where the previous page stopped. */
  cursor?: string | undefined;
  /** Records read at most in this call. */
  limit?: number | undefined;
}

/** What a page did, and whether another follows (`cursor` then says where it starts). */
export interface SweepPageResult extends RetentionPage {
  more: boolean;
  cursor?: string;
}

export interface InactiveMembersPage extends SweepPageResult {
  /** Members due for anonymisation (ids only). */
  memberIds: string[];
}

/** Counts of one page, with its problems kept short (the report keeps only the first few anyway). */
class PageTally {
  removed = 0;
  errors = 0;
  readonly problems: string[] = [];

  problem(text: string): void {
    this.errors++;
    if (this.problems.length < problemsKept) this.problems.push(text);
  }

  result(nextCursor: string | undefined, extra: { listed?: number; more?: boolean } = {}): SweepPageResult {
    const more = extra.more ?? nextCursor !== undefined;
    return {
      removed: this.removed,
      ...(extra.listed === undefined ? {} : { listed: extra.listed }),
      errors: this.errors,
      problems: this.problems,
      more,
      ...(more && nextCursor ? { cursor: nextCursor } : {}),
    };
  }
}

const pageSize = (limit: number | undefined, fallback = defaultPageSize) =>
  Math.min(Math.max(Math.floor(limit ?? fallback), 1), maxPageSize);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The nightly retention sweep of a garden (`domain/retention-sweep.ts`): one activity per rule,
 * each doing one bounded page and saying where the next starts, so the workflow loops and no
 * activity holds a whole garden. A malformed record is counted as an error and left as it is;
 * the page goes on. Only ids and counts go back to the workflow, never personal data.
 */
export function createRetentionActivities(deps: RetentionDeps) {
  const { store, documents } = deps;
  const now = deps.now ?? (() => new Date());
  const reports = createRetentionReportStore(store.db, store.tables);

  return {
    /** The garden's time zone and every rule's cutoff for a run at `ranAt`. */
    async planRetentionSweep(input: RetentionPlanInput): Promise<RetentionPlan> {
      const garden = await store.gardens.get(input.gardenId);
      if (!garden) {
        throw ApplicationFailure.create({
          type: failureTypes.gardenNotFound,
          message: `Garden ${input.gardenId} is not registered: nothing to sweep.`,
          nonRetryable: true,
        });
      }
      const timeZone = garden.timeZone || gardenTimeZone;
      const previous = await reports.latest(input.gardenId);
      return {
        timeZone,
        cutoffs: retentionCutoffs(new Date(input.ranAt), timeZone),
        previouslyFailed: (previous?.rules ?? [])
          .filter((rule) => rule.outcome === 'failed')
          .map((rule) => rule.kind),
        historiesPurgeFailed: previous?.historiesPurgedAgain?.outcome === 'failed',
      };
    },

    /** Emails and text messages logged before the cutoff: deleted. */
    async sweepNotificationLog(input: SweepPageInput): Promise<SweepPageResult> {
      const tally = new PageTally();
      const keepFrom = Date.parse(input.cutoff.keepFromInstant);
      const page = await store.notifications.pageBefore(input.gardenId, input.cutoff.keepFromInstant, {
        limit: pageSize(input.limit),
        cursor: input.cursor,
      });
      const due: string[] = [];
      for (const entry of page.entries) {
        const time = typeof entry.createdAt === 'string' ? Date.parse(entry.createdAt) : Number.NaN;
        if (Number.isNaN(time))
          tally.problem(`NOTIFICATION#${entry.idempotencyKey}: no readable sending date`);
        else if (time < keepFrom) due.push(entry.idempotencyKey);
        // A date written otherwise than as the API writes it may pass the text filter: kept.
      }
      await store.notifications.remove(input.gardenId, due);
      tally.removed = due.length;
      return tally.result(page.nextCursor);
    },

    /**
     * The signing sheets and home-delivery lists of weeks wholly before the cutoff (the week's
     * documents that name a depot): deleted from S3, then from the week's list. The harvest list,
     * which names nobody, stays; so do the week's baskets, which its invoices were made from.
     */
    async sweepSigningSheets(input: SweepPageInput): Promise<SweepPageResult> {
      const tally = new PageTally();
      const lastWeek = lastWeekBefore(input.cutoff.keepFrom);
      const page = await store.weeks.summariesUpTo(input.gardenId, lastWeek, {
        limit: pageSize(input.limit),
        cursor: input.cursor,
      });
      const ownPrefix = `${input.gardenId}/`;
      for (const { week, documents: listed } of page.summaries) {
        if (!Array.isArray(listed)) {
          tally.problem(`WEEK#${week}#SUMMARY: its documents are not a list`);
          continue;
        }
        const malformed = listed.some(
          (document) =>
            !isRecord(document) ||
            (document.depotId !== undefined &&
              (typeof document.key !== 'string' || !document.key.startsWith(ownPrefix))),
        );
        if (malformed) {
          // Nothing of it is touched: a key outside the garden's own documents is never deleted.
          tally.problem(`WEEK#${week}#SUMMARY: a document without a key of the garden's own`);
          continue;
        }
        const documentsOfWeek = listed as WeekSummary['documents'];
        const sheets = documentsOfWeek.filter((document) => document.depotId !== undefined);
        if (sheets.length === 0) continue;
        // Their earlier versions too: the bucket is versioned and keeps them otherwise.
        const keys = sheets.map((sheet) => sheet.key);
        await documents.remove(keys);
        await documents.removeEarlierVersions(keys);
        await store.weeks.setDocuments(
          input.gardenId,
          week,
          documentsOfWeek.filter((document) => document.depotId === undefined),
          now().toISOString(),
        );
        tally.removed += sheets.length;
      }
      return tally.result(page.nextCursor);
    },

    /**
     * The rounds of delivery days before the cutoff: their proof photos deleted from S3, then
     * their marks and the round itself (stops, addresses, access notes, routes).
     */
    async sweepDeliveryRounds(input: SweepPageInput): Promise<SweepPageResult> {
      const tally = new PageTally();
      const page = await store.rounds.daysBefore(input.gardenId, input.cutoff.keepFrom, {
        limit: pageSize(input.limit),
        cursor: input.cursor,
      });
      const photoId = new RegExp(roundPhotoIdPattern);
      for (const date of page.dates) {
        if (!isIsoDate(date)) {
          tally.problem(`ROUND#${date}: not a delivery day`);
          continue;
        }
        const marks = await store.rounds.marksWithPhotos(input.gardenId, date);
        const unreadable = marks.find(
          (mark) =>
            mark.photoKey !== undefined &&
            (typeof mark.photoKey !== 'string' || !photoId.test(mark.photoKey)),
        );
        if (unreadable) {
          // Its photo could not be found again once the mark is gone: the round is left for a person.
          tally.problem(`ROUNDMARK#${date}#${unreadable.markId}: a photo that is not a photo id`);
          continue;
        }
        const photos = marks.flatMap((mark) =>
          typeof mark.photoKey === 'string' ? [roundPhotoKey(input.gardenId, date, mark.photoKey)] : [],
        );
        await documents.remove(photos);
        await documents.removeEarlierVersions(photos);
        await store.rounds.remove(
          input.gardenId,
          date,
          marks.map((mark) => mark.markId),
        );
        tally.removed++;
      }
      return tally.result(page.nextCursor);
    },

    /**
     * Where staff requests came from (IP address, user agent) for actions before the cutoff:
     * deleted, oldest first, up to the first action still kept. The entries themselves stay.
     */
    async sweepStaffActionOrigins(input: SweepPageInput): Promise<SweepPageResult> {
      const tally = new PageTally();
      const page = await requestOriginsPage(store, input.gardenId, {
        limit: pageSize(input.limit),
        cursor: input.cursor,
      });
      const due: string[] = [];
      let reachedKept = false;
      for (const origin of page.origins) {
        if (origin.at === undefined) {
          tally.problem(`ACTIONORIGIN#${input.gardenId} ${origin.sortKey}: its entry has no readable time`);
          continue;
        }
        // Seq follows time: from the first action still kept, every later one is kept too.
        if (origin.at >= input.cutoff.keepFromInstant) {
          reachedKept = true;
          break;
        }
        due.push(origin.sortKey);
      }
      await forgetRequestOrigins(store, input.gardenId, due);
      tally.removed = due.length;
      return tally.result(page.nextCursor, { more: !reachedKept && page.nextCursor !== undefined });
    },

    /**
     * Members inactive since before the cutoff (no subscription going on or ended since, no open
     * invoice, no invoice, payment, consent or change of their record since): listed by id, a
     * page of the garden's members at a time. Anonymising them is another step's.
     */
    async findInactiveMembers(input: SweepPageInput): Promise<InactiveMembersPage> {
      const tally = new PageTally();
      const page = await store.members.list(input.gardenId, {
        limit: pageSize(input.limit, defaultMemberPageSize),
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      const verdicts = await Promise.all(
        page.members.map(async (member) => {
          const id: unknown = member.id;
          if (typeof id !== 'string' || !isEntityId(id))
            return { id: String(id), verdict: 'malformed' as const };
          // Changed since the cutoff: active, without reading the rest.
          const changedAt = typeof member.updatedAt === 'string' ? Date.parse(member.updatedAt) : Number.NaN;
          if (changedAt >= Date.parse(input.cutoff.keepFromInstant)) {
            return { id, verdict: 'active' as const };
          }
          const [subscriptions, invoices, consents] = await Promise.all([
            store.subscriptions.listForMember(input.gardenId, id),
            store.invoices.listForMember(input.gardenId, id),
            store.consents.list(input.gardenId, id),
          ]);
          const inactive = isInactiveMember(
            {
              member,
              subscriptions,
              invoices,
              otherActs: consents.map((entry) => entry.at),
            },
            input.cutoff,
            input.timeZone,
          );
          return {
            id,
            verdict:
              inactive === undefined
                ? ('malformed' as const)
                : inactive
                  ? ('inactive' as const)
                  : ('active' as const),
          };
        }),
      );
      const memberIds: string[] = [];
      for (const { id, verdict } of verdicts) {
        if (verdict === 'inactive') memberIds.push(id);
        if (verdict === 'malformed') tally.problem(`MEMBER#${id}: no readable id or date of activity`);
      }
      return { ...tally.result(page.nextCursor, { listed: memberIds.length }), memberIds };
    },

    /** Keeps the run's report (the same run saving again replaces it). */
    async saveRetentionReport(report: RetentionReport): Promise<void> {
      await reports.save(report);
    },
  };
}
export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
