// Issue 13's target: the journal of a subscription with 3 years of history (a continue-as-new
// chain) loads in under 1 s. Builds the chain as the Temporal server would hold it (every event a
// run records, payloads sealed by the payload codec, pages of 1,000 events, runs continuing as new
// at 2,000 events like the subscription workflow), with the household's 36 monthly invoice
// collections, then times what the journal route does for it: read every run of every process,
// open and convert the payloads, say the events in words, merge newest first, and write the JSON
// answer (and the CSV). With --server, also reads the longest subscription history on the local
// Temporal dev server, for the cost of the network and the server itself.
//
//   sh infra/local/bin/cocagne exec node bench/journal.ts [--years 3] [--repeat 7] [--server]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { defaultFailureConverter, defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { addDays } from '../domain/calendar.ts';
import { filterJournal, journalCsv } from '../domain/journal/process-export.ts';
import { processJournal } from '../domain/journal/process-mappers.ts';
import { EncryptionCodec, parseKeyRing } from '../temporal/payload-codec.ts';
import { processHistory } from '../temporal/process-history.ts';
import { dataConverterFrom, TemporalSettings } from '../temporal/settings.ts';
import { readConfiguration } from '../domain/configuration.ts';
import { localEnvironment } from '../infra/local/environment.ts';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

const { values } = parseArgs({
  options: {
    years: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '7' },
    server: { type: 'boolean', default: false },
  },
});
const years = Number(values.years);
const repeat = Number(values.repeat);

const gardenId = 'bench-journal';
const subscriptionWorkflowId = `${gardenId}/subscription/m-bench.2024-01-02`;
const codec = new EncryptionCodec(parseKeyRing(`bench:${randomBytes(32).toString('base64')}`, 'bench'));
const historyLimit = 2_000;

const actor = { userId: '6a804ac8-197c-4135-82e1-9537fb750f66', name: 'Camille Martin' };
const member = { userId: '0d3c1f52-8d7e-4a43-9d55-2a1b4c6e7f80', name: 'Louise Michel' };
const subscription = {
  id: 'm-bench.2024-01-02',
  gardenId,
  memberId: 'm-bench',
  basketSize: 'medium',
  frequency: 'weekly',
  depotId: 'd-centre',
  startDate: '2024-01-02',
  status: 'active',
  requested: { by: actor, at: '2024-01-01T09:00:00Z' },
  changes: [] as unknown[],
  absences: [] as unknown[],
  revision: 1,
};
/** What `loadGardenSnapshot` answers: the calendar, rules and a dozen depots (the largest payload). */
const gardenSnapshot = {
  timeZone: 'Europe/Paris',
  calendar: {
    seasons: Array.from({ length: 4 }, (_, index) => ({
      id: `${2024 + index}`,
      start: `${2024 + index}-01-01`,
      end: `${2024 + index}-12-31`,
    })),
    closedWeeks: ['2024-W52', '2025-W01', '2025-W52', '2026-W01'],
    cutoffHours: 48,
  },
  rules: { maxAbsencesPerSeason: 4, absencePolicy: 'donated', cancellationNoticeDays: 14 },
  depots: Object.fromEntries(
    Array.from({ length: 12 }, (_, index) => [
      `d-${index}`,
      {
        id: `d-${index}`,
        name: `Dépôt ${index}`,
        address: { street: `${index} rue de la République`, postalCode: '25000', city: 'Besançon' },
        openingHours: '17 h – 19 h',
        deliveryWeekday: 2,
        capacity: 40,
      },
    ]),
  ),
};

/** One process's runs as the server holds them, built event by event. */
class ChainBuilder {
  readonly runs: Array<{ runId: string; events: HistoryEvent[] }> = [];
  private events: HistoryEvent[] = [];
  private clock: number;
  private runCount = 0;

  readonly workflowId: string;
  private readonly workflowType: string;

  constructor(workflowId: string, workflowType: string, start: string) {
    this.workflowId = workflowId;
    this.workflowType = workflowType;
    this.clock = Date.parse(start);
  }

  private async sealed(...values: unknown[]) {
    const payloads: Payload[] = values.map((value) => defaultPayloadConverter.toPayload(value));
    return {
      payloads: await codec.encode(payloads, {
        type: 'workflow',
        namespace: 'bench',
        workflowId: this.workflowId,
      }),
    };
  }

