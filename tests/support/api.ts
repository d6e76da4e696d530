import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { buildApp, type App } from '../../api/app.ts';
import { createTokenVerifier } from '../../api/auth/token-verifier.ts';
import { createApiServices } from '../../api/plugins/services.ts';
import { KeycloakAdminEnvironment, keycloakAdminFrom } from '../../adapters/keycloak/keycloak-settings.ts';
import { createKeycloakTeam } from '../../adapters/keycloak/keycloak-team.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { gardenTaskQueue } from '../../domain/garden.ts';
import type { MemberInput } from '../../domain/member.ts';
import type { BasketSize } from '../../domain/subscription.ts';
import {
  createTestGarden,
  testActivities,
  testDocuments,
  testHistoryArchive,
  testEnvironment,
  testStore,
} from './environment.ts';
import { createAccount, deleteAccounts, deleteGardenAccounts, type TestAccount } from './keycloak.ts';
import { closeWhenSettled, workflowBundle } from './temporal.ts';
import { testExtensionServices } from './extensions.ts';
import { testStripeConfig } from './stripe.ts';
import type { StripeConfig } from '../../adapters/stripe/stripe-gateway.ts';
import type { RateLimits } from '../../api/plugins/rate-limits.ts';
import type { ProvisioningCommands } from '../../temporal/provisioning-contract.ts';
import type { NewGardenRequest } from '../../domain/garden-provisioning.ts';
import { kubernetesAdminRequest } from '../../infra/local/kubernetes-access.ts';
import { provisioningTestBed, type ProvisioningTestBed } from './provisioning.ts';
import { testDataConverter } from './environment.ts';

/**
 * The real API app, built as the server builds it, over the real local stack: DynamoDB Local
 * (test tables), the Temporal dev server with a worker for the test's own garden, and
 * Keycloak accounts made for the test.
 */
