// The network admin's overview of every garden's processes, as Temporal sees them: processes
// waiting on a person for too long, failed lately, stuck on an activity for hours, with counts per
// garden. Read from Temporal's visibility (List Filter over the search attributes) and, for the
// few candidates only, from their histories and descriptions. Ids and search attributes only:
// no payload is ever decoded here, so no member's personal data can reach the answer.
import { gardenStateOf } from '../../domain/garden.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import Type from 'typebox';
import type { Store } from '../../adapters/store/index.ts';
import { notFound } from '../../domain/errors.ts';
import { GardenId, isGardenId } from '../../domain/ids.ts';
import { requireRole } from '../plugins/auth.ts';
import { logStaffAction } from '../plugins/request-origin.ts';
import { errorAnswers } from '../schemas.ts';

/**
 * The kinds of process, by workflow type. The api layer does not import workflows/: these names
 * are the contracts' (`*Type` of workflows/<process>/contract.ts), which the test holds them to.
 */
export const processKinds = {
  subscription: ['subscriptionWorkflow'],
  payment: ['invoicePayment'],
  billing: ['billingRun', 'billingRunTrigger'],
  week: ['weekPreparation', 'weekPreparationTrigger'],
  round: ['deliveryRound'],
  extension: ['extensionRollout'],
  // A garden's settings and pages changing, and what follows: members told of new terms.
  settings: ['gardenSettingsBroadcast', 'gardenConfigurationCopy', 'termsNotice'],
  provisioning: ['gardenProvisioning', 'gardenRetirement'],
  archive: ['historyArchive'],
  // A member's rights over their data (RGPD): their export, their erasure; the retention rules.
  privacy: ['memberDataExport', 'memberErasure', 'retentionSweep'],
} as const satisfies Record<string, readonly string[]>;
export type ProcessKind = keyof typeof processKinds | 'other';
const kindNames = Object.keys(processKinds) as Array<keyof typeof processKinds>;

/** What a process of the overview is: waiting on a person too long, failed lately, or stuck. */
export const overviewStates = ['waiting', 'failed', 'stuck'] as const;
export type OverviewState = (typeof overviewStates)[number];

/** Every `WaitingOn` value (workflows/search-attributes.ts `waitingOn`, and the network's decision). */
export const waitingOnValues = [
  'staff-approval',
  'week-composition',
  'payment-decision',
  'round-approval',
  'extension-approval',
  'erasure-decision',
  'network-decision',
] as const;

const gardenIdKey = defineSearchAttributeKey('GardenId', SearchAttributeType.KEYWORD);
const waitingOnKey = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD);

export interface OverviewFilter {
  kind?: keyof typeof processKinds | undefined;
  state?: OverviewState | undefined;
  waitingOn?: (typeof waitingOnValues)[number] | undefined;
  gardenId?: string | undefined;
}

export interface OverviewProcess {
  gardenId: string;
  workflowId: string;
  kind: ProcessKind;
  state: OverviewState;
  /** How a failed process ended: failed, terminated (by a person or a retirement) or timed out. */
  closeStatus?: 'failed' | 'terminated' | 'timed-out';
  waitingOn?: string;
  /** Waiting: since the wait began; failed: when it ended; stuck: since the activity was first scheduled. */
  since: string;
  waitingForHours?: number;
  retryingActivity?: { name: string; attempts: number; since: string };
}

export interface GardenCounts {
  gardenId: string;
  running: number;
  waitingOnPerson: number;
  failed: number;
  stuck: number;
}

export interface NetworkOverviewAnswer {
  counts: GardenCounts[];
  processes: OverviewProcess[];
  /** Some candidates could not be read within the time the page allows: figures may be low. */
  partial?: true;
}

/**
 * A step of a process past its bounded retries, which the process tries again by itself in
 * rounds (workflows/incidents/persevere.ts: 15 min, 1 h, 4 h, then daily): in this system, that
 * is what an activity « retrying for hours » looks like, its activity not pending between rounds.
 * Read from the gardens' open `process-stalled` incidents: ids, the step's name and times only.
 */
