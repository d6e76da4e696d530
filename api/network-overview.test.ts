// The network admin's overview on the local stack: a subscription waiting on staff, a process
// whose activity keeps failing, one terminated, in the test's garden; what the overview says of
// them now and three days later, its filters and refusals, and opening a garden (logged).
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStaffActions } from '../adapters/store/action-log.ts';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { incidentKeys } from '../domain/incidents.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createTestGarden, testActivities, testEnvironment } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { testWorkerConverter, workflowBundle } from '../tests/support/temporal.ts';
import { billingRunTriggerType, billingRunType } from '../workflows/billing/contract.ts';
import { extensionRolloutType } from '../workflows/extension-rollout/contract.ts';
import {
  gardenProvisioningType,
  gardenRetirementType,
  networkDecisionWaitingOn,
} from '../workflows/garden-provisioning/contract.ts';
import {
  gardenConfigurationCopyType,
  gardenSettingsBroadcastType,
} from '../workflows/garden-settings/contract.ts';
import { historyArchiveType } from '../workflows/history-archive/contract.ts';
import { invoicePaymentType } from '../workflows/payment/contract.ts';
import { deliveryRoundType } from '../workflows/round/contract.ts';
import { gardenIdKey, waitingOn } from '../workflows/search-attributes.ts';
import { subscriptionWorkflowId, subscriptionWorkflowType } from '../workflows/subscription/contract.ts';
import { weekPreparationTriggerType, weekPreparationType } from '../workflows/week/contract.ts';
import { termsNoticeType } from '../workflows/terms-notice/contract.ts';
import { memberDataExportType } from '../workflows/member-data-export/contract.ts';
import { memberErasureType } from '../workflows/member-erasure/contract.ts';
import { retentionSweepType } from '../workflows/retention/contract.ts';
import * as workflows from '../workflows/index.ts';
import {
  createNetworkOverview,
  filterClauses,
  networkOverviewRoutes,
  processKinds,
  stalledStepsFrom,
  waitingOnValues,
  type NetworkOverviewAnswer,
} from './routes/network-overview.ts';

const poll = { timeout: 30_000, interval: 500 };
const threeDaysMs = 3 * 24 * 3_600_000;
// Until api/app.ts registers the routes, the test registers them under a prefix of its own, with
// an overview whose clock is three days ahead (so what starts now has waited 72 h).
const base = '/test-clock/api';

