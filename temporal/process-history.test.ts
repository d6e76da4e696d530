import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultFailureConverter, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { ArchivedRun } from '../domain/journal/archive-keys.ts';
import { EncryptionCodec, parseKeyRing } from './payload-codec.ts';
import { processHistory } from './process-history.ts';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

const codec = new EncryptionCodec(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`, 'k1'));
const workflowId = 'g-test/subscription/m-1.2026-12-08';

async function sealed(...values: unknown[]): Promise<{ payloads: Payload[] }> {
  const payloads = values.map((value) => defaultPayloadConverter.toPayload(value));
  return { payloads: await codec.encode(payloads, { type: 'workflow', namespace: 'test', workflowId }) };
}

const time = (minute: number) => ({
  seconds: Date.parse('2026-12-03T09:00:00Z') / 1000 + minute * 60,
  nanos: 0,
});

/** A run's history as the server keeps it: sealed payloads, every kind of event. */
async function historyOf(runId: string, previousRunId: string | undefined, decision: string) {
  // Plain numbers where the generated types say Long: the reader and `fromObject` take both.
  const events = [
    {
      eventId: 1,
      eventTime: time(1),
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'subscriptionWorkflow' },
        originalExecutionRunId: runId,
        ...(previousRunId ? { continuedExecutionRunId: previousRunId } : {}),
        input: await sealed({
          gardenId: 'g-test',
          ...(previousRunId
            ? { carried: {} }
            : { requested: { by: { userId: 'u-1', name: 'Claire Martin' } } }),
        }),
      },
    },
    {
      eventId: 2,
      eventTime: time(2),
      eventType: EventType.EVENT_TYPE_TIMER_STARTED,
      timerStartedEventAttributes: { timerId: '1' },
    },
    {
      eventId: 3,
      eventTime: time(3),
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      workflowExecutionUpdateAcceptedEventAttributes: {
        acceptedRequest: {
          meta: { updateId: `u-${runId}` },
          input: {
            name: 'decide',
            args: await sealed({ input: { decision }, actor: { userId: 'u-2', name: 'Paul Renard' } }),
          },
        },
      },
    },
    {
      eventId: 4,
      eventTime: time(4),
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
      activityTaskScheduledEventAttributes: {
        activityType: { name: 'notifyMember' },
        input: await sealed({ notification: { kind: 'subscription-approved', data: {} } }),
      },
    },
    {
      eventId: 5,
      eventTime: time(5),
      eventType: EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
      activityTaskCompletedEventAttributes: {
        scheduledEventId: 4,
        result: await sealed({ status: 'sent', channels: ['sms'] }),
      },
    },
  ] as unknown as HistoryEvent[];
  return { events };
}

/** A client whose server holds the given runs (the latest last), a page of two events at a time. */
function clientHolding(runs: Array<{ runId: string; events: HistoryEvent[] }>) {
  const requests: Array<{ runId?: string; page?: string; describe?: true }> = [];
  const notFoundError = () =>
    Object.assign(new Error('workflow execution not found'), { code: 5, details: 'not found', metadata: {} });
  const client = {
    options: {
      namespace: 'test',
      loadedDataConverter: {
        payloadConverter: defaultPayloadConverter,
        failureConverter: defaultFailureConverter,
        payloadCodecs: [codec],
      },
    },
    workflowService: {
      async describeWorkflowExecution(request: { execution: { workflowId: string; runId?: string } }) {
        requests.push({ describe: true });
        const run = runs.at(-1);
        if (!run || request.execution.runId) throw notFoundError();
        return {
          workflowExecutionInfo: {
            execution: { workflowId: request.execution.workflowId, runId: run.runId },
          },
        };
      },
      async getWorkflowExecutionHistory(request: {
        execution: { workflowId: string; runId?: string };
        nextPageToken?: Uint8Array;
      }) {
        const runId = request.execution.runId;
        const page = request.nextPageToken ? Number(Buffer.from(request.nextPageToken).toString()) : 0;
        requests.push({ ...(runId ? { runId } : {}), ...(page ? { page: String(page) } : {}) });
        const run = runId ? runs.find((candidate) => candidate.runId === runId) : runs.at(-1);
        if (!run) throw notFoundError();
        const events = run.events.slice(page, page + 2);
        const next = page + 2 < run.events.length ? new Uint8Array(Buffer.from(String(page + 2))) : undefined;
        return { history: { events }, ...(next ? { nextPageToken: next } : {}) };
      },
    },
  };
  return { client: client as unknown as Client, requests };
}

describe('the history of a process', () => {
  it('reads every run of a continue-as-new chain, oldest first, page by page, payloads opened', async () => {
    const first = { runId: 'run-1', ...(await historyOf('run-1', undefined, 'approve')) };
    const second = { runId: 'run-2', ...(await historyOf('run-2', 'run-1', 'waitlist')) };
    const { client, requests } = clientHolding([first, second]);
    const runs = await processHistory(client, 'g-test', workflowId);
    expect(runs.map((run) => [run.runId, run.workflowType, run.archived])).toEqual([
      ['run-1', 'subscriptionWorkflow', false],
      ['run-2', 'subscriptionWorkflow', false],
    ]);
    // The latest run first (its id as the server describes it), then back through each start's
    // previous run; three pages each.
    expect(requests.map((request) => (request.describe ? 'describe' : request.runId))).toEqual([
      'describe',
      'run-2',
      'run-2',
      'run-2',
      'run-1',
      'run-1',
      'run-1',
    ]);
    const [events] = runs.map((run) => run.events);
    // The timer is none of the journal's business; the rest is read, opened and converted.
    expect(events?.map((event) => event.eventType)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowExecutionUpdateAccepted',
      'ActivityTaskScheduled',
      'ActivityTaskCompleted',
    ]);
    expect(events?.[0]).toMatchObject({
      eventId: 1,
      at: '2026-12-03T09:01:00.000Z',
      name: 'subscriptionWorkflow',
      args: [{ gardenId: 'g-test', requested: { by: { name: 'Claire Martin' } } }],
    });
    expect(events?.[1]).toMatchObject({
      name: 'decide',
      updateId: 'u-run-1',
      args: [{ input: { decision: 'approve' }, actor: { userId: 'u-2' } }],
    });
    expect(events?.[3]).toMatchObject({ scheduledEventId: 4, result: { status: 'sent', channels: ['sms'] } });
    expect(runs[1]?.events[0]?.continuedFromRunId).toBe('run-1');
  });

  it('reads the runs the server no longer holds from the archive, marked archived', async () => {
    const first = { runId: 'run-1', ...(await historyOf('run-1', undefined, 'approve')) };
    const second = { runId: 'run-2', ...(await historyOf('run-2', 'run-1', 'waitlist')) };
    const archivedRun = (run: typeof first): ArchivedRun => ({
      workflowId,
      runId: run.runId,
      workflowType: 'subscriptionWorkflow',
      closeTime: '2026-12-03T10:00:00Z',
      history: JSON.parse(historyToJSON({ events: run.events })) as { events: unknown[] },
    });
    const asked: string[] = [];
    const archive = {
      async readArchivedRuns(gardenId: string, id: string) {
        asked.push(`${gardenId} ${id}`);
        return [archivedRun(first), archivedRun(second)];
      },
    };
    // The server still holds the latest run only: the first comes from the archive.
    const partly = await processHistory(clientHolding([second]).client, 'g-test', workflowId, { archive });
    expect(partly.map((run) => [run.runId, run.archived])).toEqual([
      ['run-1', true],
      ['run-2', false],
    ]);
    expect(partly[0]?.events[1]).toMatchObject({
      name: 'decide',
      args: [{ input: { decision: 'approve' } }],
    });
    // It holds none: all from the archive, in order.
    const gone = await processHistory(clientHolding([]).client, 'g-test', workflowId, { archive });
    expect(gone.map((run) => [run.runId, run.archived])).toEqual([
      ['run-1', true],
      ['run-2', true],
    ]);
    expect(asked).toEqual([`g-test ${workflowId}`, `g-test ${workflowId}`]);
    // Without an archive, what the server holds.
    expect(await processHistory(clientHolding([]).client, 'g-test', workflowId)).toEqual([]);
  });

  it('names the latest run by its own id, a reset run’s too (not its original run’s)', async () => {
    const first = { runId: 'run-1', ...(await historyOf('run-1', undefined, 'approve')) };
    // A reset of run-1: a new run whose start still names run-1 as its original execution.
    const reset = { runId: 'run-1-reset', ...(await historyOf('run-1', undefined, 'waitlist')) };
    const runs = await processHistory(clientHolding([first, reset]).client, 'g-test', workflowId);
    expect(runs.map((run) => run.runId)).toEqual(['run-1-reset']);
    expect(runs[0]?.events[1]).toMatchObject({ args: [{ input: { decision: 'waitlist' } }] });
  });

  it('leaves out a payload that does not open rather than failing the journal', async () => {
    const run = { runId: 'run-1', ...(await historyOf('run-1', undefined, 'approve')) };
    const stranger = new EncryptionCodec(parseKeyRing(`k2:${randomBytes(32).toString('base64')}`, 'k2'));
    const { client } = clientHolding([run]);
    (client.options.loadedDataConverter as { payloadCodecs: unknown[] }).payloadCodecs = [stranger];
    const [read] = await processHistory(client, 'g-test', workflowId);
    expect(read?.events.map((event) => event.eventType)).toHaveLength(4);
    expect(read?.events.every((event) => event.args === undefined && event.result === undefined)).toBe(true);
  });

  it('leaves out only the payload sealed with a retired key: the rest of its run still opens', async () => {
    const run = { runId: 'run-1', ...(await historyOf('run-1', undefined, 'approve')) };
    // The notice's input sealed long ago with a key since removed from the ring.
    const retired = new EncryptionCodec(parseKeyRing(`k0:${randomBytes(32).toString('base64')}`, 'k0'));
    const scheduled = run.events[3]?.activityTaskScheduledEventAttributes;
    if (!scheduled?.input?.payloads) throw new Error('the history has no scheduled activity');
    scheduled.input.payloads = await retired.encode(scheduled.input.payloads, {
      type: 'workflow',
      namespace: 'test',
      workflowId,
    });
    const [read] = await processHistory(clientHolding([run]).client, 'g-test', workflowId);
    const [started, decided, notice, done] = read?.events ?? [];
    expect(started).toMatchObject({ args: [{ requested: { by: { name: 'Claire Martin' } } }] });
    expect(decided).toMatchObject({
      args: [{ input: { decision: 'approve' }, actor: { name: 'Paul Renard' } }],
    });
    expect(notice).toMatchObject({ eventType: 'ActivityTaskScheduled', name: 'notifyMember' });
    expect(notice?.args).toBeUndefined();
    expect(done).toMatchObject({ result: { status: 'sent', channels: ['sms'] } });
  });
});