export interface StalledStep {
  gardenId: string;
  workflowId: string;
  /** The step's name in its process ("record", "list-subscriptions"…). */
  step: string;
  /** When the step was first reported past its retries. */
  since: string;
  /** Rounds of tries reported so far. */
  rounds: number;
}

/** The stalled steps of one garden, or of every garden, from the gardens' incidents in the store. */
export function stalledStepsFrom(store: Pick<Store, 'gardens' | 'incidents'>) {
  return async (gardenId: string | undefined): Promise<StalledSteps> => {
    const gardenIds = gardenId ? [gardenId] : (await store.gardens.list()).map((garden) => garden.id);
    const { results, unread } = await readEach(
      gardenIds,
      (id) => store.incidents.list(id),
      () => false,
    );
    const steps = [...results.values()].flat().flatMap((incident) => {
      const prefix = `stalled/${incident.workflowId}/`;
      if (incident.kind !== 'process-stalled' || !incident.workflowId || !incident.key.startsWith(prefix))
        return [];
      return [
        {
          gardenId: incident.gardenId,
          workflowId: incident.workflowId,
          step: incident.key.slice(prefix.length),
          since: incident.since,
          rounds: incident.occurrences,
        },
      ];
    });
    return { steps, unread };
  };
}

/** The stalled steps read, and how many gardens' incidents could not be read. */
export interface StalledSteps {
  steps: StalledStep[];
  unread: number;
}

export interface NetworkOverviewOptions {
  now?: () => Date;
  /** The steps past their retries (the gardens' incidents); none when absent. */
  stalledSteps?: ((gardenId: string | undefined) => Promise<StalledSteps>) | undefined;
  /** A wait longer than this is too long (48 h). */
  waitingTooLongHours?: number;
  /** How far back failed processes are counted (30 days). */
  failedWithinDays?: number;
  /** An activity pending, or a step past its retries, for longer than this is stuck (2 h). */
  stuckAfterHours?: number;
  /** Candidates read one by one (waits' start, stuck activities), at most, per answer. */
  maxCandidates?: number;
  /** The time the whole answer may take before what is left unread is given up (`partial`). */
  budgetMs?: number;
}

const hourMs = 3_600_000;
/** Histories and descriptions read at once. */
const concurrency = 8;
/** Pages of a history read backwards when looking for where a wait or an activity began. */
const maxReversePages = 5;
/** Runs of a continue-as-new chain followed back for a wait that spans them. */
const maxRunsBack = 5;
/** Processes listed at most (the oldest first); the counts are whole all the same. */
const maxProcesses = 500;

const quoted = (value: string) => `'${value}'`;

/**
 * The clauses of a List Filter that every query of the overview shares, built only from the
 * validated filter: a kind's workflow types and a `WaitingOn` value from fixed lists, a garden id
 * of the garden id pattern (anything else is refused before it gets here).
 */
export function filterClauses(filter: Pick<OverviewFilter, 'kind' | 'waitingOn' | 'gardenId'>): string[] {
  const clauses: string[] = [];
  if (filter.kind !== undefined) {
    const types = processKinds[filter.kind];
    if (!types) throw new RangeError(`Not a kind of process: ${JSON.stringify(filter.kind)}`);
    clauses.push(`(${types.map((type) => `WorkflowType = ${quoted(type)}`).join(' OR ')})`);
  }
  if (filter.waitingOn !== undefined) {
    if (!(waitingOnValues as readonly string[]).includes(filter.waitingOn)) {
      throw new RangeError(`Not a WaitingOn value: ${JSON.stringify(filter.waitingOn)}`);
    }
    clauses.push(`WaitingOn = ${quoted(filter.waitingOn)}`);
  }
  if (filter.gardenId !== undefined) {
    if (!isGardenId(filter.gardenId))
      throw new RangeError(`Not a garden id: ${JSON.stringify(filter.gardenId)}`);
    clauses.push(`GardenId = ${quoted(filter.gardenId)}`);
  }
  return clauses;
}

const kindOf = (workflowType: string): ProcessKind =>
  kindNames.find((kind) => (processKinds[kind] as readonly string[]).includes(workflowType)) ?? 'other';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = HistoryEvent['eventTime'];

