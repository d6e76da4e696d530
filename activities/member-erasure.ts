import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import { redactMemberInActionLog } from '../adapters/store/action-log.ts';
import type { DocumentStore } from '../adapters/store/documents.ts';
import type { Store } from '../adapters/store/index.ts';
import { createMemberErasureStore, erasureBlockersOf } from '../adapters/store/member-erasure-store.ts';
import { queryPrefix } from '../adapters/store/query-all.ts';
import { failureTypes } from '../domain/failure-types.ts';
import type { JournalActor } from '../domain/journal/journal-entry.ts';
import { memberLanguage } from '../domain/member.ts';
import { memberDataExportKey } from '../domain/member-data-export.ts';
import { memberDataExportProcessId, subscriptionProcessId } from '../domain/process-ids.ts';
import type { HistoryPurge } from './history-purge.ts';
import {
  erasedMember,
  erasureEmail,
  erasureReference,
  historiesPurgedAgainAfterDays,
  memberIdentifiers,
  type ErasureBlockers,
  type ErasureStatus,
  type HistoriesPurge,
} from '../domain/member-erasure.ts';
import { problemsKept } from '../domain/retention-sweep.ts';

export interface MemberErasureDeps {
  store: Store;
  documents: DocumentStore;
  /** Emails, from the network's no-reply sender; answers go to the garden. */
  mailer: Mailer;
  /** The member's account in the identity provider (`adapters/keycloak/keycloak-accounts.ts`). */
  accounts: {
    memberAccountIds(input: { gardenId: string; memberId: string }): Promise<string[]>;
    deleteMemberAccount(input: { userId: string; gardenId: string; memberId: string }): Promise<unknown>;
  };
  /** The member's Stripe customer, when online payment is configured. */
  payments?: { deleteCustomer(customerId: string): Promise<void> } | undefined;
  /** Prints an invoice's PDF again (from the record as it is now); answers its S3 key. */
  printInvoice(input: { gardenId: string; invoiceNumber: number }): Promise<string>;
  /** Prints a week's sheets again (from the records as they are now); answers them with their keys. */
  printWeekDocuments(input: { gardenId: string; week: string }): Promise<ReadonlyArray<{ key: string }>>;
  /** The histories of the member's processes, on the Temporal server and in the S3 archive. */
  histories: HistoryPurge;
  now?: () => Date;
}

/** Who the action log names for an erasure the retention rules made. */
const retentionActor: JournalActor = { id: 'retention', name: 'Durées de conservation', role: 'system' };

export interface ErasureRef {
  gardenId: string;
  memberId: string;
}

/** What one call of `purgeErasedHistoriesDue` did: counts, and problems naming ids only. */
export interface HistoriesPurgePage {
  /** Erased members whose processes' histories were purged again. */
  members: number;
  /** Runs deleted from Temporal and archived copies deleted from S3. */
  runs: number;
  errors: number;
  problems: string[];
  /** More purges are due: call again from `cursor`. */
  more: boolean;
  cursor?: string;
}

/** What the erasure did, in counts: the workflow's history holds nothing else of it. */
export interface ErasureOutcome {
  accounts: number;
  items: { deleted: number; scrubbed: number };
  journalEntries: number;
  exports: number;
  invoicesPrinted: number;
  weeksPrinted: number;
  /** Earlier versions of documents deleted from S3. */
  earlierVersions: number;
  /**
   * The histories of the member's subscriptions and data exports: runs deleted from Temporal,
   * archived runs deleted from S3, processes left because a run is still open.
   */
  histories: { runs: number; archived: number; stillRunning: number };
  /**
   * The ids of the processes whose histories were purged (ids only): purged again days later
   * (`purgeMemberHistoriesAgain`), for a run archived meanwhile or still open then.
   */
  purgedProcesses: string[];
}

/**
 * A member's erasure (RGPD article 17), after staff confirmed it: the steps of the
 * `memberErasure` workflow. Nothing personal goes back into the workflow's history: ids,
 * statuses and counts only.
 */
