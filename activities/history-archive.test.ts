// Closed histories archived to S3 on the local stack (Temporal dev server, S3): a small workflow
// run to completion, archived once (gzip JSON, payloads still sealed), skipped the second time,
// then deleted from the server and read back from the archive; the archive workflow over a
// garden's window, page by page; its daily Schedule.
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../adapters/store/index.ts';
import { networkTaskQueue } from '../domain/garden.ts';
import { archivedRunKey, gardenArchivePrefix, type ArchivedRun } from '../domain/journal/archive-keys.ts';
import { sealedEncoding } from '../temporal/payload-codec.ts';
import { createArchiveSchedule } from '../temporal/archive-schedule.ts';
import { processHistory } from '../temporal/process-history.ts';
import {
  createTestGarden,
  testActivities,
  testDataConverter,
  testEnvironment,
  testStore,
} from '../tests/support/environment.ts';
import { workflowBundle } from '../tests/support/temporal.ts';
import { gardenSettingsBroadcastType } from '../workflows/garden-settings/contract.ts';
import {
  historyArchiveProgressQuery,
  historyArchiveType,
  type HistoryArchiveInput,
  type HistoryArchiveResult,
} from '../workflows/history-archive/contract.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  closedRunsQuery,
  createHistoryArchive,
  createHistoryArchiveActivities,
  type ArchiveBatchResult,
  type ClosedRun,
  type HistoryArchive,
  type HistoryArchiveActivities,
} from './history-archive.ts';

const poll = { timeout: 30_000, interval: 300 };
/** The dev server deletes a run in the background: seconds, or tens of seconds on a loaded machine. */
const deletion = { timeout: 80_000, interval: 500 };

/** Every string and byte array of a value as text, bytes read as UTF-8 (where a name in clear would show). */
function asText(value: unknown, seen = new Set<unknown>()): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || seen.has(value)) return '';
  seen.add(value);
  return Object.values(value as Record<string, unknown>)
    .map((each) => asText(each, seen))
    .join('\n');
}

/** Every payload of a history (inputs, results…), as the server holds them. */
function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return found;
  const payloads = (value as { payloads?: unknown }).payloads;
  if (Array.isArray(payloads)) found.push(...(payloads as Payload[]));
  for (const each of Object.values(value)) payloadsOf(each, found);
  return found;
}