const millisOf = (timestamp: Timestamp): number | undefined =>
  timestamp?.seconds === undefined || timestamp.seconds === null
    ? undefined
    : Number(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000);

/** A keyword search attribute as an event carries it: its value, or null once unset. */
function keywordIn(
  indexedFields: Record<string, temporal.api.common.v1.IPayload> | null | undefined,
  name: string,
): string | null | undefined {
  const payload = indexedFields?.[name];
  if (!payload) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8'));
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    return null;
  } catch {
    return null;
  }
}

/** Runs `read` over the items, a few at a time, until each is read or `over()` says to stop. */
async function readEach<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R | undefined>,
  over: () => boolean,
): Promise<{ results: Map<T, R>; unread: number }> {
  const results = new Map<T, R>();
  let next = 0;
  let unread = 0;
  async function reader(): Promise<void> {
    while (next < items.length) {
      const item = items[next++] as T;
      if (over()) {
        unread++;
        continue;
      }
      const result = await read(item).catch(() => undefined);
      if (result === undefined) unread++;
      else results.set(item, result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, reader));
  return { results, unread };
}

interface RunningRow {
  gardenId: string;
  workflowId: string;
  runId: string;
  kind: ProcessKind;
  waitingOn?: string | undefined;
  startTime: Date;
}

/** The network overview over one Temporal client (ids and search attributes; no payload decoded). */
export function createNetworkOverview(client: Client, options: NetworkOverviewOptions = {}) {
  const now = options.now ?? (() => new Date());
  const waitingTooLongMs = (options.waitingTooLongHours ?? 48) * hourMs;
  const failedWithinMs = (options.failedWithinDays ?? 30) * 24 * hourMs;
  const stuckAfterMs = (options.stuckAfterHours ?? 2) * hourMs;
  const maxCandidates = options.maxCandidates ?? 1_000;
  const budgetMs = options.budgetMs ?? 8_000;
  const namespace = client.options.namespace;

  const gardenOf = (execution: WorkflowExecutionInfo) =>
    execution.typedSearchAttributes.get(gardenIdKey) ?? execution.workflowId.split('/')[0] ?? 'network';

  /** Events of a run, newest first, a page at a time, until `found` answers (or the pages run out). */
  async function scanBack<R>(
    workflowId: string,
    runId: string,
    found: (event: HistoryEvent) => R | undefined,
  ): Promise<R | undefined> {
    let nextPageToken: Uint8Array | undefined;
    for (let page = 0; page < maxReversePages; page++) {
      const answer = await client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace,
        execution: { workflowId, runId },
        maximumPageSize: 200,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const event of answer.history?.events ?? []) {
        const result = found(event);
        if (result !== undefined) return result;
      }
      nextPageToken = answer.nextPageToken?.length ? answer.nextPageToken : undefined;
      if (!nextPageToken) break;
    }
    return undefined;
  }

  /**
   * When the process began waiting on `value`: the earliest of the latest unbroken series of
   * `WaitingOn = value` upserts (a workflow may set it again while it waits), across the runs
   * of a continue-as-new chain that carried it. Undefined when it could not be found.
   */
  async function waitingSince(row: RunningRow, value: string): Promise<number | undefined> {
    let since: number | undefined;
    let runId: string | undefined = row.runId;
    for (let run = 0; runId && run < maxRunsBack; run++) {
      const outcome: { stop: true } | { previousRunId: string | undefined } | undefined = await scanBack(
        row.workflowId,
        runId,
        (event) => {
          const upserted =
            event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
          const started = event.workflowExecutionStartedEventAttributes;
          const fields = upserted ?? started?.searchAttributes?.indexedFields;
          const set = keywordIn(fields, waitingOnKey.name);
          if (set === undefined && !started) return undefined;
          if (set !== value) return { stop: true as const };
          since = millisOf(event.eventTime) ?? since;
          if (started) return { previousRunId: started.continuedExecutionRunId ?? undefined };
          return undefined;
        },
      );
      runId = outcome && 'previousRunId' in outcome ? outcome.previousRunId : undefined;
    }
    return since;
  }

  /** The activity pending since longer than `stuckAfterMs`, if any: its name, attempts and first scheduling. */
  async function stuckActivity(row: RunningRow): Promise<OverviewProcess['retryingActivity'] | null> {
    const description = await client.workflowService.describeWorkflowExecution({
      namespace,
      execution: { workflowId: row.workflowId, runId: row.runId },
    });
    const limit = now().getTime() - stuckAfterMs;
    for (const pending of description.pendingActivities ?? []) {
      // The current attempt's scheduling: when it is recent, the first one may still be old.
      const firstScheduled =
        (await scanBack(row.workflowId, row.runId, (event) =>
          event.activityTaskScheduledEventAttributes?.activityId === pending.activityId
            ? millisOf(event.eventTime)
            : undefined,
        )) ?? millisOf(pending.scheduledTime);
      if (firstScheduled !== undefined && firstScheduled < limit) {
        return {
          name: pending.activityType?.name ?? 'unknown',
          attempts: pending.attempt ?? 1,
          since: new Date(firstScheduled).toISOString(),
        };
      }
    }
    return null;
  }

  return {
    async read(filter: OverviewFilter): Promise<NetworkOverviewAnswer> {
      const startedAt = Date.now();
      const over = () => Date.now() - startedAt > budgetMs;
      const clauses = filterClauses(filter);
      const query = (...more: string[]) => [...more, ...clauses].join(' AND ');
      const counts = new Map<string, GardenCounts>();
      const countsOf = (gardenId: string) => {
        let garden = counts.get(gardenId);
        if (!garden) {
          garden = { gardenId, running: 0, waitingOnPerson: 0, failed: 0, stuck: 0 };
          counts.set(gardenId, garden);
        }
        return garden;
      };
      if (filter.gardenId) countsOf(filter.gardenId);
      let partial = false;
      const processes: OverviewProcess[] = [];
      const at = now().getTime();

      // Running processes: counted per garden; those waiting on a person, and those old enough to
      // have an activity pending for hours, are the candidates read one by one.
      const running: RunningRow[] = [];
      for await (const execution of client.workflow.list({ query: query(`ExecutionStatus = 'Running'`) })) {
        const row: RunningRow = {
          gardenId: gardenOf(execution),
          workflowId: execution.workflowId,
          runId: execution.runId,
          kind: kindOf(execution.type),
          waitingOn: execution.typedSearchAttributes.get(waitingOnKey),
          startTime: execution.startTime,
        };
        countsOf(row.gardenId).running++;
        running.push(row);
        if (over()) {
          partial = true;
          break;
        }
      }

      // Steps past their retries, for hours, of the running processes listed (so the filters hold).
      const stalled = await (
        options.stalledSteps?.(filter.gardenId) ?? Promise.resolve({ steps: [], unread: 0 })
      ).catch(() => ({ steps: [], unread: 1 }));
      if (stalled.unread > 0) partial = true;
      const runningById = new Map(running.map((row) => [row.workflowId, row]));
      const stuckRows = new Set<RunningRow>();
      for (const step of stalled.steps) {
        const row = runningById.get(step.workflowId);
        if (!row || stuckRows.has(row) || Date.parse(step.since) >= at - stuckAfterMs) continue;
        stuckRows.add(row);
        countsOf(row.gardenId).stuck++;
        if (filter.state === undefined || filter.state === 'stuck') {
          processes.push({
            gardenId: row.gardenId,
            workflowId: row.workflowId,
            kind: row.kind,
            state: 'stuck',
            ...(row.waitingOn ? { waitingOn: row.waitingOn } : {}),
            since: step.since,
            retryingActivity: { name: step.step, attempts: step.rounds, since: step.since },
          });
        }
      }

      const waiting = running.filter((row) => row.waitingOn !== undefined);
      // Short-lived processes first: a subscription or an extension's rollout lives for months,
      // mostly asleep on its timers, and is the least likely to hold an activity for hours.
      const longLived: readonly ProcessKind[] = ['subscription', 'extension'];
      const stuckCandidates = running
        .filter(
          (row) =>
            !stuckRows.has(row) && row.waitingOn === undefined && row.startTime.getTime() < at - stuckAfterMs,
        )
        .sort((a, b) => Number(longLived.includes(a.kind)) - Number(longLived.includes(b.kind)));
      if (waiting.length + stuckCandidates.length > maxCandidates) partial = true;
      const [waits, stuck] = await Promise.all([
        readEach(waiting.slice(0, maxCandidates), (row) => waitingSince(row, row.waitingOn as string), over),
        readEach(
          stuckCandidates.slice(0, Math.max(0, maxCandidates - waiting.length)),
          async (row) => (await stuckActivity(row)) ?? null,
          over,
        ),
      ]);
      if (waits.unread + stuck.unread > 0) partial = true;

      for (const [row, since] of waits.results) {
        if (at - since <= waitingTooLongMs) continue;
        countsOf(row.gardenId).waitingOnPerson++;
        if (filter.state === undefined || filter.state === 'waiting') {
          processes.push({
            gardenId: row.gardenId,
            workflowId: row.workflowId,
            kind: row.kind,
            state: 'waiting',
            ...(row.waitingOn ? { waitingOn: row.waitingOn } : {}),
            since: new Date(since).toISOString(),
            waitingForHours: Math.floor((at - since) / hourMs),
          });
        }
      }
      for (const [row, activity] of stuck.results) {
        if (!activity) continue;
        countsOf(row.gardenId).stuck++;
        if (filter.state === undefined || filter.state === 'stuck') {
          processes.push({
            gardenId: row.gardenId,
            workflowId: row.workflowId,
            kind: row.kind,
            state: 'stuck',
            since: activity.since,
            retryingActivity: activity,
          });
        }
      }

      // Failed, terminated or timed out lately.
      const failedSince = new Date(at - failedWithinMs).toISOString();
      const closedBadly = `(ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut')`;
      for await (const execution of client.workflow.list({
        query: query(closedBadly, `CloseTime > ${quoted(failedSince)}`),
      })) {
        const gardenId = gardenOf(execution);
        countsOf(gardenId).failed++;
        if (filter.state === undefined || filter.state === 'failed') {
          const waitingOn = execution.typedSearchAttributes.get(waitingOnKey);
          processes.push({
            gardenId,
            workflowId: execution.workflowId,
            kind: kindOf(execution.type),
            state: 'failed',
            closeStatus:
              execution.status.name === 'TERMINATED'
                ? 'terminated'
                : execution.status.name === 'TIMED_OUT'
                  ? 'timed-out'
                  : 'failed',
            ...(waitingOn ? { waitingOn } : {}),
            since: (execution.closeTime ?? execution.startTime).toISOString(),
          });
        }
        if (over()) {
          partial = true;
          break;
        }
      }

      if (processes.length > maxProcesses) partial = true;
      return {
        counts: [...counts.values()].sort((a, b) => a.gardenId.localeCompare(b.gardenId)),
        // Oldest problem first: what has waited longest needs looking at first.
        processes: processes.sort((a, b) => a.since.localeCompare(b.since)).slice(0, maxProcesses),
        ...(partial ? { partial: true as const } : {}),
      };
    },
  };
}
export type NetworkOverview = ReturnType<typeof createNetworkOverview>;

