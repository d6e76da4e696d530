import { isGrpcServiceError, type Client } from '@temporalio/client';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import type { HistoryArchiveReader } from '../domain/journal/archive-keys.ts';
import { gardenProvisioningId, gardenRetirementId } from '../workflows/garden-provisioning/contract.ts';
import { gardenSettingsBroadcastType } from '../workflows/garden-settings/contract.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import {
  journalEventTypes,
  type JournalEventType,
  type ProcessEvent,
  type ProcessFailure,
  type ProcessRun,
} from '../domain/journal/process-events.ts';

const { temporal } = proto;

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type History = proto.temporal.api.history.v1.IHistory;
type Failure = proto.temporal.api.failure.v1.IFailure;

export interface ProcessHistoryOptions {
  /** The archive, for runs past the server's retention; without it, such runs are left out. */
  archive?: HistoryArchiveReader | undefined;
}

const wanted = new Set<string>(journalEventTypes);
/** gRPC's NOT_FOUND: the server holds no such run (never started, or deleted at its retention). */
const notFound = 5;

/** `EVENT_TYPE_ACTIVITY_TASK_SCHEDULED` → `ActivityTaskScheduled`. */
function eventTypeName(value: number | null | undefined): string {
  const constant = temporal.api.enums.v1.EventType[value ?? 0] ?? '';
  return constant
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _separator: string, letter: string) => letter.toUpperCase());
}

function isoOf(time: proto.temporal.api.history.v1.IHistoryEvent['eventTime']): string {
  if (!time) return new Date(0).toISOString();
  const seconds = Number(time.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((time.nanos ?? 0) / 1e6)).toISOString();
}

function failureOf(failure: Failure | null | undefined): ProcessFailure {
  const type = failure?.applicationFailureInfo?.type ?? undefined;
  const cause = failure?.cause?.message;
  const message = [failure?.message, cause].filter(Boolean).join(': ') || 'failure';
  return { message, ...(type ? { type } : {}) };
}

/** An event as the journal reads it, its payloads still to be opened (`open` below). */
interface PendingEvent {
  event: ProcessEvent;
  args?: Payload[] | undefined;
  result?: Payload[] | undefined;
}

function pendingOf(raw: HistoryEvent): PendingEvent | undefined {
  const eventType = eventTypeName(raw.eventType) as JournalEventType;
  if (!wanted.has(eventType)) return undefined;
  const event: ProcessEvent = {
    eventId: Number(raw.eventId ?? 0),
    eventType,
    at: isoOf(raw.eventTime),
  };
  const payloads = (list: proto.temporal.api.common.v1.IPayloads | null | undefined) =>
    list?.payloads ?? undefined;
  switch (eventType) {
    case 'WorkflowExecutionStarted': {
      const attributes = raw.workflowExecutionStartedEventAttributes;
      event.name = attributes?.workflowType?.name ?? '';
      if (attributes?.continuedExecutionRunId) event.continuedFromRunId = attributes.continuedExecutionRunId;
      return { event, args: payloads(attributes?.input) };
    }
    case 'WorkflowExecutionCompleted':
      return { event, result: payloads(raw.workflowExecutionCompletedEventAttributes?.result) };
    case 'WorkflowExecutionFailed':
      event.failure = failureOf(raw.workflowExecutionFailedEventAttributes?.failure);
      return { event };
    case 'WorkflowExecutionTerminated':
      event.failure = { message: raw.workflowExecutionTerminatedEventAttributes?.reason || 'terminated' };
      return { event };
    case 'WorkflowExecutionTimedOut':
    case 'WorkflowExecutionCanceled':
      return { event };
    case 'ActivityTaskScheduled': {
      const attributes = raw.activityTaskScheduledEventAttributes;
      event.name = attributes?.activityType?.name ?? '';
      return { event, args: payloads(attributes?.input) };
    }
    case 'ActivityTaskCompleted': {
      const attributes = raw.activityTaskCompletedEventAttributes;
      event.scheduledEventId = Number(attributes?.scheduledEventId ?? 0);
      return { event, result: payloads(attributes?.result) };
    }
    case 'ActivityTaskFailed': {
      const attributes = raw.activityTaskFailedEventAttributes;
      event.scheduledEventId = Number(attributes?.scheduledEventId ?? 0);
      event.failure = failureOf(attributes?.failure);
      return { event };
    }
    case 'ActivityTaskTimedOut': {
      const attributes = raw.activityTaskTimedOutEventAttributes;
      event.scheduledEventId = Number(attributes?.scheduledEventId ?? 0);
      event.failure = failureOf(attributes?.failure);
      return { event };
    }
    case 'WorkflowExecutionSignaled': {
      const attributes = raw.workflowExecutionSignaledEventAttributes;
      event.name = attributes?.signalName ?? '';
      return { event, args: payloads(attributes?.input) };
    }
    case 'WorkflowExecutionUpdateAccepted': {
      const request = raw.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      event.name = request?.input?.name ?? '';
      event.updateId = request?.meta?.updateId ?? '';
      return { event, args: payloads(request?.input?.args) };
    }
    case 'WorkflowExecutionUpdateCompleted': {
      const attributes = raw.workflowExecutionUpdateCompletedEventAttributes;
      event.updateId = attributes?.meta?.updateId ?? '';
      // The answer (the whole new state) is not read: whether it failed is.
      if (attributes?.outcome?.failure) event.failure = failureOf(attributes.outcome.failure);
      return { event };
    }
  }
}