  private add(type: number, attributes: Record<string, unknown>): number {
    this.clock += 1_000;
    const eventId = this.events.length + 1;
    this.events.push({
      eventId,
      eventType: type,
      eventTime: { seconds: Math.floor(this.clock / 1000), nanos: 0 },
      ...attributes,
    } as unknown as HistoryEvent);
    return eventId;
  }

  at(instant: string) {
    this.clock = Math.max(this.clock, Date.parse(instant));
  }

  get length() {
    return this.events.length;
  }

  async startRun(input: unknown) {
    const previous = this.runs.at(-1)?.runId;
    const runId = `run-${++this.runCount}`;
    this.runs.push({ runId, events: (this.events = []) });
    this.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, {
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: this.workflowType },
        originalExecutionRunId: runId,
        ...(previous ? { continuedExecutionRunId: previous } : {}),
        input: await this.sealed(input),
      },
    });
    this.task();
  }

  /** A workflow task: scheduled, started, completed (none of the journal's business). */
  task() {
    this.add(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, { workflowTaskScheduledEventAttributes: {} });
    this.add(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, { workflowTaskStartedEventAttributes: {} });
    this.add(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, { workflowTaskCompletedEventAttributes: {} });
  }

  timer() {
    this.add(EventType.EVENT_TYPE_TIMER_STARTED, {
      timerStartedEventAttributes: { timerId: String(this.length) },
    });
    this.add(EventType.EVENT_TYPE_TIMER_FIRED, {
      timerFiredEventAttributes: { timerId: String(this.length) },
    });
    this.task();
  }

  async activity(name: string, input: unknown, result?: unknown) {
    const scheduledEventId = this.add(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, {
      activityTaskScheduledEventAttributes: { activityType: { name }, input: await this.sealed(input) },
    });
    this.add(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, {
      activityTaskStartedEventAttributes: { scheduledEventId },
    });
    this.add(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, {
      activityTaskCompletedEventAttributes: {
        scheduledEventId,
        ...(result === undefined ? {} : { result: await this.sealed(result) }),
      },
    });
    this.task();
  }

  async update(name: string, args: unknown) {
    const updateId = `u-${this.runCount}-${this.length}`;
    this.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, {
      workflowExecutionUpdateAcceptedEventAttributes: {
        acceptedRequest: { meta: { updateId }, input: { name, args: await this.sealed(args) } },
      },
    });
    return updateId;
  }

  async updateDone(updateId: string, answer: unknown) {
    this.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED, {
      workflowExecutionUpdateCompletedEventAttributes: {
        meta: { updateId },
        outcome: { success: await this.sealed(answer) },
      },
    });
    this.task();
  }

  /** The weeks already prepared are told (two external signals). */
  tellWeeks() {
    for (let week = 0; week < 2; week++) {
      const initiated = this.add(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
        signalExternalWorkflowExecutionInitiatedEventAttributes: { signalName: 'basketsChanged' },
      });
      this.add(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
        externalWorkflowExecutionSignaledEventAttributes: { initiatedEventId: initiated },
      });
    }
    this.task();
  }

  async complete(result: unknown) {
    this.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, {
      workflowExecutionCompletedEventAttributes: { result: await this.sealed(result) },
    });
  }

  async continueAsNew(input: unknown) {
    this.add(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
      workflowExecutionContinuedAsNewEventAttributes: {},
    });
    await this.startRun(input);
  }
}

const notice = (kind: string, data: unknown, key: string) => ({
  gardenId,
  memberId: 'm-bench',
  notification: { kind, data },
  idempotencyKey: `${subscriptionWorkflowId}/${key}`,
});

