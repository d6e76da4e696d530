import type { MemberDataExportFile, MemberDataExportRecord } from '../../../../domain/member-data-export.ts';
import { request, requestFile } from '../../api-client/request.ts';

/** A request as the API shows it (the member is the caller). */
export type DataExport = Omit<MemberDataExportRecord, 'memberId'>;

const exportsPath = (gardenId: string, memberId: string) =>
  `/gardens/${encodeURIComponent(gardenId)}/members/${encodeURIComponent(memberId)}/data-exports`;

/** The member's export requests, newest first. */
export const listDataExports = (gardenId: string, memberId: string) =>
  request<DataExport[]>('GET', exportsPath(gardenId, memberId), { toast: false });

/** Asks for a new export (202); 409 while one is prepared, 429 past the day's limit: said on the page. */
export const askDataExport = (gardenId: string, memberId: string) =>
  request<DataExport>('POST', exportsPath(gardenId, memberId), { toast: false });

/** One file of a ready export, with the member's sign-in (the email never carries the file). */
export const downloadDataExport = (
  gardenId: string,
  memberId: string,
  exportId: string,
  file: MemberDataExportFile,
) =>
  requestFile(`${exportsPath(gardenId, memberId)}/${encodeURIComponent(exportId)}/${file}`, {
    toast: false,
  });
