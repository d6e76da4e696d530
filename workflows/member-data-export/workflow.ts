import { proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { MemberDataExportActivities } from '../../activities/member-data-export.ts';
import type { NotificationActivities } from '../../activities/notifications.ts';
import { boundedRetry, causeOf, tellStaff } from '../incidents/persevere.ts';
import { createNoticeSender } from '../notices/notice-sender.ts';
import type { ExportStatus } from '../../domain/member-data-export.ts';
import {
  memberDataExportStatusQuery,
  type MemberDataExportInput,
  type MemberDataExportResult,
} from './contract.ts';

/** Gathering and writing everything may take a while for an old member: a few bounded tries. */
const { writeMemberDataExport } = proxyActivities<MemberDataExportActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

const { markMemberDataExportReady, markMemberDataExportFailed, deleteMemberDataExportFiles } =
  proxyActivities<MemberDataExportActivities>({
    startToCloseTimeout: '30 seconds',
    retry: boundedRetry,
  });

const { notifyMember } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/**
 * A member's data export: 1. write `export.json` and `export.pdf`; 2. mark the request ready
 * for seven days; 3. email the member the way to « Mes données »; 4. once the seven days have
 * passed, delete both files (a copy of everything about the member is kept no longer). When the files cannot be
 * written within the bounded tries, the request is marked failed (the member sees it and may ask
 * again) and staff get an incident.
 */
export async function memberDataExport(input: MemberDataExportInput): Promise<MemberDataExportResult> {
  const { gardenId, memberId, exportId } = input;
  const { workflowId } = workflowInfo();
  let status: ExportStatus = 'preparing';
  setHandler(memberDataExportStatusQuery, () => status);
  const ref = { gardenId, memberId, exportId };

  // 1. The files.
  try {
    await writeMemberDataExport(ref);
  } catch (error) {
    status = 'failed';
    await markMemberDataExportFailed(ref).catch(() => undefined);
    await tellStaff({
      gardenId,
      key: `data-export/${workflowId}`,
      kind: 'process-stalled',
      workflowId,
      subject: { memberId },
      summary: {
        fr: "L'export des données demandé par l'adhérent (RGPD, article 20) a échoué après plusieurs essais. L'adhérent voit l'échec sur « Mes données » et peut redemander ; si cela se répète, prévenez l'équipe technique.",
        en: 'The data export the member asked for (GDPR article 20) failed after several tries. The member sees the failure on "My data" and may ask again; if it happens again, tell the technical team.',
      },
      cause: causeOf(error),
      retriesByItself: false,
    });
    return { status: 'failed' };
  }

  // 2. Ready for seven days.
  const ready = await markMemberDataExportReady(ref);
  status = 'ready';

  // 3. The email, beside the rest: a message given up reaches staff, the export stays ready.
  const notices = createNoticeSender({
    gardenId,
    workflowId,
    memberId: () => memberId,
    subject: () => ({ memberId }),
    about: { fr: 'export de ses données', en: 'export of their data' },
    notify: notifyMember,
    reportsUndelivered: () => true,
  });
  notices.send('ready', {
    kind: 'data-export-ready',
    data: { expiresOn: ready.expiresOn, link: ready.link },
  });
  await Promise.all(notices.onTheirWay());

  // 4. The files gone once they expire; staff hear of files that could not be deleted.
  const untilExpiry = Date.parse(ready.expiresAt) - Date.now();
  if (untilExpiry > 0) await sleep(untilExpiry);
  try {
    await deleteMemberDataExportFiles(ref);
  } catch (error) {
    await tellStaff({
      gardenId,
      key: `data-export-files/${workflowId}`,
      kind: 'process-stalled',
      workflowId,
      subject: { memberId },
      summary: {
        fr: "Les fichiers d'un export de données expiré n'ont pas pu être supprimés : prévenez l'équipe technique, ils contiennent toutes les données de l'adhérent.",
        en: "The files of an expired data export could not be deleted: tell the technical team, they hold all of the member's data.",
      },
      cause: causeOf(error),
      retriesByItself: false,
    });
  }
  return { status: 'ready', expiresAt: ready.expiresAt };
}
