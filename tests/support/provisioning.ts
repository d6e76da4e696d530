import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createProvisioningActivities, type ProvisioningActivities } from '../../activities/index.ts';
import { createGardenBlobs } from '../../activities/provisioning/garden-configuration.ts';
import type { ProvisioningPorts } from '../../activities/provisioning/provisioning-activities.ts';
import { createKeycloakGarden } from '../../adapters/keycloak/keycloak-garden.ts';
import { gardenClusterFrom } from '../../adapters/kubernetes/kubernetes-settings.ts';
import { mailerFrom } from '../../adapters/messaging/mailer.ts';
import type { Store } from '../../adapters/store/index.ts';
import { queryAll } from '../../adapters/store/query-all.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import type { NewGardenRequest } from '../../domain/garden-provisioning.ts';
import { ActivitySettings, activityDepsFrom, NetworkSettings } from '../../temporal/activity-deps.ts';
import { createProvisioningCommands } from '../../temporal/provisioning-client.ts';
import { createGardenSchedulesPort, createGardenWorkflowsPort } from '../../temporal/provisioning-ports.ts';
import { billingScheduleId } from '../../workflows/billing/contract.ts';
import { weekScheduleId } from '../../workflows/week/contract.ts';
import { gardenObjectNames } from '../../domain/garden-deployment.ts';
import { kubernetesAdminRequest } from '../../infra/local/kubernetes-access.ts';
import { testEnvironment, testStore } from './environment.ts';
import { uniqueEmail } from './moto.ts';
import { closeWhenSettled, workflowBundle } from './temporal.ts';
import { testDataConverter } from './environment.ts';

/** The network admin of the tests. */
export const networkAdmin = { userId: 'u-reseau', name: 'Réseau Cocagne' };

/** A request for a garden no other test creates (its slug and both addresses its own). */
export function newGardenRequest(purpose: string): NewGardenRequest {
  const slug = `t-${purpose}-${randomUUID().slice(0, 8)}`;
  return {
    slug,
    name: `Jardin ${purpose}`,
    city: 'Dole',
    legal: {
      legalName: `Association Jardin ${purpose}`,
      siret: '123 456 789 00012',
      address: '2 rue des Vergers, 39100 Dole',
    },
    contactEmail: uniqueEmail(`contact-${purpose}`),
    // The contract's union of time zones is typed `never` by TypeBox (a union of a mapped
    // array): the value is valid, its static type is what is wrong (reported to the lead).
    timeZone: 'Europe/Paris',
    firstAdmin: { firstName: 'Claire', lastName: 'Vuillemin', email: uniqueEmail(`admin-${purpose}`) },
  };
}

/**
 * Everything the saga tests share: the test store, Temporal (dev server), the real ports over
 * the local stack (Keycloak, S3, moto, the Kubernetes API), and a network task queue of the
 * file's own, so no other worker (`npm start`'s) picks up its operations.
 */
