import { ApplicationFailure } from '@temporalio/common';
import type { DocumentStore } from '../adapters/store/documents.ts';
import type { Store } from '../adapters/store/index.ts';
import type { NotificationLogEntry } from '../domain/notifications.ts';
import { addDays, gardenDay, type IsoDate } from '../domain/calendar.ts';
import { failureTypes } from '../domain/failure-types.ts';
import { portalPaths } from '../domain/portal-paths.ts';
import {
  exportValidityDays,
  memberDataExportKey,
  type MemberDataExportRef,
} from '../domain/member-data-export.ts';
import { memberDataExportPdf } from './member-data-export-pdf.ts';
import { exportPdfContent } from './member-data-export-sections.ts';
import { createMemberDataExportStore } from '../adapters/store/member-data-export-store.ts';

export interface MemberDataExportDeps {
  store: Store;
  documents: DocumentStore;
  /** The app's public address: the email leads to « Mes données » there. */
  publicUrl: string;
  now?: () => Date;
}

type ExportRef = MemberDataExportRef;

/** Every entry of the member's notification log, page after page. */
async function allNotifications(store: Store, gardenId: string, memberId: string) {
  const entries: NotificationLogEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.notifications.listForMember(gardenId, memberId, { limit: 100, cursor });
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

/**
 * The member's data export (RGPD article 20): gathers what the garden holds on one member into
 * `export.json` and `export.pdf` in S3, then marks the request ready (or failed). Nothing of the
 * member's data goes back into the workflow's history: only counts and dates.
 */
export function createMemberDataExportActivities(deps: MemberDataExportDeps) {
  const { store, documents } = deps;
  const now = deps.now ?? (() => new Date());
  const exports = createMemberDataExportStore(store.db, store.tables);
  const myDataUrl = `${deps.publicUrl.replace(/\/+$/, '')}${portalPaths.myData}`;

  return {
    /** Writes both files (again, on a retry: the same keys, the same content but the date). */
    async writeMemberDataExport(input: ExportRef): Promise<{ files: number }> {
      const { gardenId, memberId } = input;
      const member = await store.members.get(gardenId, memberId);
      if (!member) {
        throw ApplicationFailure.create({
          type: failureTypes.memberNotFound,
          message: `Member ${memberId} of garden ${gardenId} no longer exists: nothing to export.`,
          nonRetryable: true,
        });
      }
      const [garden, subscriptions, invoices, notifications, consents] = await Promise.all([
        store.gardens.get(gardenId),
        store.subscriptions.listForMember(gardenId, memberId),
        store.invoices.listForMember(gardenId, memberId),
        allNotifications(store, gardenId, memberId),
        store.consents.list(gardenId, memberId),
      ]);
      const exportedAt = now().toISOString();
      const payments = invoices.flatMap((invoice) =>
        invoice.payments.map((payment) => ({ invoiceNumber: invoice.number, ...payment })),
      );
      const data = {
        exportedAt,
        garden: { id: gardenId, name: garden?.name ?? gardenId },
        member,
        subscriptions,
        invoices,
        payments,
        notifications,
        consents,
      };
      const json = new TextEncoder().encode(`${JSON.stringify(data, null, 2)}\n`);

      const pdf = await memberDataExportPdf(exportPdfContent({ ...data, gardenName: data.garden.name }));

      await documents.put(memberDataExportKey(input, 'export.json'), json, 'application/json; charset=utf-8');
      await documents.put(memberDataExportKey(input, 'export.pdf'), pdf, 'application/pdf');
      return { files: 2 };
    },

    /**
     * Marks the request ready for `exportValidityDays` days from now; returns what the email
     * says (the expiry day in the garden's time zone and the page that downloads).
     */
    async markMemberDataExportReady(
      input: ExportRef,
    ): Promise<{ expiresAt: string; expiresOn: IsoDate; link: string }> {
      const readyAt = now();
      const expiresAt = new Date(readyAt.getTime() + exportValidityDays * 86_400_000).toISOString();
      await exports.finish(input.gardenId, input.memberId, input.exportId, {
        status: 'ready',
        readyAt: readyAt.toISOString(),
        expiresAt,
      });
      const garden = await store.gardens.get(input.gardenId);
      const expiresOn = addDays(gardenDay(readyAt, garden?.timeZone || undefined), exportValidityDays);
      return { expiresAt, expiresOn, link: myDataUrl };
    },

    /** Once the files have expired: both gone from S3 (the request keeps its dates and says 410). */
    async deleteMemberDataExportFiles(input: ExportRef): Promise<void> {
      await documents.remove([
        memberDataExportKey(input, 'export.json'),
        memberDataExportKey(input, 'export.pdf'),
      ]);
    },

    async markMemberDataExportFailed(input: ExportRef): Promise<void> {
      await exports.finish(input.gardenId, input.memberId, input.exportId, {
        status: 'failed',
        failedAt: now().toISOString(),
      });
    },
  };
}
export type MemberDataExportActivities = ReturnType<typeof createMemberDataExportActivities>;