describe('history archive', () => {
  const env = testEnvironment();
  const bucket = env.S3_BUCKET ?? 'cocagne-documents';
  const taskQueue = `test-archive-${randomUUID()}`;
  // A name as a subscription's input holds one: the archive must never show it in clear.
  const person = 'Bérénice Quenot-Archive';
  let store: Store;
  let gardenId: string;
  /** A garden of the archive workflow's test alone, whose window holds its runs only. */
  let windowGardenId: string;
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let s3: S3Client;
  let archive: HistoryArchive;
  let activities: HistoryArchiveActivities;
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'archive'));
    ({ gardenId: windowGardenId } = await createTestGarden(store, 'archive-window'));
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
    archive = createHistoryArchive(s3, bucket);
    activities = createHistoryArchiveActivities({ temporal: client, archive });
    nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
    worker = await Worker.create({
      dataConverter: testDataConverter(),
      connection: nativeConnection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: { ...testActivities(store), ...activities },
    });
    workerRun = worker.run();
  });

  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    // The gardens' archives are the test's own: nothing of them is left in the bucket.
    for (const garden of [gardenId, windowGardenId]) {
      if (!s3 || !garden) continue;
      const listed = await s3
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: gardenArchivePrefix(garden) }))
        .catch(() => undefined);
      const objects = (listed?.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) {
        await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
      }
    }
    s3?.destroy();
    await nativeConnection?.close();
    await connection?.close();
    store?.close();
  });

  /** A small workflow of the garden run to completion; its input carries a person's name. */
  async function completedRun(workflowId: string, garden = gardenId): Promise<string> {
    const handle = await client.workflow.start(gardenSettingsBroadcastType, {
      taskQueue,
      workflowId,
      args: [{ gardenId: garden, note: person }],
      typedSearchAttributes: [{ key: gardenIdKey, value: garden }],
    });
    expect(await handle.result()).toBe(0);
    return handle.firstExecutionRunId;
  }

  /** The window's closed runs of the garden, once visibility lists `count` of them. */
  async function closedRuns(count: number, garden = gardenId): Promise<ClosedRun[]> {
    let runs: ClosedRun[] = [];
    await expect
      .poll(async () => {
        runs = (
          await activities.listClosedRuns({
            since: startedAt,
            until: new Date(Date.now() + 60_000).toISOString(),
            gardenId: garden,
            pageSize: 50,
          })
        ).runs;
        return runs.length;
      }, poll)
      .toBe(count);
    return runs;
  }

  const archiveRuns = (runs: ClosedRun[]): Promise<ArchiveBatchResult> =>
    new MockActivityEnvironment().run((input: { runs: ClosedRun[] }) => activities.archiveRuns(input), {
      runs,
    });

  it('archives a closed run once, sealed, and reads it back once the server deleted it', async () => {
    const workflowId = `${gardenId}/garden-settings/archive-${randomUUID().slice(0, 8)}`;
    const runId = await completedRun(workflowId);
    const runs = await closedRuns(1);
    expect(runs[0]).toMatchObject({ gardenId, workflowId, runId, workflowType: gardenSettingsBroadcastType });

    expect(await archiveRuns(runs)).toEqual({ archived: 1, skipped: 0, failed: 0, failures: [] });

    // The object: gzip-compressed JSON of the run, its payloads sealed.
    const key = archivedRunKey(gardenId, workflowId, runId);
    expect(key).toBe(`history-archive/${gardenId}/${encodeURIComponent(workflowId)}/${runId}.json.gz`);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const stored = JSON.parse(
      gunzipSync(await object.Body!.transformToByteArray()).toString('utf8'),
    ) as ArchivedRun;
    expect(stored).toMatchObject({ workflowId, runId, workflowType: gardenSettingsBroadcastType });
    expect(Date.parse(stored.closeTime)).toBeGreaterThan(Date.parse(startedAt));
    const events = historyFromJSON(stored.history).events ?? [];
    expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(
      gardenSettingsBroadcastType,
    );
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
    const text = asText(events);
    expect(text).toContain(sealedEncoding);
    expect(text).not.toContain('Quenot');
    // Opened with the payload key, the same payloads do hold the name: the check above would see it.
    const codec = testDataConverter()!.payloadCodecs![0]!;
    expect(asText(await codec.decode(payloadsOf(events)))).toContain(person);

    // A second archiving writes nothing.
    expect(await archiveRuns(runs)).toEqual({ archived: 0, skipped: 1, failed: 0, failures: [] });

    // Temporal's retention deletes the run: the archive still has it.
    await client.workflowService.deleteWorkflowExecution({
      namespace: env.TEMPORAL_NAMESPACE,
      workflowExecution: { workflowId, runId },
    });
    // Gone once the server has no history of it (what the journal reads first).
    await expect
      .poll(
        () =>
          client.workflowService
            .getWorkflowExecutionHistory({
              namespace: env.TEMPORAL_NAMESPACE,
              execution: { workflowId, runId },
            })
            .then(
              () => 'still there',
              (error: unknown) => (/NOT_FOUND/.test(String(error)) ? 'deleted' : String(error)),
            ),
        deletion,
      )
      .toBe('deleted');
    const [read, ...more] = await archive.readArchivedRuns(gardenId, workflowId);
    expect(more).toEqual([]);
    expect(read).toEqual(stored);
    // The journal's reading of the process (temporal/process-history.ts) finds it there, decoded.
    const [journalRun, ...others] = await processHistory(client, gardenId, workflowId, { archive });
    expect(others).toEqual([]);
    expect(journalRun).toMatchObject({
      workflowId,
      runId,
      workflowType: gardenSettingsBroadcastType,
      archived: true,
    });
    expect(JSON.stringify(journalRun?.events)).toContain(person);
  }, 120_000);

  it('goes on past a run it cannot archive, and names it', async () => {
    const workflowId = `${gardenId}/garden-settings/archive-${randomUUID().slice(0, 8)}`;
    const runId = await completedRun(workflowId);
    const gone: ClosedRun = {
      gardenId,
      workflowId: `${gardenId}/garden-settings/never-ran`,
      runId: randomUUID(),
      workflowType: gardenSettingsBroadcastType,
      closeTime: new Date().toISOString(),
    };
    const real: ClosedRun = {
      gardenId,
      workflowId,
      runId,
      workflowType: gardenSettingsBroadcastType,
      closeTime: new Date().toISOString(),
    };
    const result = await archiveRuns([gone, real]);
    expect(result).toMatchObject({ archived: 1, skipped: 0, failed: 1 });
    expect(result.failures).toEqual([
      { workflowId: gone.workflowId, runId: gone.runId, reason: expect.stringMatching(/not ?found/i) },
    ]);
    expect(await archive.readArchivedRuns(gardenId, gone.workflowId)).toEqual([]);
  });

  it('archives nothing of a garden leaving the network: its retirement moved its archive away', async () => {
    const workflowId = `${gardenId}/garden-settings/archive-${randomUUID().slice(0, 8)}`;
    const runId = await completedRun(workflowId);
    const run: ClosedRun = {
      gardenId,
      workflowId,
      runId,
      workflowType: gardenSettingsBroadcastType,
      closeTime: new Date().toISOString(),
    };
    const asked: string[] = [];
    const retiring = createHistoryArchiveActivities({
      temporal: client,
      archive,
      leftNetwork: async (id) => {
        asked.push(id);
        return id === gardenId;
      },
    });
    const result = await new MockActivityEnvironment().run(
      (input: { runs: ClosedRun[] }) => retiring.archiveRuns(input),
      { runs: [run, { ...run, runId: randomUUID() }] },
    );
    expect(result).toMatchObject({ archived: 0, skipped: 2, failed: 0 });
    // Asked once per garden in a batch, and nothing written.
    expect(asked).toEqual([gardenId]);
    expect(await archive.readArchivedRuns(gardenId, workflowId)).toEqual([]);
  });

  it("archives a garden's window page by page in a workflow, every run of a workflow id read back oldest first", async () => {
    const workflowId = `${windowGardenId}/garden-settings/archive-chain`;
    const other = `${windowGardenId}/garden-settings/archive-other`;
    const first = await completedRun(workflowId, windowGardenId);
    const second = await completedRun(workflowId, windowGardenId);
    const third = await completedRun(other, windowGardenId);
    // Archived already (an earlier, overlapping window): skipped.
    await archiveRuns((await closedRuns(3, windowGardenId)).filter((run) => run.runId === third));
    const input: HistoryArchiveInput = {
      gardenId: windowGardenId,
      since: startedAt,
      until: new Date(Date.now() + 1_000).toISOString(),
      batchSize: 1,
      batchesPerRun: 2,
    };
    const archiving = await client.workflow.start<
      (input: HistoryArchiveInput) => Promise<HistoryArchiveResult>
    >(historyArchiveType, { taskQueue, workflowId: `test-history-archive-${randomUUID()}`, args: [input] });
    const result = await archiving.result();
    // Its progress as the query answers it, from the last run of the chain.
    expect(await archiving.query(historyArchiveProgressQuery)).toEqual({
      archived: 2,
      skipped: 1,
      failed: 0,
      failures: [],
      batches: 3,
    });
    // One batch per run, two batches per run of the workflow: the listing's page token and the
    // counts carried from batch to batch and over the continue-as-new.
    expect((await archiving.describe()).runId).not.toBe(archiving.firstExecutionRunId);
    expect(result).toMatchObject({
      gardenId: windowGardenId,
      archived: 2,
      skipped: 1,
      failed: 0,
      failures: [],
      batches: 3,
    });
    expect(result.summary.fr).toContain('2 archivés, 1 déjà archivés, 0 en échec');
    expect(result.summary.en).toContain(`garden ${windowGardenId}`);

    const runs = await archive.readArchivedRuns(windowGardenId, workflowId);
    expect(runs.map((run) => run.runId)).toEqual([first, second]);
    expect((await archive.readArchivedRuns(windowGardenId, other)).map((run) => run.runId)).toEqual([third]);
  });

  it('takes up a batch where a previous attempt heartbeated it was, its counts with it', async () => {
    const workflowId = `${gardenId}/garden-settings/archive-${randomUUID().slice(0, 8)}`;
    const runId = await completedRun(workflowId);
    const run: ClosedRun = {
      gardenId,
      workflowId,
      runId,
      workflowType: gardenSettingsBroadcastType,
      closeTime: new Date().toISOString(),
    };
    // The first run of the batch was done (and counted) by the attempt before: not read again.
    const done: ClosedRun = {
      ...run,
      workflowId: `${gardenId}/garden-settings/done-before`,
      runId: randomUUID(),
    };
    const resumed = await new MockActivityEnvironment({
      heartbeatDetails: { next: 1, archived: 1, skipped: 0, failed: 0, failures: [] },
    }).run((input: { runs: ClosedRun[] }) => activities.archiveRuns(input), { runs: [done, run] });
    expect(resumed).toEqual({ archived: 2, skipped: 0, failed: 0, failures: [] });
    expect((await archive.readArchivedRuns(gardenId, workflowId)).map((each) => each.runId)).toEqual([runId]);
  });

  it('writes a run once even when its HEAD found nothing (a race): S3 refuses the second write', async () => {
    const run: ArchivedRun = {
      workflowId: `${gardenId}/garden-settings/raced`,
      runId: randomUUID(),
      workflowType: gardenSettingsBroadcastType,
      closeTime: new Date().toISOString(),
      history: { events: [] },
    };
    // An archive whose HEAD always says « not there », as when two archivings look at once:
    // the PutObject's If-None-Match alone keeps the first copy.
    const blind = createHistoryArchive(
      {
        send: (command: unknown) =>
          command instanceof HeadObjectCommand
            ? Promise.reject(Object.assign(new Error('not found'), { name: 'NotFound' }))
            : s3.send(command as GetObjectCommand),
      } as unknown as S3Client,
      bucket,
    );
    expect(await blind.write(gardenId, run)).toEqual({ written: true });
    expect(await blind.write(gardenId, { ...run, workflowType: 'another copy' })).toEqual({ written: false });
    expect(await archive.readArchivedRuns(gardenId, run.workflowId)).toEqual([run]);
  });

  it('refuses a window or a garden that is not one, so nothing else reaches the List Filter', () => {
    const window = { since: '2026-12-01T00:00:00.000Z', until: '2026-12-08T00:00:00.000Z' };
    expect(closedRunsQuery({ ...window, gardenId: 'les-jardins' })).toBe(
      "ExecutionStatus != 'Running' AND CloseTime > '2026-12-01T00:00:00.000Z' AND CloseTime <= '2026-12-08T00:00:00.000Z' AND GardenId = 'les-jardins'",
    );
    expect(() => closedRunsQuery({ ...window, gardenId: "x' OR GardenId != '" })).toThrow(RangeError);
    expect(() => closedRunsQuery({ ...window, since: "2026-12-01' OR 1=1" })).toThrow(RangeError);
  });

  it('keeps a daily Schedule of the archive on the network queue, looking back a week', async () => {
    const scheduleId = `test-history-archive-${randomUUID()}`;
    const schedule = createArchiveSchedule(client, { scheduleId });
    try {
      expect(await schedule.describe()).toBeUndefined();
      await schedule.ensure();
      await schedule.ensure(10);
      const description = await schedule.describe();
      expect(description?.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: historyArchiveType,
        taskQueue: networkTaskQueue,
        args: [{ lookbackDays: 10 }],
      });
      expect(description?.spec.timezone).toBe('Europe/Paris');
      expect(description?.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3, end: 3, step: 1 }] });
      expect(description?.policies).toMatchObject({ overlap: 'SKIP' });
    } finally {
      await client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
    }
  });
});
