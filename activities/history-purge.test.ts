// A member's processes' histories deleted on the local stack (Temporal dev server, S3 with
// versioning): every closed run of a workflow id goes from the server, every archived copy and
// earlier version from S3; a run still open is left and named; another garden's id is refused.
import { randomUUID } from 'node:crypto';
import { ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowArchivePrefix, archivedRunKey, type ArchivedRun } from '../domain/journal/archive-keys.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';
import { testEnvironment, testHistoryArchive } from '../tests/support/environment.ts';
import { createHistoryPurge, type HistoryPurge } from './history-purge.ts';

/** The dev server deletes a run in the background: seconds, or tens of seconds on a loaded machine. */
const deletion = { timeout: 80_000, interval: 500 };
const visibility = { timeout: 30_000, interval: 300 };

describe("the histories of a member's processes, purged", () => {
  const env = testEnvironment();
  const gardenId = `purge-${randomUUID().slice(0, 8)}`;
  const bucket = env.S3_BUCKET ?? 'cocagne-documents';
  const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
  const archive = testHistoryArchive();
  let connection: Connection;
  let client: Client;
  let purge: HistoryPurge;

  beforeAll(async () => {
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    purge = createHistoryPurge({
      workflowService: connection.workflowService,
      namespace: client.options.namespace,
      archive,
    });
  });

  afterAll(async () => {
    await connection?.close();
    s3.destroy();
  });

  /** A run no worker ever picks up (on a queue nobody polls): open until terminated. */
  async function openRun(workflowId: string) {
    const handle = await client.workflow.start('subscriptionWorkflow', {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId,
      args: [],
    });
    return { handle, runId: handle.firstExecutionRunId };
  }

  /** The run ids the server's visibility lists for the workflow id. */
  async function listedRuns(workflowId: string): Promise<string[]> {
    const runs: string[] = [];
    for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(info.runId);
    return runs.sort();
  }

  async function describes(workflowId: string, runId: string): Promise<boolean> {
    try {
      await client.workflow.getHandle(workflowId, runId).describe();
      return true;
    } catch {
      return false;
    }
  }

  const archivedRun = (workflowId: string, runId: string): ArchivedRun => ({
    workflowId,
    runId,
    workflowType: 'subscriptionWorkflow',
    closeTime: new Date().toISOString(),
    history: { events: [] },
  });

  async function versionsUnder(prefix: string): Promise<number> {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
    return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
  }

  it('deletes every closed run and its archived copies, with their earlier versions, and leaves an open run', async () => {
    const ended = subscriptionProcessId(gardenId, `s-${randomUUID().slice(0, 8)}`);
    const open = subscriptionProcessId(gardenId, `s-${randomUUID().slice(0, 8)}`);
    // Two closed runs of one id (as a continue-as-new chain has), one open run of another.
    const first = await openRun(ended);
    await first.handle.terminate('test: ended');
    const second = await openRun(ended);
    await second.handle.terminate('test: ended');
    const running = await openRun(open);
    await expect.poll(() => listedRuns(ended), visibility).toEqual([first.runId, second.runId].sort());
    await expect.poll(() => listedRuns(open), visibility).toEqual([running.runId]);
    // Both archived, one of them twice (the versioned bucket keeps the earlier copy).
    await archive.write(gardenId, archivedRun(ended, first.runId));
    await archive.write(gardenId, archivedRun(ended, second.runId));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: archivedRunKey(gardenId, ended, first.runId),
        Body: JSON.stringify(archivedRun(ended, first.runId)),
      }),
    );
    expect(await versionsUnder(workflowArchivePrefix(gardenId, ended))).toBe(3);

    const outcome = await purge.purge(gardenId, [ended, open]);

    expect(outcome).toEqual({ runsDeleted: 2, archivedRunsRemoved: 2, stillRunning: [open] });
    expect(await versionsUnder(workflowArchivePrefix(gardenId, ended))).toBe(0);
    expect(await archive.readArchivedRuns(gardenId, ended)).toEqual([]);
    await expect.poll(() => describes(ended, first.runId), deletion).toBe(false);
    await expect.poll(() => describes(ended, second.runId), deletion).toBe(false);
    // The open run is untouched (deleting it would have terminated it).
    expect((await running.handle.describe()).status.name).toBe('RUNNING');
    await running.handle.terminate('test: done');

    // Again (a retry of the erasure): nothing left to delete, and no error.
    await expect.poll(() => listedRuns(ended), deletion).toEqual([]);
    expect(await purge.purge(gardenId, [ended])).toEqual({
      runsDeleted: 0,
      archivedRunsRemoved: 0,
      stillRunning: [],
    });
  });

  it("refuses another garden's process, and an id that would leave the List Filter's quotes", async () => {
    await expect(purge.purge(gardenId, [subscriptionProcessId('other-garden', 's-1')])).rejects.toThrow(
      /Not a workflow id of garden/,
    );
    await expect(purge.purge(gardenId, [`${gardenId}/subscription/x' OR WorkflowId != '`])).rejects.toThrow(
      /Not a workflow id of garden/,
    );
    await expect(purge.purge(gardenId, ['constructor'])).rejects.toThrow(/Not a workflow id of garden/);
  });
});