export function createMemberErasureActivities(deps: MemberErasureDeps) {
  const { store, documents } = deps;
  const now = deps.now ?? (() => new Date());
  const erasures = createMemberErasureStore(store.db, store.tables);

  async function requireRequest(ref: ErasureRef) {
    const record = await erasures.get(ref.gardenId, ref.memberId);
    if (!record) {
      throw ApplicationFailure.create({
        type: failureTypes.memberNotFound,
        message: `No erasure request for member ${ref.memberId} of garden ${ref.gardenId}.`,
        nonRetryable: true,
      });
    }
    return record;
  }

  /** The processes' histories purged (`HistoryPurge`), as counts: what the workflow's history keeps. */
  async function purgeHistories(
    gardenId: string,
    workflowIds: string[],
  ): Promise<ErasureOutcome['histories']> {
    const purged = await deps.histories.purge(gardenId, workflowIds);
    return {
      runs: purged.runsDeleted,
      archived: purged.archivedRunsRemoved,
      stillRunning: purged.stillRunning.length,
    };
  }

  /**
   * Erases the member everywhere the garden keeps them; safe to repeat. Their account (identity
   * provider) and Stripe customer are deleted, and their processes' histories; their data exports' files, calendar feed,
   * billing profile and account bindings go; every item and journal entry that names them
   * has the reference instead; the invoices and week sheets that printed their name are
   * printed again, and their earlier versions deleted; their own record goes last (a retry
   * still knows whom to look for).
   */
  async function erase(input: ErasureRef, actor: JournalActor): Promise<ErasureOutcome> {
    const { gardenId, memberId } = input;
    const record = await requireRequest(input);
    const member = await store.members.get(gardenId, memberId);
    const alreadyErased = !member || member.lastName === record.reference;
    const identifiers = member && !alreadyErased ? memberIdentifiers(member) : [];
    const at = now().toISOString();
    const outcome: ErasureOutcome = {
      accounts: 0,
      items: { deleted: 0, scrubbed: 0 },
      journalEntries: 0,
      exports: 0,
      invoicesPrinted: 0,
      weeksPrinted: 0,
      earlierVersions: 0,
      histories: { runs: 0, archived: 0, stillRunning: 0 },
      purgedProcesses: [],
    };

    // 1. Outside the store first (a failure leaves the bindings that say what to delete).
    const [accounts, billing, exports] = await Promise.all([
      queryPrefix(store.db, store.tables.gardens, gardenId, 'ACCOUNT#'),
      store.billingProfiles.get(gardenId, memberId),
      queryPrefix(store.db, store.tables.gardens, gardenId, `DATAEXPORT#${memberId}#`),
    ]);
    // Bound at sign-up (ACCOUNT#), or given the member's attributes by staff's invitation.
    const userIds = new Set([
      ...accounts.filter((item) => item.memberId === memberId).map((item) => String(item.userId)),
      ...(await deps.accounts.memberAccountIds({ gardenId, memberId })),
    ]);
    for (const userId of userIds) {
      await deps.accounts.deleteMemberAccount({ userId, gardenId, memberId });
      outcome.accounts++;
    }
    if (billing.stripeCustomerId) {
      if (!deps.payments) {
        throw ApplicationFailure.create({
          type: 'StripeNotConfigured',
          message: `Member ${memberId} has a Stripe customer but Stripe is not configured: it cannot be deleted.`,
          nonRetryable: true,
        });
      }
      await deps.payments.deleteCustomer(billing.stripeCustomerId);
    }
    const exportKeys = exports.flatMap((item) => {
      const ref = { gardenId, memberId, exportId: String(item.exportId) };
      return [memberDataExportKey(ref, 'export.json'), memberDataExportKey(ref, 'export.pdf')];
    });
    if (exportKeys.length) {
      await documents.remove(exportKeys);
      await documents.removeEarlierVersions(exportKeys);
    }
    outcome.exports = exports.length;
    await store.calendarLinks.forget(gardenId, memberId);
    // The histories of their subscriptions (what they answered at sign-up, their name on an
    // application made online) and data exports. Their invoices' collections are kept, as the
    // invoices are: ids, amounts and staff's decisions.
    const subscriptions = await store.subscriptions.listForMember(gardenId, memberId);
    outcome.purgedProcesses = [
      ...subscriptions.map((subscription) => subscriptionProcessId(gardenId, subscription.id)),
      ...exports.map((item) => memberDataExportProcessId(gardenId, memberId, String(item.exportId))),
    ];
    outcome.histories = await purgeHistories(gardenId, outcome.purgedProcesses);

    // 2. The garden's partition, then its action log.
    const partition = await erasures.erasePartition(gardenId, memberId, identifiers, record.reference);
    outcome.items = { deleted: partition.deleted, scrubbed: partition.scrubbed };
    const journal = await redactMemberInActionLog(store, gardenId, {
      memberId,
      identifiers,
      reference: record.reference,
      actor,
      at,
    });
    outcome.journalEntries = journal.redacted;

    // 3. The member's own record, last.
    if (member && !alreadyErased)
      await store.members.replaceErased(erasedMember(member, record.reference, at));

    // 4. What printed the name, printed again with the reference.
    const invoices = await store.invoices.listForMember(gardenId, memberId);
    const printedAgain: string[] = [];
    for (const invoice of invoices.filter((invoice) => invoice.documentKey)) {
      await store.invoices.clearDocument(gardenId, invoice.number);
      printedAgain.push(String(await deps.printInvoice({ gardenId, invoiceNumber: invoice.number })));
      outcome.invoicesPrinted++;
    }
    const baskets = await queryPrefix(store.db, store.tables.gardens, gardenId, 'BASKET#');
    const weeks = new Set(
      baskets
        .filter((basket) => basket.memberId === memberId)
        .map((basket) => String(basket.sk).split('#')[1] ?? ''),
    );
    for (const week of [...weeks].filter(Boolean).sort()) {
      const summary = await store.weeks.summary(gardenId, week);
      if (!summary?.documents?.length) continue;
      const listed = await deps.printWeekDocuments({ gardenId, week });
      printedAgain.push(...listed.map((document) => document.key));
      outcome.weeksPrinted++;
    }
    // The versions printed before, with the name, go too (the bucket keeps them otherwise).
    outcome.earlierVersions = await documents.removeEarlierVersions(printedAgain);
    return outcome;
  }

  return {
    /** What still binds the member: unpaid invoices, running subscriptions (ids only). */
    async memberErasureBlockers(ref: ErasureRef): Promise<ErasureBlockers> {
      return erasureBlockersOf(store, ref.gardenId, ref.memberId);
    },

    /**
     * Notes staff's decision on the request. On `erasing`, the address the acknowledgement will
     * go to is copied from the member's record (which is about to lose it).
     */
    async markMemberErasure(
      input: ErasureRef & { status: ErasureStatus; decidedBy?: string; refusal?: string },
    ): Promise<void> {
      const { gardenId, memberId, status } = input;
      const at = now().toISOString();
      if (status === 'erasing') {
        const [record, member] = await Promise.all([
          requireRequest(input),
          store.members.get(gardenId, memberId),
        ]);
        // A retry after the record was erased keeps the address copied the first time.
        const acknowledgeTo =
          record.acknowledgeTo ??
          (member?.email && member.lastName !== record.reference
            ? { email: member.email, language: memberLanguage(member) }
            : undefined);
        await erasures.update(gardenId, memberId, {
          status,
          decidedAt: at,
          ...(input.decidedBy ? { decidedBy: input.decidedBy } : {}),
          ...(acknowledgeTo ? { acknowledgeTo } : {}),
        });
        return;
      }
      await erasures.update(gardenId, memberId, {
        status,
        ...(status === 'refused'
          ? {
              decidedAt: at,
              ...(input.decidedBy ? { decidedBy: input.decidedBy } : {}),
              refusal: input.refusal ?? '',
            }
          : {}),
        ...(status === 'erased' ? { erasedAt: at } : {}),
      });
    },

    /** Erases the member everywhere, after staff confirmed it (`erase` above). */
    async eraseMember(input: ErasureRef & { actor: JournalActor }): Promise<ErasureOutcome> {
      return erase(input, input.actor);
    },

    /**
     * The same histories purged again, days after the erasure: a run the nightly archiver read
     * before the first purge may have been written to S3 after it, and a data export's run still
     * open then has closed since. Ids in, counts out.
     */
    async purgeMemberHistoriesAgain(input: {
      gardenId: string;
      workflowIds: string[];
    }): Promise<ErasureOutcome['histories']> {
      return purgeHistories(input.gardenId, input.workflowIds);
    },

    /**
     * The retention rule's erasures, their histories purged again once due (as a request's
     * erasure does in its workflow): at most `limit` members per call, the oldest due first,
     * after `cursor` (where the previous call stopped). One that fails is counted, named by its
     * member id, and kept for the next night; a process still open is named, and tried again
     * the next night. Ids in, counts out.
     */
    async purgeErasedHistoriesDue(input: {
      gardenId: string;
      /** The sweep's instant: purges due by then are done. */
      ranAt: string;
      cursor?: string | undefined;
      limit?: number | undefined;
    }): Promise<HistoriesPurgePage> {
      const { gardenId } = input;
      const limit = Math.min(Math.max(Math.floor(input.limit ?? 50), 1), 500);
      const cursorOf = (purge: HistoriesPurge) => `${purge.due}#${purge.memberId}`;
      const pending = (await erasures.historiesPurgesDue(gardenId, input.ranAt)).filter(
        (purge) => input.cursor === undefined || cursorOf(purge) > input.cursor,
      );
      const due = pending.slice(0, limit);
      const last = due.at(-1);
      const page: HistoriesPurgePage = {
        members: 0,
        runs: 0,
        errors: 0,
        problems: [],
        more: pending.length > limit,
        ...(pending.length > limit && last ? { cursor: cursorOf(last) } : {}),
      };
      const problem = (text: string) => {
        page.errors++;
        if (page.problems.length < problemsKept) page.problems.push(text);
      };
      for (const purge of due) {
        const ids = Array.isArray(purge.workflowIds)
          ? purge.workflowIds.filter((id): id is string => typeof id === 'string')
          : [];
        if (ids.length === 0) {
          problem(`HISTORIESPURGE#${purge.memberId}: no workflow id to purge`);
          continue;
        }
        try {
          const done = await deps.histories.purge(gardenId, ids);
          page.members++;
          page.runs += done.runsDeleted + done.archivedRunsRemoved;
          if (done.stillRunning.length > 0) {
            // Closed by tomorrow, or named every night until someone looks.
            problem(`member ${purge.memberId}: still running ${done.stillRunning.join(', ')}`);
            await erasures.scheduleHistoriesPurge(gardenId, {
              memberId: purge.memberId,
              due: new Date(Date.parse(input.ranAt) + 86_400_000).toISOString(),
              workflowIds: [...done.stillRunning],
            });
          } else {
            await erasures.forgetHistoriesPurge(gardenId, purge);
          }
        } catch (error) {
          const cause = error instanceof Error ? error.message : String(error);
          problem(`member ${purge.memberId}: ${cause.slice(0, 300)}`);
        }
      }
      return page;
    },

    /**
     * The retention rule for members inactive for three years (`domain/retention.ts`): the
     * member is erased as on a request, without staff (nothing is owed: the sweep found them
     * inactive) and without an email (an address unused for three years). A member already
     * erased, or whose own request waits for staff, is left as it is. Safe to repeat.
     */
    async anonymiseInactiveMember(
      ref: ErasureRef & {
        /** The sweep's instant (its workflow's clock): the histories are purged again days after it. */
        sweptAt?: string;
      },
    ): Promise<'anonymised' | 'skipped'> {
      const { gardenId, memberId } = ref;
      const existing = await erasures.get(gardenId, memberId);
      const resuming = existing?.status === 'erasing' && existing.requestedBy === 'retention';
      if (existing && !resuming && existing.status !== 'refused') return 'skipped';
      const member = await store.members.get(gardenId, memberId);
      if (!member || (existing?.status === 'erased' && member.lastName === existing.reference))
        return 'skipped';
      if (!resuming) {
        const at = now().toISOString();
        const record = {
          memberId,
          status: 'erasing' as const,
          reference: erasureReference(randomBytes(6)),
          requestedAt: at,
          requestedBy: 'retention' as const,
          decidedAt: at,
          decidedBy: retentionActor.name,
        };
        // Replaces a refused request only (`open`'s condition); a request made meanwhile wins.
        if (!(await erasures.open(gardenId, record))) return 'skipped';
      }
      const erased = await erase(ref, retentionActor);
      // Days later, the nightly sweep purges these histories again (`purgeErasedHistoriesDue`).
      if (erased.purgedProcesses.length > 0) {
        await erasures.scheduleHistoriesPurge(gardenId, {
          memberId,
          due: new Date(
            (ref.sweptAt ? Date.parse(ref.sweptAt) : now().getTime()) +
              historiesPurgedAgainAfterDays * 86_400_000,
          ).toISOString(),
          workflowIds: erased.purgedProcesses,
        });
      }
      await erasures.update(gardenId, memberId, { status: 'erased', erasedAt: now().toISOString() });
      return 'anonymised';
    },

    /**
     * Answers the member by email: erased (to the address copied before, then forgotten) or
     * refused (to the member's address, with staff's reason). False when there is nowhere to
     * send it.
     */
    async acknowledgeMemberErasure(ref: ErasureRef): Promise<boolean> {
      const record = await requireRequest(ref);
      const garden = await store.gardens.get(ref.gardenId);
      const gardenName = garden?.name ?? ref.gardenId;
      const replyTo = garden?.contactEmail || undefined;
      if (record.status === 'erased') {
        const to = record.acknowledgeTo;
        if (to) {
          const email = erasureEmail(
            { status: 'erased', reference: record.reference },
            gardenName,
            to.language,
          );
          await deps.mailer.send({ to: to.email, ...email, replyTo });
        }
        await erasures.update(ref.gardenId, ref.memberId, { acknowledgedAt: now().toISOString() }, [
          'acknowledgeTo',
        ]);
        return to !== undefined;
      }
      if (record.status === 'refused') {
        const member = await store.members.get(ref.gardenId, ref.memberId);
        if (!member?.email) return false;
        const email = erasureEmail(
          { status: 'refused', refusal: record.refusal ?? '' },
          gardenName,
          memberLanguage(member),
        );
        await deps.mailer.send({ to: member.email, ...email, replyTo });
        await erasures.update(ref.gardenId, ref.memberId, { acknowledgedAt: now().toISOString() });
        return true;
      }
      return false;
    },
  };
}
export type MemberErasureActivities = ReturnType<typeof createMemberErasureActivities>;
