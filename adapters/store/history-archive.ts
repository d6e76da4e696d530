// The S3 side of the archive of closed workflow histories (activities/history-archive.ts writes
// it, the journals read it): each run one gzip-compressed JSON object
// (domain/journal/archive-keys.ts), its payloads as sealed as on the server.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  archivedRunKey,
  runIdOfKey,
  workflowArchivePrefix,
  type ArchivedRun,
  type HistoryArchiveReader,
} from '../../domain/journal/archive-keys.ts';
import { deleteObjectVersions, listObjectVersions } from './object-versions.ts';

const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

/** Objects read at once when a journal reads a chain of archived runs. */
const readConcurrency = 8;

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NotFound' || error.name === 'NoSuchKey' || status === 404;
}

/**
 * S3's answers to If-None-Match when the object is there (412), or when another write of the same
 * key is under way (409 ConditionalRequestConflict): either way the same closed run gets written.
 */
function isAlreadyWritten(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'PreconditionFailed' || status === 412 || error.name === 'ConditionalRequestConflict';
}

/** The archive in the documents bucket: write a run once, read a workflow's runs back. */
export function createHistoryArchive(s3: S3Client, bucket: string) {
  async function has(key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async function readRun(key: string): Promise<ArchivedRun> {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await (answer.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()));
    return JSON.parse((await gunzipped(bytes)).toString('utf8')) as ArchivedRun;
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key && runIdOfKey(object.Key)) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  const archive = {
    has,

    /**
     * Writes the run unless it is there already: `written` false when an earlier archiving (or
     * one racing this one) wrote it. A closed run never changes, so either copy is the same.
     */
    async write(gardenId: string, run: ArchivedRun): Promise<{ written: boolean }> {
      const key = archivedRunKey(gardenId, run.workflowId, run.runId);
      if (await has(key)) return { written: false };
      const body = await gzipped(Buffer.from(JSON.stringify(run), 'utf8'));
      try {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: 'application/json',
            ContentEncoding: 'gzip',
            IfNoneMatch: '*',
          }),
        );
      } catch (error) {
        if (isAlreadyWritten(error)) return { written: false };
        throw error;
      }
      return { written: true };
    },

    /**
     * Deletes every archived run of the workflow id, with every earlier version and delete marker
     * the versioned bucket keeps of them (a member's erasure): how many runs it held.
     */
    async removeWorkflow(gardenId: string, workflowId: string): Promise<number> {
      const versions = await listObjectVersions(s3, bucket, workflowArchivePrefix(gardenId, workflowId));
      await deleteObjectVersions(s3, bucket, versions);
      return new Set(versions.filter((version) => !version.marker).map((version) => version.Key)).size;
    },

    /** Every archived run of the workflow id (a continue-as-new chain: each run), oldest first. */
    async readArchivedRuns(gardenId: string, workflowId: string): Promise<ArchivedRun[]> {
      const keys = await keysUnder(workflowArchivePrefix(gardenId, workflowId));
      const runs: ArchivedRun[] = [];
      for (let start = 0; start < keys.length; start += readConcurrency) {
        runs.push(...(await Promise.all(keys.slice(start, start + readConcurrency).map(readRun))));
      }
      return runs.sort((a, b) => a.closeTime.localeCompare(b.closeTime));
    },
  };
  return archive satisfies HistoryArchiveReader;
}
export type HistoryArchive = ReturnType<typeof createHistoryArchive>;
