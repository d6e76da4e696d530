import type { RetentionReport } from '../../../../domain/retention-sweep.ts';
import { request } from '../../api-client/request.ts';

export type { RetentionReport };

/** The garden's nightly retention reports, latest first (garden administrators). */
export const listRetentionReports = (gardenId: string, limit = 7) =>
  request<{ reports: RetentionReport[]; nextCursor?: string }>(
    'GET',
    `/gardens/${encodeURIComponent(gardenId)}/retention-reports?limit=${limit}`,
    { toast: false },
  );
