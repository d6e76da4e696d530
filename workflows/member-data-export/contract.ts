import { defineQuery } from '@temporalio/workflow';
import type { ExportStatus, MemberDataExportRef } from '../../domain/member-data-export.ts';
import { memberDataExportProcessId } from '../../domain/process-ids.ts';

/**
 * A member's copy of their own data (RGPD article 20, `domain/member-data-export.ts`): gathered
 * into `export.json` and a readable `export.pdf` in S3, then an email that leads to « Mes
 * données », where the member downloads both with their own sign-in. One run per request, on
 * the garden's task queue.
 */
export const memberDataExportType = 'memberDataExport';

/** Business keys only: the garden, the member's id, the request's id. */
export const memberDataExportWorkflowId = ({ gardenId, memberId, exportId }: MemberDataExportRef) =>
  memberDataExportProcessId(gardenId, memberId, exportId);

export interface MemberDataExportInput extends MemberDataExportRef {
  /** When the member asked (the API's clock); the validity runs from when the files are ready. */
  requestedAt: string;
}

export interface MemberDataExportResult {
  status: 'ready' | 'failed';
  expiresAt?: string;
}

/** Where the run stands: `preparing`, then `ready` or `failed`. */
export const memberDataExportStatusQuery = defineQuery<ExportStatus>('memberDataExportStatus');
