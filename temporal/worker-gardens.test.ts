import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { Store } from '../adapters/store/index.ts';
import { gardenTaskQueue, networkTaskQueue } from '../domain/garden.ts';
import { subscriptionWorkflowId } from '../workflows/subscription/contract.ts';
import { createTestGarden, testEnvironment, testStore } from '../tests/support/environment.ts';
import { startWorkerProcess } from '../tests/support/worker-process.ts';
import { kubernetesReady, kubernetesWaitMs } from '../tests/support/kubernetes.ts';
import { createSubscriptionCommands } from './subscription-client.ts';
import { customMetricNames } from '../adapters/metrics/metric-names.ts';
import { metricStatistics } from '../tests/support/moto.ts';
import { testDataConverter } from '../tests/support/environment.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };

/**
 * One Deployment per garden in production: its worker process has WORKER_GARDENS set to that
 * garden, and must never run another garden's workflows (nor their extensions).
 */
describe('a worker process limited by WORKER_GARDENS', () => {
  let store: Store;
  let connection: Connection;
  let client: Client;
  let worker: ChildProcess | undefined;
  let served: { gardenId: string; depotId: string };
  let other: { gardenId: string; depotId: string };

  beforeAll(async () => {
    store = await testStore();
    served = await createTestGarden(store, 'served');
    other = await createTestGarden(store, 'not-served');
    const env = testEnvironment();
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      await new Promise((resolve) => {
        worker!.once('exit', resolve);
        worker!.kill('SIGKILL');
      });
    }
    await connection?.close();
    store?.close();
  });

  it("runs its garden's workflows and leaves another garden's queue untouched", async () => {
    // Publishing its metrics to CloudWatch (moto), as in production, each second.
    worker = (
      await startWorkerProcess(served.gardenId, {
        GARDEN_REFRESH_SECONDS: '1',
        METRICS_CLOUDWATCH: 'true',
        METRICS_FLUSH_SECONDS: '1',
      })
    ).child;
    const commands = createSubscriptionCommands(client);
    const apply = (garden: { gardenId: string; depotId: string }) =>
      commands.apply(
        garden.gardenId,
        {
          memberId: 'm-1',
          basketSize: 'large',
          frequency: 'weekly',
          depotId: garden.depotId,
          startDate: '2027-01-05',
        },
        staff,
        new Date().toISOString(),
      );
    const mine = await apply(served);
    const theirs = await apply(other);

    // The served garden's subscription runs: its first activity wrote it to the store.
    await expect
      .poll(() => store.subscriptions.get(served.gardenId, mine.id), { timeout: 30_000 })
      .toMatchObject({
        status: 'pending',
      });
    // Two refreshes of the garden list later, nobody has taken the other garden's first task.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const handle = client.workflow.getHandle(subscriptionWorkflowId(other.gardenId, theirs.id));
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((event) => event.workflowTaskStartedEventAttributes)).toBe(false);
    expect(await store.subscriptions.get(other.gardenId, theirs.id)).toBeUndefined();

    const pollers = async (gardenId: string) =>
      (
        await client.workflowService.describeTaskQueue({
          namespace: testEnvironment().TEMPORAL_NAMESPACE,
          taskQueue: { name: gardenTaskQueue(gardenId) },
        })
      ).pollers ?? [];
    expect(await pollers(served.gardenId)).not.toHaveLength(0);
    expect(await pollers(other.gardenId)).toHaveLength(0);

    // The SDK's schedule-to-start latency of the garden's workflow tasks reached CloudWatch, for
    // its queue (temporal/sdk-metrics.test.ts shows the series for all queues goes with it).
    const latency = (dimensions: Array<{ Name: string; Value: string }>) =>
      metricStatistics(
        customMetricNames.temporal.namespace,
        customMetricNames.temporal.scheduleToStartLatency,
        dimensions,
      );
    await expect
      .poll(() => latency([{ Name: 'TaskQueue', Value: gardenTaskQueue(served.gardenId) }]), {
        timeout: 20_000,
      })
      .toMatchObject({ samples: expect.any(Number), unit: 'Seconds' });
    const perQueue = await latency([{ Name: 'TaskQueue', Value: gardenTaskQueue(served.gardenId) }]);
    expect(perQueue!.samples).toBeGreaterThan(0);
    expect(perQueue!.maximum).toBeGreaterThanOrEqual(0);
    expect(perQueue!.maximum).toBeLessThan(30);
    await handle.terminate('test over: no worker serves this garden on purpose');
    // The served garden's subscription waits on staff: nothing will answer once the worker goes.
    await client.workflow
      .getHandle(subscriptionWorkflowId(served.gardenId, mine.id))
      .terminate('test over: its worker stops with the test');
  });
});

/**
 * Production's network worker (infra/k8s/base/worker.yaml) serves the network's queue alone:
 * every garden has its own Deployment, and its workflows and extensions run only there.
 */
describe('a worker process with WORKER_NETWORK_ONLY', () => {
  const workerMain = new URL('./worker-main.ts', import.meta.url).pathname;
  let store: Store;
  let connection: Connection;
  let client: Client;
  const children: ChildProcess[] = [];

  function startWorker(env: Record<string, string>) {
    const { WORKER_GARDENS: _gardens, ...inherited } = { ...process.env, ...testEnvironment() };
    const child = spawn(process.execPath, [workerMain], {
      env: { ...inherited, GARDEN_REFRESH_SECONDS: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  beforeAll(async () => {
    // The network's worker reads the cluster's settings (its CA file among them) at start: under
    // npm test the local Kubernetes API is built beside the tests.
    await kubernetesReady();
    store = await testStore();
    const env = testEnvironment();
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
  }, kubernetesWaitMs);

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGKILL');
        });
      }
    await connection?.close();
    store?.close();
  });

  it("polls the network's queue and no garden's, gardens registered before and after its start", async () => {
    const before = await createTestGarden(store, 'network-only-before');
    // As production's network worker: it also brings the deployed gardens to its release at start.
    const worker = startWorker({ WORKER_NETWORK_ONLY: 'true', GARDEN_REFRESH_ON_START: 'true' });
    await expect.poll(worker.output, { timeout: 120_000 }).toContain(`worker polling ${networkTaskQueue}`);
    expect(worker.output()).toContain('serving no garden (WORKER_NETWORK_ONLY)');
    await expect
      .poll(worker.output, { timeout: 60_000 })
      .toMatch(
        /gardens brought to this release: \d+ applied again, \d+ left \(leaving or unknown\), \d+ failed/,
      );
    const after = await createTestGarden(store, 'network-only-after');
    // Two refreshes of the garden list later, neither garden's queue has a poller.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const garden of [before, after]) {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: testEnvironment().TEMPORAL_NAMESPACE,
        taskQueue: { name: gardenTaskQueue(garden.gardenId) },
      });
      expect(pollers ?? [], garden.gardenId).toHaveLength(0);
    }
    expect(worker.output()).not.toContain('worker polling garden-');
    // The process loads the workflow bundle and connects before it polls: slow beside other files.
  }, 150_000);

  it('refuses to start with a list of gardens as well, saying why', async () => {
    const worker = startWorker({ WORKER_NETWORK_ONLY: 'true', WORKER_GARDENS: 'val-du-doubs' });
    const code = await new Promise((resolve) => worker.child.once('exit', resolve));
    expect(code).toBe(1);
    expect(worker.output()).toContain('WORKER_NETWORK_ONLY=true serves the network');
  }, 120_000);
});