// ---- Routes ----

const Instant = Type.String({ description: 'An ISO instant, UTC.' });
const KindSchema = Type.Enum([...kindNames, 'other'], {
  description: 'The kind of process, by its workflow type (other: a type the overview does not name).',
});

const OverviewQuery = Type.Object(
  {
    kind: Type.Optional(Type.Enum([...kindNames], { description: 'Only this kind of process.' })),
    state: Type.Optional(
      Type.Enum([...overviewStates], {
        description:
          'waiting (on a person for more than 48 h), failed (failed, terminated or timed out in the last 30 days), ' +
          'stuck (an activity pending, or a step past its retries, for more than 2 h).',
      }),
    ),
    waitingOn: Type.Optional(
      Type.Enum([...waitingOnValues], { description: 'Only processes with this WaitingOn.' }),
    ),
    gardenId: Type.Optional(GardenId),
  },
  { additionalProperties: false },
);

const OverviewAnswer = Type.Object(
  {
    counts: Type.Array(
      Type.Object(
        {
          gardenId: Type.String(),
          running: Type.Integer({ minimum: 0 }),
          waitingOnPerson: Type.Integer({
            minimum: 0,
            description: 'Running and waiting on a person for more than 48 h.',
          }),
          failed: Type.Integer({
            minimum: 0,
            description: 'Failed, terminated or timed out in the last 30 days.',
          }),
          stuck: Type.Integer({
            minimum: 0,
            description: 'Running with an activity pending for more than 2 h.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    processes: Type.Array(
      Type.Object(
        {
          gardenId: Type.String(),
          workflowId: Type.String({
            description: 'A business key, `<garden>/<process>/<entity>`: no personal data.',
          }),
          kind: KindSchema,
          state: Type.Enum([...overviewStates]),
          closeStatus: Type.Optional(Type.Enum(['failed', 'terminated', 'timed-out'])),
          waitingOn: Type.Optional(Type.String()),
          since: Instant,
          waitingForHours: Type.Optional(Type.Integer({ minimum: 0 })),
          retryingActivity: Type.Optional(
            Type.Object(
              {
                name: Type.String({ description: "The activity's type, or the process step's name." }),
                attempts: Type.Integer({
                  minimum: 1,
                  description: "The activity's attempt, or the step's rounds of tries.",
                }),
                since: Instant,
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    partial: Type.Optional(
      Type.Boolean({
        description:
          'true (else absent) when some processes could not be read in the time allowed, or more than 500 are listed: ' +
          'counts and list may be short. Filter by garden or kind to narrow.',
      }),
    ),
  },
  { additionalProperties: false },
);

// As in network-gardens.ts: the garden here is the network's subject, not a garden scope, so the
// parameter is not `gardenId` (which would put the route under the garden guard).
const OpenParams = Type.Object({ slug: GardenId });
const OpenBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: "Why the network admin opens the garden's data: kept in the garden's staff action log.",
    }),
  },
  { additionalProperties: false },
);

/**
 * The network overview (network admin only; everyone else 403): `GET /network/overview` and
 * `POST /network/gardens/:gardenId/open`, which writes « garden opened » in that garden's staff
 * action log before the web shows its data. Registered only when given a Temporal client.
 */
export const networkOverviewRoutes: FastifyPluginAsyncTypebox<{
  client?: Client | undefined;
  overview?: NetworkOverview | undefined;
}> = async (app, options) => {
  const overview =
    options.overview ??
    (options.client
      ? createNetworkOverview(options.client, { stalledSteps: stalledStepsFrom(app.store) })
      : undefined);

  const networkAdminOnly = async (request: FastifyRequest) => {
    await app.authenticate(request);
    requireRole(request, ['network-admin']);
  };

  if (overview) {
    app.get(
      '/network/overview',
      {
        onRequest: networkAdminOnly,
        schema: {
          tags: ['network'],
          summary:
            "Every garden's processes that need a look (network admin): waiting on a person for more than 48 h, failed " +
            'in the last 30 days, stuck for more than 2 h (an activity pending, or a step past its retries tried again ' +
            'in rounds), oldest first, and counts per garden. Ids and ' +
            'search attributes only, never personal data. kind, state and waitingOn take the listed values (400 otherwise).',
          security: [{ bearer: [] }],
          querystring: OverviewQuery,
          response: { 200: OverviewAnswer, ...errorAnswers },
        },
      },
      async (request) => overview.read(request.query),
    );
  }

  app.post(
    '/network/gardens/:slug/open',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          "Opens a garden's data to the network admin: « garden opened », with the reason, goes in that garden's staff " +
          'action log (204). The reason is required (400); an unknown or retired garden is 404.',
        security: [{ bearer: [] }],
        params: OpenParams,
        body: OpenBody,
        response: { 204: Type.Null(), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const gardenId = request.params.slug;
      const garden = await app.store.gardens.get(gardenId);
      // A retired garden's log left with its export: opening it would start a new one.
      if (!garden || gardenStateOf(garden) === 'retired') throw notFound({ fr: 'Jardin', en: 'Garden' });
      await logStaffAction(app, request, gardenId, {
        action: 'garden.opened',
        subject: { kind: 'garden', id: gardenId },
        reason: request.body.reason.trim(),
      });
      return reply.status(204).send(null);
    },
  );
};
