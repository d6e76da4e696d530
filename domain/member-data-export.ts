/**
 * A member's copy of their own data (RGPD article 20): what the request records, how long the
 * files stay, how often a member may ask, and where the files are kept (under the garden's
 * prefix, so they leave with the garden's data).
 */

/** Days the files can be downloaded after they are ready. */
export const exportValidityDays = 7;
/** Requests a member may make in a day (each gathers and writes everything again). */
export const exportsPerDay = 5;
/** After this, a request still `preparing` no longer blocks a new one (its run died). */
export const preparingLockMinutes = 60;

export const exportStatuses = ['preparing', 'ready', 'failed'] as const;
export type ExportStatus = (typeof exportStatuses)[number];

/** One request and where it stands, as the member's page lists it. */
export interface MemberDataExportRecord {
  exportId: string;
  memberId: string;
  status: ExportStatus;
  requestedAt: string;
  readyAt?: string;
  /** ISO instant after which the files are no longer served (ready only). */
  expiresAt?: string;
  failedAt?: string;
}

/** Which request: the garden, the member, the request's own id. */
export interface MemberDataExportRef {
  gardenId: string;
  memberId: string;
  exportId: string;
}

export const memberDataExportFiles = ['export.json', 'export.pdf'] as const;
export type MemberDataExportFile = (typeof memberDataExportFiles)[number];

/** The S3 key of one export's file, under the garden's prefix. */
export const memberDataExportKey = (ref: MemberDataExportRef, file: MemberDataExportFile) =>
  `${ref.gardenId}/member-data-exports/${ref.memberId}/${ref.exportId}/${file}`;