export async function provisioningTestBed() {
  const env = testEnvironment();
  const store: Store = await testStore();
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: testDataConverter(),
  });
  const nativeConnection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const settings = {
    ...readConfiguration(ActivitySettings, env),
    ...readConfiguration(NetworkSettings, env),
  };
  const deps = activityDepsFrom(settings);
  deps.store.close();
  const s3 = new S3Client({ region: env.AWS_REGION, endpoint: env.S3_ENDPOINT, forcePathStyle: true });
  const bucket = env.S3_BUCKET ?? 'cocagne-documents';
  // `npm test` starts the local Kubernetes API beside the tests, and the tests that need it wait
  // for it; the others (the fuzz runs first) may start before its certificate exists: they get
  // no cluster, as a stack without Kubernetes (the deployment step says so).
  const caFile = settings.KUBERNETES_CA_FILE;
  const cluster = caFile && !existsSync(caFile) ? undefined : gardenClusterFrom(settings);
  const ports: ProvisioningPorts = {
    store,
    blobs: createGardenBlobs(s3, bucket),
    identity: createKeycloakGarden(deps.keycloak, {
      clientId: env.OIDC_WEB_CLIENT_ID,
      redirectUri: `${settings.PUBLIC_URL}/`,
    }),
    cluster,
    schedules: createGardenSchedulesPort(client, store),
    workflows: createGardenWorkflowsPort(client),
    mailer: mailerFrom(settings),
    publicUrl: settings.PUBLIC_URL,
  };
  const taskQueue = `network-test-${randomUUID().slice(0, 8)}`;
  const commands = createProvisioningCommands(client, store.gardens, {
    taskQueue,
    timings: { deploymentWaitMs: 3_000, closeWaitMs: 10_000 },
  });
  const keycloak = createKeycloakGarden(deps.keycloak);
  const running = new Set<Worker>();
  const partition = (table: string, pk: string) =>
    queryAll(store.db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
  const deleteItem = (table: string, item: Record<string, unknown>) =>
    store.db.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));

  return {
    store,
    client,
    commands,
    ports,
    taskQueue,
    blobs: ports.blobs,
    keycloak,

    /** Starts a network worker on the file's queue; `change` replaces some activities. */
    async startWorker(
      change: (activities: ProvisioningActivities) => Partial<ProvisioningActivities> = () => ({}),
    ) {
      const activities = createProvisioningActivities(ports);
      const worker = await Worker.create({
        dataConverter: testDataConverter(),
        connection: nativeConnection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities: { ...activities, ...change(activities) },
        // A stopped worker cancels its running activities at once (the "killed" test).
        shutdownGraceTime: '200 ms',
      });
      running.add(worker);
      const done = worker.run();
      return {
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done;
          running.delete(worker);
        },
      };
    },

    /** What each system holds of the garden. */
    async holdings(request: NewGardenRequest) {
      const gardenId = request.slug;
      const { Items } = await store.db.send(
        new QueryCommand({
          TableName: store.tables.gardens,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': gardenId },
          ConsistentRead: true,
        }),
      );
      const schedules: string[] = [];
      for (const scheduleId of [weekScheduleId(gardenId), billingScheduleId(gardenId)]) {
        try {
          await client.schedule.getHandle(scheduleId).describe();
          schedules.push(scheduleId);
        } catch (error) {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        }
      }
      const identity = await keycloak.describe(gardenId);
      const objects = await cluster?.describe(gardenId);
      return {
        registry: await store.gardens.get(gardenId),
        records: (Items ?? []).map((item) => String(item.sk)).sort(),
        files: (await ports.blobs.keysUnder(`${gardenId}/`)).sort(),
        group: identity.groupId,
        accounts: identity.accounts.map((account) => ({
          email: account.email,
          enabled: account.enabled,
          requiredActions: account.requiredActions,
        })),
        schedules,
        cluster: objects,
      };
    },

    /**
     * Removes everything a test's garden holds, so the shared stack does not fill up: its
     * schedules, Kubernetes objects (namespace finalized; left alone when `kubernetes` is false,
     * the local API server not answering), Keycloak accounts and group, its partition of the
     * gardens table with its members' calendar-feed lookups, its extensions' records, its S3
     * prefix, and last its registry record (what finds the garden: kept until the rest is gone,
     * so a cleanup stopped halfway can be run again).
     */
    async leaveNothingOf(request: NewGardenRequest, options: { kubernetes?: boolean } = {}) {
      const gardenId = request.slug;
      await ports.schedules.remove(gardenId);
      if (cluster && options.kubernetes !== false) {
        await cluster.remove(gardenId);
        await finalizeNamespace(gardenId);
      }
      await ports.identity.removeFirstAdmin(gardenId, request.firstAdmin.email);
      await ports.identity.removeGroup(gardenId);
      const records = await partition(store.tables.gardens, gardenId);
      for (const record of records) {
        if (String(record.sk).startsWith('ICAL#') && typeof record.token === 'string') {
          await deleteItem(store.tables.control, { pk: 'ICAL', sk: record.token });
        }
      }
      for (const record of records) await deleteItem(store.tables.gardens, record);
      for (const record of await partition(store.tables.control, `EXTENSIONS#${gardenId}`)) {
        await deleteItem(store.tables.control, record);
      }
      await ports.blobs.deleteGarden(gardenId);
      await deleteItem(store.tables.control, { pk: 'GARDEN', sk: gardenId });
    },

    async close() {
      for (const worker of running) if (worker.getState() === 'RUNNING') worker.shutdown();
      await nativeConnection.close();
      closeWhenSettled(connection);
      s3.destroy();
      ports.mailer.close();
      store.close();
    },
  };
}
export type ProvisioningTestBed = Awaited<ReturnType<typeof provisioningTestBed>>;

/** Keycloak's emails to the address, as moto keeps them (raw, sent through the SMTP relay). */
export async function keycloakEmailsTo(address: string): Promise<string[]> {
  const data = (await (await fetch(`${testEnvironment().MOTO_URL}/moto-api/data.json`)).json()) as {
    ses?: { RawMessage?: Array<{ destinations: string[]; raw_data: string }> };
  };
  return (data.ses?.RawMessage ?? [])
    .filter((mail) => mail.destinations.some((to) => to.toLowerCase() === address.toLowerCase()))
    .map((mail) => mail.raw_data.replace(/=\r?\n/g, ''));
}

/**
 * Finishes deleting the garden's namespace as the namespace controller would (the local API
 * server has none: a deleted namespace stays `Terminating`), once its objects are gone.
 */
export async function finalizeNamespace(gardenId: string): Promise<void> {
  const port = Number(new URL(testEnvironment().KUBERNETES_API_URL ?? 'https://127.0.0.1:6443').port);
  const { namespace } = gardenObjectNames(gardenId);
  const found = await kubernetesAdminRequest(port, 'GET', `/api/v1/namespaces/${namespace}`);
  if (!found || found.status === 404) return;
  const object = JSON.parse(found.body) as { spec?: { finalizers?: string[] } };
  const answer = await kubernetesAdminRequest(port, 'PUT', `/api/v1/namespaces/${namespace}/finalize`, {
    contentType: 'application/json',
    text: JSON.stringify({ ...object, spec: { ...object.spec, finalizers: [] } }),
  });
  if (!answer || answer.status >= 300) {
    throw new Error(
      `Finalizing namespace ${namespace} answered ${answer?.status ?? 'nothing'}: ${answer?.body ?? ''}`,
    );
  }
}