/** A weekly subscription's `years` of life: reminders, absences, a pause, a change, renewals. */
async function subscriptionChain(): Promise<ChainBuilder> {
  const chain = new ChainBuilder(subscriptionWorkflowId, 'subscriptionWorkflow', '2024-01-01T09:00:00Z');
  await chain.startRun({
    gardenId,
    subscriptionId: subscription.id,
    request: subscription,
    requested: subscription.requested,
  });
  await chain.activity('loadGardenSnapshot', gardenId, gardenSnapshot);
  await chain.activity('recordSubscription', { ...subscription, status: 'pending' });
  const decided = await chain.update('decide', { input: { decision: 'approve' }, actor });
  await chain.activity('recordSubscription', subscription);
  await chain.updateDone(decided, subscription);
  chain.tellWeeks();
  await chain.activity('notifyMember', notice('subscription-approved', {}, 'approved'), {
    status: 'sent',
    channels: ['email'],
  });
  let state = { ...subscription, absences: [] as unknown[] };
  for (let week = 0; week < 52 * years; week++) {
    const day = addDays('2024-01-02', week * 7);
    chain.at(`${addDays(day, -1)}T16:00:00Z`);
    chain.timer();
    await chain.activity('loadGardenSnapshot', gardenId, gardenSnapshot);
    await chain.activity(
      'notifyMember',
      notice('delivery-reminder', { date: day, depotName: 'Dépôt du centre', baskets: 1 }, `reminder/${day}`),
      { status: 'sent', channels: ['sms'] },
    );
    if (week % 6 === 3) {
      const absent = addDays(day, 14);
      const reported = await chain.update('reportAbsences', { dates: [absent], actor: member });
      state = {
        ...state,
        absences: [...state.absences.slice(-8), { date: absent, reported: { by: member } }],
      };
      await chain.activity('recordSubscription', state);
      await chain.updateDone(reported, state);
      chain.tellWeeks();
      await chain.activity(
        'notifyMember',
        notice('absence-confirmed', { dates: [absent] }, `absence/${absent}`),
        {
          status: 'sent',
          channels: ['email', 'sms'],
        },
      );
    }
    if (week % 52 === 48) {
      await chain.activity('notifyMember', notice('renewal-reminder', {}, `renewal/${week}`), {
        status: 'sent',
        channels: ['email'],
      });
      const renewed = await chain.update('renew', { actor: member });
      await chain.activity('recordSubscription', state);
      await chain.updateDone(renewed, state);
    }
    // Long history: the next run takes over, carrying the state (as the workflow does).
    if (chain.length > historyLimit)
      await chain.continueAsNew({
        gardenId,
        subscriptionId: subscription.id,
        carried: { subscription: state },
      });
  }
  return chain;
}

/** One month's invoice collected by SEPA, one refusal in four months, then paid. */
async function invoiceChain(month: number): Promise<ChainBuilder> {
  const number = month + 1;
  const chain = new ChainBuilder(
    `${gardenId}/invoice/${number}`,
    'invoicePayment',
    `${addDays('2024-01-28', month * 30)}T09:00:00Z`,
  );
  await chain.startRun({ gardenId, invoiceNumber: number, memberId: 'm-bench' });
  const info = {
    label: `F-${number}`,
    memberId: 'm-bench',
    outstanding: 6400,
    paymentMethod: { kind: 'sepa' },
    retryDays: [3, 7],
  };
  await chain.activity('invoiceForCollection', { gardenId, invoiceNumber: number }, info);
  chain.timer();
  if (month % 4 === 1) {
    await chain.activity(
      'chargeInvoice',
      { attempt: 1, fixed: { amount: 6400 } },
      { status: 'failed', reason: { fr: 'Provision insuffisante.', en: 'Insufficient funds.' } },
    );
    await chain.activity(
      'notifyMember',
      notice('payment-failed', { invoiceLabel: info.label, amount: 6400 }, `invoice/${number}/failed/1`),
      {
        status: 'sent',
        channels: ['email'],
      },
    );
    chain.timer();
  }
  await chain.activity('chargeInvoice', { attempt: 2, fixed: { amount: 6400 } }, { status: 'succeeded' });
  await chain.activity(
    'invoiceForCollection',
    { gardenId, invoiceNumber: number },
    { ...info, outstanding: 0 },
  );
  await chain.complete({ phase: 'paid', attempts: [] });
  return chain;
}