/** One batch of payloads through the codecs, last codec first, as the SDK does. */
async function decoded(converter: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let opened = payloads;
  for (const codec of [...converter.payloadCodecs].reverse()) opened = await codec.decode(opened);
  return opened;
}

/**
 * Opens a run's payloads: all at once through the codecs, then the payload converter. When the
 * batch does not open (a payload sealed with a key no longer held, or altered), each payload is
 * opened on its own, and only those that do not open leave their field out: the rest of the
 * run keeps its names, reasons and decisions, and the journal never fails for one payload.
 */
async function open(converter: LoadedDataConverter, pending: PendingEvent[]): Promise<ProcessEvent[]> {
  const sealed: Payload[] = [];
  for (const item of pending) sealed.push(...(item.args ?? []), ...(item.result ?? []));
  let opened: Array<Payload | undefined>;
  try {
    opened = await decoded(converter, sealed);
  } catch {
    opened = await Promise.all(
      sealed.map((payload) =>
        decoded(converter, [payload]).then(
          ([one]) => one,
          () => undefined,
        ),
      ),
    );
  }
  let index = 0;
  /** The next `count` values; undefined when one of them does not open or convert. */
  const next = (count: number): unknown[] | undefined => {
    const slice = opened.slice(index, index + count);
    index += count;
    try {
      return slice.map((payload) => {
        if (!payload) throw new Error('sealed');
        return converter.payloadConverter.fromPayload(payload);
      });
    } catch {
      return undefined;
    }
  };
  return pending.map(({ event, args, result }) => {
    if (args) {
      const values = next(args.length);
      if (values) event.args = values;
    }
    if (result) {
      const values = next(result.length);
      if (values && values.length > 0) event.result = values[0];
    }
    return event;
  });
}

/** A run's events as the journal reads them, from a history (the server's or the archive's). */
export async function decodeRun(
  converter: LoadedDataConverter,
  workflowId: string,
  runId: string,
  history: History,
  archived: boolean,
): Promise<ProcessRun> {
  const pending: PendingEvent[] = [];
  for (const raw of history.events ?? []) {
    const item = pendingOf(raw);
    if (item) pending.push(item);
  }
  const events = await open(converter, pending);
  const workflowType = events.find((event) => event.eventType === 'WorkflowExecutionStarted')?.name ?? '';
  return { workflowId, runId, workflowType, archived, events };
}