export async function startTestApi(
  purpose: string,
  /**
   * `stripe`: where the app reaches Stripe (stripe-mock by default); `rateLimits`: lower limits,
   * for the tests of the limits themselves (the defaults are far above what tests send).
   */
  options: {
    webDist?: string;
    stripe?: StripeConfig;
    rateLimits?: Partial<RateLimits>;
    /** Settings of the worker's activities that differ from the environment's. */
    activitySettings?: Record<string, string>;
    /**
     * Where this test serves the app, when it does (a browser test): the links the API and the
     * workflows write (SMS, emails, calendar feeds) lead there, as PUBLIC_URL makes them in production.
     */
    publicUrl?: string;
    /**
     * Creating and retiring gardens, for the network gardens routes (absent: no such routes). A
     * test that creates gardens gives the commands of its own network worker
     * (tests/support/provisioning.ts). Not by default yet: with the real commands on a queue no
     * worker serves, reading an operation the fuzz started answers 503 (its query unanswered).
     */
    provisioning?: ProvisioningCommands;
    /**
     * Gardens created and retired through the API for real: a network worker of this app's own
     * queue runs the saga over the local stack, and `close` leaves nothing of the gardens
     * created through it (see `networkOf`). For the fuzz, whose valid requests create gardens.
     */
    network?: boolean;
  } = {},
) {
  const env = testEnvironment();
  const activitySettings = {
    ...options.activitySettings,
    ...(options.publicUrl ? { PUBLIC_URL: options.publicUrl } : {}),
  };
  const store = await testStore();
  const { gardenId, depotId } = await createTestGarden(store, purpose);
  const otherGarden = await createTestGarden(store, `${purpose}-other`);

  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: testDataConverter(),
  });
  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: nativeConnection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: gardenTaskQueue(gardenId),
    workflowBundle: await workflowBundle(),
    activities: testActivities(store, activitySettings),
  });
  const workerRun = worker.run();
  const network = options.network ? await networkOf() : undefined;

  const app: App = await buildApp({
    services: {
      ...createApiServices(
        store,
        client,
        testDocuments(),
        options.stripe ?? testStripeConfig(),
        testExtensionServices(store),
      ),
      team: createKeycloakTeam(keycloakAdminFrom(readConfiguration(KeycloakAdminEnvironment, env))),
      provisioning: options.provisioning ?? network?.commands,
      historyArchive: testHistoryArchive(),
    },
    verifyToken: createTokenVerifier({ issuer: env.OIDC_ISSUER ?? '', audience: env.OIDC_AUDIENCE ?? '' }),
    oidcIssuer: env.OIDC_ISSUER ?? '',
    webClientId: env.OIDC_WEB_CLIENT_ID ?? '',
    webDist: options.webDist,
    rateLimits: options.rateLimits,
    temporalUiUrl: env.TEMPORAL_UI_URL,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });

  const member = await store.members.create(
    gardenId,
    `m-${randomUUID().slice(0, 8)}`,
    { firstName: 'Louise', lastName: 'Michel', email: 'louise@example.org' },
    new Date().toISOString(),
  );
  const [staff, memberAccount, driver, otherStaff] = await Promise.all([
    createAccount({ role: 'staff', gardenId, firstName: 'Camille', lastName: 'Martin' }),
    createAccount({ role: 'member', gardenId, memberId: member.id, firstName: 'Louise', lastName: 'Michel' }),
    createAccount({ role: 'driver', gardenId }),
    createAccount({ role: 'staff', gardenId: otherGarden.gardenId }),
  ]);
  const accounts: TestAccount[] = [staff, memberAccount, driver, otherStaff];

  /** Calls the app as an account (or anonymously) with a JSON body. */
  async function call(
    account: TestAccount | undefined,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const authorization = account ? { authorization: `Bearer ${await account.token()}` } : {};
    return app.inject({
      method,
      url,
      headers: { ...authorization, ...headers },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  }

  async function createMember(input: MemberInput) {
    const response = await call(staff, 'POST', `/api/gardens/${gardenId}/members`, input);
    if (response.statusCode !== 201)
      throw new Error(`member creation answered ${response.statusCode}: ${response.body}`);
    return response.json<{ id: string; version: number }>();
  }

  return {
    app,
    store,
    client,
    gardenId,
    depotId,
    otherGardenId: otherGarden.gardenId,
    member,
    accounts: { staff, member: memberAccount, driver, otherStaff },
    call,
    createMember,
    async close() {
      await app.close();
      await network?.close();
      worker.shutdown();
      await workerRun;
      await nativeConnection.close();
      closeWhenSettled(connection);
      store.close();
      await deleteAccounts(accounts);
      // And the ones the test made through the API (team invitations).
      await deleteGardenAccounts(gardenId);
    },
  };
}
export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

/**
 * The network of a test API: the real provisioning commands and saga on a network worker of its
 * own queue (tests/support/provisioning.ts). `close` stops the worker, ends what it left
 * running, and removes everything each garden created through it holds (`leaveNothingOf`):
 * schedules, accounts, group, its partition and calendar-feed lookups, its extensions' records,
 * its S3 prefix, its Kubernetes namespace when the local API server answers (a run may end
 * before it is up: the deployment step then failed, and applied nothing), and last its
 * registry record.
 */
async function networkOf() {
  const bed: ProvisioningTestBed = await provisioningTestBed();
  const worker = await bed.startWorker();
  const created: NewGardenRequest[] = [];
  const commands: ProvisioningCommands = {
    ...bed.commands,
    async create(request, by) {
      const started = await bed.commands.create(request, by);
      // Started: the slug was free, so what holds it now was made through this app.
      created.push(request);
      return started;
    },
  };
  return {
    commands,
    async close() {
      await worker.stop();
      for await (const operation of bed.client.workflow.list({
        query: `TaskQueue = '${bed.taskQueue}' AND ExecutionStatus = 'Running'`,
      })) {
        await bed.client.workflow
          .getHandle(operation.workflowId, operation.runId)
          .terminate('test API closed');
      }
      const port = Number(new URL(testEnvironment().KUBERNETES_API_URL ?? 'https://127.0.0.1:6443').port);
      const kubernetesUp = (await kubernetesAdminRequest(port, 'GET', '/readyz'))?.status === 200;
      for (const request of created) await bed.leaveNothingOf(request, { kubernetes: kubernetesUp });
      await bed.close();
    },
  };
}

/**
 * Staff apply for a member's weekly subscription (a medium basket at the test garden's depot
 * unless told); returns the API's answer, for the test to check.
 */
export function applyAsStaff(
  api: TestApi,
  application: { memberId: string; startDate: string; basketSize?: BasketSize; depotId?: string },
) {
  return api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/subscriptions`, {
    basketSize: 'medium',
    frequency: 'weekly',
    depotId: api.depotId,
    ...application,
  });
}

/** Waits until staff can read a subscription the API took (202) before its record was written. */
async function recordedSubscription(api: TestApi, subscriptionId: string): Promise<void> {
  const path = `/api/gardens/${api.gardenId}/subscriptions/${encodeURIComponent(subscriptionId)}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const read = await api.call(api.accounts.staff, 'GET', path);
    if (read.statusCode === 200) return;
    if (Date.now() > deadline)
      throw new Error(`subscription ${subscriptionId} still unreadable after 20 s: ${read.statusCode}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Staff approve an application; returns the API's answer, for the test to check. */
export function approveAsStaff(api: TestApi, subscriptionId: string) {
  return api.call(
    api.accounts.staff,
    'POST',
    `/api/gardens/${api.gardenId}/subscriptions/${encodeURIComponent(subscriptionId)}/decision`,
    { decision: 'approve' },
  );
}

/** Whether the subscription's record says active within `withinMs`. */
async function becomesActive(api: TestApi, subscriptionId: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const record = await api.store.subscriptions.get(api.gardenId, subscriptionId);
    if (record?.status === 'active') return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
  }
}

/**
 * Staff apply for a member's subscription (as `applyAsStaff`), and it must be taken: 201, or 202
 * when its record came later than the answer, under a full run's load (then it must appear
 * within 20 s). Returns the subscription's id.
 */
export async function takenApplication(
  api: TestApi,
  application: Parameters<typeof applyAsStaff>[1],
): Promise<string> {
  const applied = await applyAsStaff(api, application);
  if (applied.statusCode !== 201 && applied.statusCode !== 202)
    throw new Error(`application answered ${applied.statusCode}: ${applied.body}`);
  const { id } = applied.json<{ id: string }>();
  if (applied.statusCode === 202) await recordedSubscription(api, id);
  return id;
}

/**
 * A weekly subscription at the test garden's depot, applied for by staff and approved: the
 * application must be taken (`takenApplication`) and the approval answer 200 (or, after a
 * 503 under load, the subscription be active, as a second approval makes sure).
 */
export async function approvedSubscription(
  api: TestApi,
  memberId: string,
  startDate: string,
): Promise<string> {
  const id = await takenApplication(api, { memberId, startDate });
  let approved = await approveAsStaff(api, id);
  if (approved.statusCode === 503) {
    // Under a full run's load the approval's Update may time out (503: « votre action n'a
    // peut-être pas été prise en compte ») : as staff would, look at the subscription, then
    // approve again once if it is still waiting.
    if (await becomesActive(api, id, 20_000)) return id;
    approved = await approveAsStaff(api, id);
  }
  if (approved.statusCode !== 200)
    throw new Error(`approval answered ${approved.statusCode}: ${approved.body}`);
  if (approved.json<{ status: string }>().status !== 'active') {
    throw new Error(
      `approved subscription ${id} is ${approved.json<{ status: string }>().status}, not active`,
    );
  }
  return id;
}
