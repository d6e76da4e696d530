/**
 * Where closed workflow histories are kept once archived to S3, and what each archived object
 * holds. Temporal deletes a closed run after its namespace's retention; the archive keeps it so
 * that a journal still reads it. Workflow ids are business keys (`<garden>/<process>/<entity>`)
 * and run ids are UUIDs: neither holds personal data, so both may appear in the key.
 */

/** Every archived run sits under this prefix (the S3 lifecycle keeps it readable: no Glacier). */
export const historyArchivePrefix = 'history-archive/';

/** The prefix of a garden's archived runs. */
export const gardenArchivePrefix = (gardenId: string) => `${historyArchivePrefix}${gardenId}/`;

/** The prefix of every archived run of one workflow id (a continue-as-new chain shares it). */
export const workflowArchivePrefix = (gardenId: string, workflowId: string) =>
  `${gardenArchivePrefix(gardenId)}${encodeURIComponent(workflowId)}/`;

/** The object of one run: `history-archive/<gardenId>/<encoded workflowId>/<runId>.json.gz`. */
export const archivedRunKey = (gardenId: string, workflowId: string, runId: string) =>
  `${workflowArchivePrefix(gardenId, workflowId)}${encodeURIComponent(runId)}.json.gz`;

/** The run id of an archived run's key, or undefined for a key that is not one. */
export function runIdOfKey(key: string): string | undefined {
  const match = /\/([^/]+)\.json\.gz$/.exec(key);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/**
 * One closed run as archived (gzip-compressed JSON). `history` is the run's whole history in
 * Temporal's proto3 JSON (what `historyToJSON` of @temporalio/common/lib/proto-utils writes and
 * the Temporal UI downloads; `historyFromJSON` reads it back), payloads still sealed by the payload
 * codec: the archive is never decoded when written.
 */
export interface ArchivedRun {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** ISO instant the run closed at. */
  closeTime: string;
  /** `{ events: [...] }`, the History message in proto3 JSON. */
  history: { events: unknown[] };
}

/** Reads a garden's archived runs of one workflow id, oldest first (helper of the journal). */
export interface HistoryArchiveReader {
  readArchivedRuns(gardenId: string, workflowId: string): Promise<ArchivedRun[]>;
}