/** gRPC's NOT_FOUND, as undefined; any other error thrown. */
async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isGrpcServiceError(error) && Number(error.code) === notFound) return undefined;
    throw error;
  }
}

/**
 * The whole history of one run from the server, page by page; undefined when it holds none.
 * Without a run id, the latest run's: its id as the server describes it (a reset run's own,
 * which its start's `originalExecutionRunId` is not), then that very run's history, so that a
 * run continuing as new meanwhile does not mix two runs.
 */
async function serverHistory(
  client: Client,
  workflowId: string,
  runId: string | undefined,
): Promise<{ history: History; runId: string } | undefined> {
  const namespace = client.options.namespace;
  const id =
    runId ??
    (
      await unlessNotFound(
        client.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } }),
      )
    )?.workflowExecutionInfo?.execution?.runId;
  if (!id) return undefined;
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await unlessNotFound(
      client.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId, runId: id },
        maximumPageSize: 1000,
        ...(nextPageToken ? { nextPageToken } : {}),
      }),
    );
    if (!page) return undefined;
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { history: { events }, runId: id };
}

/**
 * Every run of a process, oldest first, with its events decoded: from the latest run back to
 * the first through each start's `continuedExecutionRunId` (continue-as-new), then from the
 * archive for the runs the server no longer holds (all of them when it holds none).
 */
export async function processHistory(
  client: Client,
  gardenId: string,
  workflowId: string,
  options: ProcessHistoryOptions = {},
): Promise<ProcessRun[]> {
  const converter = client.options.loadedDataConverter;
  const runs: ProcessRun[] = [];
  let runId: string | undefined;
  let missing = false;
  for (let first = true; first || runId; first = false) {
    const found = await serverHistory(client, workflowId, runId);
    if (!found) {
      missing = true;
      break;
    }
    const run = await decodeRun(converter, workflowId, found.runId, found.history, false);
    runs.unshift(run);
    runId = run.events[0]?.continuedFromRunId;
  }
  if (missing && options.archive) {
    const held = new Set(runs.map((run) => run.runId));
    const archived = await options.archive.readArchivedRuns(gardenId, workflowId);
    const older: ProcessRun[] = [];
    for (const run of archived) {
      if (held.has(run.runId)) continue;
      older.push(await decodeRun(converter, workflowId, run.runId, historyFromJSON(run.history), true));
    }
    older.sort((a, b) => (a.events[0]?.at ?? '').localeCompare(b.events[0]?.at ?? ''));
    runs.unshift(...older);
  }
  return runs;
}

/** The histories of several processes at once (a member's subscriptions and invoices). */
export async function processHistories(
  client: Client,
  gardenId: string,
  workflowIds: readonly string[],
  options: ProcessHistoryOptions = {},
): Promise<ProcessRun[][]> {
  return Promise.all(workflowIds.map((id) => processHistory(client, gardenId, id, options)));
}

/** Broadcasts of the garden's settings read for its journal, at most (the latest first). */
const broadcastLimit = 200;

/**
 * The garden's own processes: its creation (and retirement), and the broadcasts of its settings
 * to its subscriptions (listed by visibility, newest first: one per change).
 */
export async function gardenProcessIds(client: Client, gardenId: string): Promise<string[]> {
  // A garden id is checked by its pattern (lowercase letters, digits, dashes): safe in a filter.
  if (!/^[a-z0-9-]+$/.test(gardenId)) return [];
  const ids = [gardenProvisioningId(gardenId), gardenRetirementId(gardenId)];
  const query = `WorkflowType = '${gardenSettingsBroadcastType}' AND ${gardenIdKey.name} = '${gardenId}'`;
  for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
    if (!ids.includes(execution.workflowId)) ids.push(execution.workflowId);
    if (ids.length >= broadcastLimit + 2) break;
  }
  return ids;
}

/** The journal as a PDF (activities/documents/journal-pdf.ts), for the API, which reaches activities through this layer. */
export { journalPdf } from '../activities/documents/journal-pdf.ts';