/** A stand-in for the Temporal server's history API over the built runs: pages of 1,000 events. */
function serverOf(chains: ChainBuilder[], codecs = [codec]) {
  const byId = new Map(chains.map((chain) => [chain.workflowId, chain]));
  return {
    options: {
      namespace: 'bench',
      loadedDataConverter: {
        payloadConverter: defaultPayloadConverter,
        failureConverter: defaultFailureConverter,
        payloadCodecs: codecs,
      },
    },
    workflowService: {
      async getWorkflowExecutionHistory(request: {
        execution: { workflowId: string; runId?: string };
        nextPageToken?: Uint8Array;
      }) {
        const chain = byId.get(request.execution.workflowId);
        const run = request.execution.runId
          ? chain?.runs.find((candidate) => candidate.runId === request.execution.runId)
          : chain?.runs.at(-1);
        if (!run)
          throw Object.assign(new Error('not found'), { code: 5, details: 'not found', metadata: {} });
        const from = request.nextPageToken ? Number(Buffer.from(request.nextPageToken).toString()) : 0;
        const events = run.events.slice(from, from + 1000);
        const next =
          from + 1000 < run.events.length ? new Uint8Array(Buffer.from(String(from + 1000))) : undefined;
        return { history: { events }, ...(next ? { nextPageToken: next } : {}) };
      },
    },
  } as unknown as Client;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

console.log(
  `Building ${years} years of one subscription and ${12 * years} invoice collections (sealed payloads)…`,
);
const chains = [
  await subscriptionChain(),
  ...(await Promise.all(Array.from({ length: 12 * years }, (_, month) => invoiceChain(month)))),
];
const totalEvents = chains.reduce(
  (sum, chain) => sum + chain.runs.reduce((runs, run) => runs + run.events.length, 0),
  0,
);
const subscriptionRuns = chains[0]!.runs;
console.log(
  `subscription: ${subscriptionRuns.length} runs, ${subscriptionRuns.reduce((sum, run) => sum + run.events.length, 0)} events; ` +
    `all processes: ${chains.length}, ${totalEvents} events`,
);

const client = serverOf(chains);
const ids = chains.map((chain) => chain.workflowId);
const timings: Array<{ read: number; words: number; answer: number; total: number; csv: number }> = [];
let entryCount = 0;
let answerBytes = 0;
for (let round = 0; round < repeat; round++) {
  const start = performance.now();
  const histories = await Promise.all(ids.map((id) => processHistory(client, gardenId, id)));
  const read = performance.now();
  const entries = filterJournal(processJournal(histories, { timeZone: 'Europe/Paris' }), {});
  const said = performance.now();
  const answer = JSON.stringify({
    entries,
    processes: histories.map((runs) => ({
      workflowId: runs[0]?.workflowId,
      runIds: runs.map((run) => run.runId),
    })),
  });
  const done = performance.now();
  journalCsv(entries, 'fr', 'Europe/Paris');
  const csv = performance.now();
  entryCount = entries.length;
  answerBytes = answer.length;
  timings.push({
    read: read - start,
    words: said - read,
    answer: done - said,
    total: done - start,
    csv: csv - done,
  });
}
const warm = timings.slice(1);
console.log(`entries: ${entryCount}; JSON answer ${(answerBytes / 1024).toFixed(0)} KiB`);
console.log(
  `journal end to end (read + open + convert + words + JSON), median of ${warm.length} after a first run of ${ms(timings[0]!.total)}: ` +
    `${ms(median(warm.map((t) => t.total)))} ` +
    `(read and open ${ms(median(warm.map((t) => t.read)))}, words ${ms(median(warm.map((t) => t.words)))}, JSON ${ms(median(warm.map((t) => t.answer)))}); ` +
    `CSV ${ms(median(warm.map((t) => t.csv)))}; max ${ms(Math.max(...warm.map((t) => t.total)))}`,
);

if (values.server) {
  // The local dev server: the longest history it holds (any process), read and opened for real.
  const env = localEnvironment();
  const settings = readConfiguration(TemporalSettings, env);
  const connection = await Connection.connect({ address: settings.TEMPORAL_ADDRESS });
  const real = new Client({
    connection,
    namespace: settings.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFrom(settings),
  });
  let longest: { workflowId: string; historyLength: number } | undefined;
  for await (const execution of real.workflow.list({
    query: `WorkflowType = 'subscriptionWorkflow'`,
    pageSize: 200,
  })) {
    if (!longest || execution.historyLength > longest.historyLength) longest = execution;
  }
  if (longest) {
    const times: number[] = [];
    let events = 0;
    for (let round = 0; round < repeat; round++) {
      const start = performance.now();
      const runs = await processHistory(real, longest.workflowId.split('/')[0] ?? '', longest.workflowId);
      times.push(performance.now() - start);
      events = runs.reduce((sum, run) => sum + run.events.length, 0);
    }
    console.log(
      `dev server: ${longest.workflowId} (${longest.historyLength} events in its latest run, ${events} read by the journal): ` +
        `median ${ms(median(times.slice(1)))}, first ${ms(times[0]!)}`,
    );
  } else console.log('dev server: no history to read');
  await connection.close();
}