describe('the network overview (network admin)', () => {
  let api: TestApi;
  let networkAdmin: TestAccount;
  let gardenAdmin: TestAccount;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  const taskQueue = `test-overview-${randomUUID()}`;
  const person = {
    firstName: 'Hortense',
    lastName: 'Zyxquor-Overview',
    email: 'hortense.zyxquor@example.org',
  };
  let subscriptionWorkflow: string;
  let stuckWorkflow: string;
  let stalledWorkflow: string;
  let terminatedWorkflow: string;

  beforeAll(async () => {
    api = await startTestApi('overview');
    await api.app.register(networkOverviewRoutes, {
      prefix: base,
      overview: createNetworkOverview(api.client, {
        now: () => new Date(Date.now() + threeDaysMs),
        stalledSteps: stalledStepsFrom(api.store),
      }),
    });
    [networkAdmin, gardenAdmin] = await Promise.all([
      createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' }),
      createAccount({ role: 'garden-admin', gardenId: api.gardenId }),
    ]);
    // A worker whose store "is down" for one activity: the broadcast keeps retrying it.
    nativeConnection = await NativeConnection.connect({ address: testEnvironment().TEMPORAL_ADDRESS });
    worker = await Worker.create({
      connection: nativeConnection,
      namespace: testEnvironment().TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        ...testActivities(api.store),
        runningSubscriptionWorkflowIds: () => Promise.reject(new Error('The store does not answer.')),
      },
      ...testWorkerConverter(),
    });
    workerRun = worker.run();

    // Waiting on staff: an application with a person's name in its (sealed) payloads.
    const { id: memberId } = await api.createMember(person);
    const applied = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/subscriptions`, {
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: addDays(gardenDay(new Date()), 14),
    });
    expect([201, 202], applied.body).toContain(applied.statusCode);
    subscriptionWorkflow = subscriptionWorkflowId(api.gardenId, applied.json<{ id: string }>().id);

    stuckWorkflow = `${api.gardenId}/garden-settings/overview-stuck`;
    const stuck = await api.client.workflow.start(gardenSettingsBroadcastType, {
      taskQueue,
      workflowId: stuckWorkflow,
      args: [{ gardenId: api.gardenId }],
      typedSearchAttributes: [{ key: gardenIdKey, value: api.gardenId }],
    });
    // Its activity is pending (and failing) before the tests look.
    for (let tries = 0; ((await stuck.describe()).raw.pendingActivities?.length ?? 0) === 0; tries++) {
      if (tries > 60) throw new Error('The broadcast never scheduled its activity.');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // A step past its retries, which the process tries again in rounds (an incident in the
    // garden's inbox): its activity is not pending between two rounds. No worker serves it here.
    stalledWorkflow = `${api.gardenId}/garden-settings/overview-stalled`;
    await api.client.workflow.start(gardenSettingsBroadcastType, {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId: stalledWorkflow,
      args: [{ gardenId: api.gardenId }],
      typedSearchAttributes: [{ key: gardenIdKey, value: api.gardenId }],
    });
    await api.store.incidents.report(
      {
        gardenId: api.gardenId,
        key: incidentKeys.stalled(stalledWorkflow, 'list-subscriptions'),
        kind: 'process-stalled',
        workflowId: stalledWorkflow,
        subject: {},
        summary: { fr: `Relance de ${person.firstName} ${person.lastName}`, en: 'Reminder' },
        cause: `Error: ${person.email} refused`,
        retriesByItself: true,
      },
      new Date().toISOString(),
    );

    terminatedWorkflow = `${api.gardenId}/garden-settings/overview-terminated`;
    const terminated = await api.client.workflow.start(gardenSettingsBroadcastType, {
      taskQueue: `nobody-${randomUUID()}`,
      workflowId: terminatedWorkflow,
      args: [{ gardenId: api.gardenId }],
      typedSearchAttributes: [{ key: gardenIdKey, value: api.gardenId }],
    });
    await terminated.terminate('test: ended by hand');
  });

  afterAll(async () => {
    for (const workflowId of [subscriptionWorkflow, stuckWorkflow, stalledWorkflow]) {
      if (!workflowId) continue;
      await api.client.workflow
        .getHandle(workflowId)
        .terminate('test over')
        .catch(() => undefined);
    }
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    await nativeConnection?.close();
    await deleteAccounts([networkAdmin, gardenAdmin].filter(Boolean));
    await api?.close();
  });

  const overview = async (query: string) => {
    const response = await api.call(networkAdmin, 'GET', `${base}/network/overview?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return { body: response.json<NetworkOverviewAnswer>(), text: response.body };
  };

  it('lists what waits too long, fails or is stuck, counted per garden, and no personal data', async () => {
    let answer: NetworkOverviewAnswer | undefined;
    let text = '';
    await expect
      .poll(async () => {
        ({ body: answer, text } = await overview(`gardenId=${api.gardenId}`));
        return answer.counts;
      }, poll)
      .toEqual([{ gardenId: api.gardenId, running: 3, waitingOnPerson: 1, failed: 1, stuck: 2 }]);
    expect(answer?.partial).toBeUndefined();
    const byId = new Map(answer?.processes.map((process) => [process.workflowId, process]));
    expect(byId.get(subscriptionWorkflow)).toMatchObject({
      gardenId: api.gardenId,
      kind: 'subscription',
      state: 'waiting',
      waitingOn: 'staff-approval',
      waitingForHours: expect.any(Number),
    });
    expect(byId.get(subscriptionWorkflow)?.waitingForHours).toBeGreaterThanOrEqual(71);
    expect(byId.get(stuckWorkflow)).toMatchObject({
      kind: 'settings',
      state: 'stuck',
      retryingActivity: { name: 'runningSubscriptionWorkflowIds', attempts: expect.any(Number) },
    });
    expect(byId.get(stalledWorkflow)).toMatchObject({
      kind: 'settings',
      state: 'stuck',
      retryingActivity: { name: 'list-subscriptions', attempts: 1 },
    });
    expect(byId.get(terminatedWorkflow)).toMatchObject({
      kind: 'settings',
      state: 'failed',
      closeStatus: 'terminated',
    });
    expect(answer?.processes).toHaveLength(4);
    // Ids and search attributes only: the member's name, email and the staff's name never show.
    for (const secret of ['Hortense', 'Zyxquor', 'hortense.zyxquor', 'Camille', 'Martin']) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('says nothing waits too long or is stuck when it all began just now', async () => {
    const now = await createNetworkOverview(api.client, { stalledSteps: stalledStepsFrom(api.store) }).read({
      gardenId: api.gardenId,
    });
    expect(now.counts).toEqual([
      { gardenId: api.gardenId, running: 3, waitingOnPerson: 0, failed: 1, stuck: 0 },
    ]);
    expect(now.processes.map((process) => process.workflowId)).toEqual([terminatedWorkflow]);
  });

  it('filters by kind, state and WaitingOn', async () => {
    const garden = `gardenId=${api.gardenId}`;
    const ids = async (query: string) =>
      (await overview(`${garden}&${query}`)).body.processes.map((process) => process.workflowId).sort();
    expect(await ids('state=failed')).toEqual([terminatedWorkflow]);
    expect(await ids('state=stuck')).toEqual([stalledWorkflow, stuckWorkflow].sort());
    expect(await ids('state=waiting')).toEqual([subscriptionWorkflow]);
    expect(await ids('kind=subscription')).toEqual([subscriptionWorkflow]);
    expect(await ids('kind=settings')).toEqual([stalledWorkflow, stuckWorkflow, terminatedWorkflow].sort());
    expect(await ids('waitingOn=staff-approval')).toEqual([subscriptionWorkflow]);
    expect(await ids('waitingOn=round-approval')).toEqual([]);
    const counted = (await overview(`${garden}&kind=subscription`)).body.counts;
    expect(counted).toEqual([
      { gardenId: api.gardenId, running: 1, waitingOnPerson: 1, failed: 0, stuck: 0 },
    ]);
  });

  it('refuses a filter value it does not know, in words, so nothing else reaches the List Filter', async () => {
    for (const [query, field] of [
      ['kind=everything', 'kind'],
      ['state=asleep', 'state'],
      ['waitingOn=nobody', 'waitingOn'],
      [`gardenId=${encodeURIComponent("x' OR GardenId != '")}`, 'gardenId'],
      [`kind=${encodeURIComponent("subscription' OR WorkflowType != '")}`, 'kind'],
    ] as const) {
      const response = await api.call(networkAdmin, 'GET', `${base}/network/overview?${query}`);
      expect(response.statusCode, query).toBe(400);
      const body = response.json<{ message: string; issues?: Array<{ field: string }> }>();
      expect(body.message, query).toBeTruthy();
      expect(
        body.issues?.map((issue) => issue.field),
        query,
      ).toContain(field);
    }
    expect(() => filterClauses({ gardenId: "x' OR 1=1 OR GardenId = 'y" })).toThrow(RangeError);
    expect(filterClauses({ kind: 'week', waitingOn: 'week-composition', gardenId: 'les-jardins' })).toEqual([
      "(WorkflowType = 'weekPreparation' OR WorkflowType = 'weekPreparationTrigger')",
      "WaitingOn = 'week-composition'",
      "GardenId = 'les-jardins'",
    ]);
  });

  it('names the workflow types and WaitingOn values the workflows use', () => {
    expect(processKinds).toEqual({
      subscription: [subscriptionWorkflowType],
      payment: [invoicePaymentType],
      billing: [billingRunType, billingRunTriggerType],
      week: [weekPreparationType, weekPreparationTriggerType],
      round: [deliveryRoundType],
      extension: [extensionRolloutType],
      settings: [gardenSettingsBroadcastType, gardenConfigurationCopyType, termsNoticeType],
      provisioning: [gardenProvisioningType, gardenRetirementType],
      archive: [historyArchiveType],
      privacy: [memberDataExportType, memberErasureType, retentionSweepType],
    });
    // Every workflow the worker runs has its kind.
    expect(Object.keys(workflows).sort()).toEqual(Object.values(processKinds).flat().sort());
    expect([...waitingOnValues].sort()).toEqual(
      [...Object.values(waitingOn), networkDecisionWaitingOn].sort(),
    );
  });

  it('keeps a garden’s people from the network admin until they open it, and that garden only', async () => {
    const gardenRoutes = (gardenId: string) => [
      `/api/gardens/${gardenId}/members`,
      `/api/gardens/${gardenId}/members/${api.member.id}`,
      `/api/gardens/${gardenId}/subscriptions`,
      `/api/gardens/${gardenId}/inbox`,
      `/api/gardens/${gardenId}/team`,
    ];
    for (const url of gardenRoutes(api.otherGardenId)) {
      const refused = await api.call(networkAdmin, 'GET', url);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json<{ message: string }>().message).toContain('Ouvrez d’abord ce jardin');
      expect(refused.body).not.toContain('Louise');
    }
    // The garden's own record (name, town, contact) is what they open it from.
    const record = await api.call(networkAdmin, 'GET', `/api/gardens/${api.otherGardenId}`);
    expect(record.statusCode, record.body).toBe(200);
    // A malformed id is refused as malformed, to them as to anyone.
    expect((await api.call(networkAdmin, 'GET', '/api/gardens/__proto__/members')).statusCode).toBe(400);
    // An unknown garden stays unknown, opened or not.
    expect((await api.call(networkAdmin, 'GET', `/api/gardens/t-nulle-part/members`)).statusCode).toBe(404);

    const opened = await api.call(networkAdmin, 'POST', `/api/network/gardens/${api.otherGardenId}/open`, {
      reason: 'Ticket 43 : fiche d’un adhérent',
    });
    expect(opened.statusCode, opened.body).toBe(204);
    for (const url of gardenRoutes(api.otherGardenId).filter((url) => !url.includes(api.member.id))) {
      const read = await api.call(networkAdmin, 'GET', url);
      expect(read.statusCode, `${url}: ${read.body}`).toBe(200);
    }
    // Opening a garden opens no other; the staff of a garden never need to.
    expect((await api.call(networkAdmin, 'GET', `/api/gardens/${api.gardenId}/members`)).statusCode).toBe(
      403,
    );
    expect(
      (await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.gardenId}/members`)).statusCode,
    ).toBe(200);
  });

  it('opens a garden for the network admin, logged with the reason in that garden’s action log', async () => {
    const url = (gardenId: string) => `${base}/network/gardens/${gardenId}/open`;
    const opened = await api.call(networkAdmin, 'POST', url(api.gardenId), {
      reason: 'Ticket 42 : relance bloquée',
    });
    expect(opened.statusCode, opened.body).toBe(204);
    const { entries } = await listStaffActions(api.store, api.gardenId, {});
    const entry = entries.find((each) => each.action === 'garden.opened');
    expect(entry).toMatchObject({
      action: 'garden.opened',
      subject: { kind: 'garden', id: api.gardenId },
      reason: 'Ticket 42 : relance bloquée',
      actor: { id: networkAdmin.userId, name: 'Rémi R.', role: 'network-admin' },
    });

    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const refused = await api.call(networkAdmin, 'POST', url(api.gardenId), body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
    }
    const unknown = await api.call(networkAdmin, 'POST', url('t-nulle-part'), { reason: 'Vérification' });
    expect(unknown.statusCode).toBe(404);
    expect((await listStaffActions(api.store, api.gardenId, {})).entries).toHaveLength(entries.length);
    // A retired garden's log left with its export: opening it would start a new one.
    const { gardenId: retired } = await createTestGarden(api.store, 'retired-open');
    expect(await api.store.gardens.setState(retired, ['active'], 'retired')).toBe(true);
    const refused = await api.call(networkAdmin, 'POST', url(retired), { reason: 'Vérification' });
    expect(refused.statusCode).toBe(404);
    expect((await listStaffActions(api.store, retired, {})).entries).toEqual([]);
  });

  it('describes its routes in OpenAPI 3.0, with every refusal documented', async () => {
    const description = (await api.call(undefined, 'GET', '/docs/json')).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    const ours = Object.entries(description.paths).filter(([path]) => path.startsWith(base));
    expect(ours.map(([path]) => path).sort()).toEqual(
      [`${base}/network/gardens/{slug}/open`, `${base}/network/overview`].sort(),
    );
    const text = JSON.stringify(ours);
    // OpenAPI 3.0 has no `const` and no `type: "null"` (api/api-description.test.ts holds every route to it).
    expect(text).not.toMatch(/"const":|"type":"null"/);
    for (const [path, byMethod] of ours) {
      for (const [method, operation] of Object.entries(byMethod)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(
          expect.arrayContaining(['400', '401', '403', '404']),
        );
      }
    }
  });

  it('refuses everyone but the network admin', async () => {
    const callers: Array<[string, TestAccount | undefined, number]> = [
      ['anonymous', undefined, 401],
      ['staff', api.accounts.staff, 403],
      ['member', api.accounts.member, 403],
      ['garden admin', gardenAdmin, 403],
    ];
    for (const [who, account, status] of callers) {
      const read = await api.call(account, 'GET', `${base}/network/overview`);
      expect(read.statusCode, `${who}: ${read.body}`).toBe(status);
      const open = await api.call(account, 'POST', `${base}/network/gardens/${api.gardenId}/open`, {
        reason: 'Curiosité',
      });
      expect(open.statusCode, `${who}: ${open.body}`).toBe(status);
    }
    const { entries } = await listStaffActions(api.store, api.gardenId, {});
    expect(entries.filter((entry) => entry.reason === 'Curiosité')).toEqual([]);
  });
});

describe('when a process began waiting (its history read backwards)', () => {
  const keyword = (value: string | null) => ({ data: Buffer.from(JSON.stringify(value)) });
  const at = (iso: string) => ({ seconds: Math.floor(Date.parse(iso) / 1000), nanos: 0 });
  const upsert = (iso: string, fields: Record<string, string | null>) => ({
    eventTime: at(iso),
    upsertWorkflowSearchAttributesEventAttributes: {
      searchAttributes: {
        indexedFields: Object.fromEntries(
          Object.entries(fields).map(([name, value]) => [name, keyword(value)]),
        ),
      },
    },
  });
  const started = (iso: string, fields: Record<string, string>, continuedExecutionRunId?: string) => ({
    eventTime: at(iso),
    workflowExecutionStartedEventAttributes: {
      continuedExecutionRunId,
      searchAttributes: {
        indexedFields: Object.fromEntries(
          Object.entries(fields).map(([name, value]) => [name, keyword(value)]),
        ),
      },
    },
  });

  it('takes the first of the latest unbroken WaitingOn upserts, back across a continue-as-new', async () => {
    // Newest first, as GetWorkflowExecutionHistoryReverse answers.
    const histories: Record<string, object[]> = {
      'run-2': [
        upsert('2026-12-05T10:00:00Z', { SubscriptionStatus: 'pending', WaitingOn: 'staff-approval' }),
        upsert('2026-12-04T10:00:00Z', { SubscriptionStatus: 'pending' }),
        started('2026-12-04T09:00:00Z', { GardenId: 'g-one', WaitingOn: 'staff-approval' }, 'run-1'),
      ],
      'run-1': [
        { eventTime: at('2026-12-04T09:00:00Z') },
        upsert('2026-12-01T08:00:00Z', { WaitingOn: 'staff-approval' }),
        upsert('2026-11-30T08:00:00Z', { WaitingOn: null }),
        upsert('2026-11-20T08:00:00Z', { WaitingOn: 'staff-approval' }),
        started('2026-11-20T07:00:00Z', { GardenId: 'g-one' }),
      ],
    };
    const client = {
      options: { namespace: 'test' },
      workflow: {
        async *list({ query }: { query: string }) {
          if (!query.startsWith("ExecutionStatus = 'Running'")) return;
          yield {
            workflowId: 'g-one/subscription/m-1.2026-12-01',
            runId: 'run-2',
            type: 'subscriptionWorkflow',
            startTime: new Date('2026-12-04T09:00:00Z'),
            typedSearchAttributes: {
              get: (key: { name: string }) =>
                ({ GardenId: 'g-one', WaitingOn: 'staff-approval' })[key.name as 'GardenId' | 'WaitingOn'],
            },
          };
        },
      },
      workflowService: {
        getWorkflowExecutionHistoryReverse: async ({ execution }: { execution: { runId: string } }) => ({
          history: { events: histories[execution.runId] ?? [] },
        }),
      },
    } as unknown as Parameters<typeof createNetworkOverview>[0];
    const answer = await createNetworkOverview(client, { now: () => new Date('2026-12-06T08:00:00Z') }).read(
      {},
    );
    expect(answer.processes).toEqual([
      {
        gardenId: 'g-one',
        workflowId: 'g-one/subscription/m-1.2026-12-01',
        kind: 'subscription',
        state: 'waiting',
        waitingOn: 'staff-approval',
        // Not the run's start (4 Dec), nor the last upsert: 1 Dec, after the wait of 20 Nov was over.
        since: '2026-12-01T08:00:00.000Z',
        waitingForHours: 120,
      },
    ]);
    expect(answer.counts).toEqual([
      { gardenId: 'g-one', running: 1, waitingOnPerson: 1, failed: 0, stuck: 0 },
    ]);
  });
});
