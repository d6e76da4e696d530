import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Store } from '../../adapters/store/index.ts';
import { gardenTaskQueue } from '../../domain/garden.ts';
import { endRunningWorkflows } from '../../bench/bench-environment.ts';
import { testDataConverter, testEnvironment, testStore, uniqueGardenId } from '../support/environment.ts';
import { deleteAccounts, deleteGardenAccounts } from '../support/keycloak.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { appProcess, cutOff, freePort } from './app-processes.ts';
import { runChaos } from './chaos-run.ts';
import { createChaosGarden, type ChaosGarden } from './garden-traffic.ts';
import { startStripeRecorder, type StripeRecorder } from './stripe-recorder.ts';

// The run reads the garden's today (this week, last month) as it goes: start clear of midnight.
await clearOfMidnight();

/**
 * The short chaos run of `npm test` (issue 18; the long one is bench/chaos.ts): a garden's busy
 * weeks through the real API process, its workflows on the real worker process, while each
 * round one of them is killed with SIGKILL, or DynamoDB, S3 or Temporal is cut off from both
 * (the services themselves stay up: other test files use them meanwhile). After each round
 * the invariants must hold. With CHAOS_KEEP_LOGS=1 the processes' whole output is kept (its
 * folder is printed).
 */
describe('chaos: processes killed and peers cut off while a garden is busy', () => {
  const env = testEnvironment();
  let store: Store;
  let connection: Connection;
  let client: Client;
  let garden: ChaosGarden;
  let stripe: StripeRecorder;
  let bundleDir: string;
  const proxies: Array<Awaited<ReturnType<typeof startTcpProxy>>> = [];
  const processes: Array<ReturnType<typeof appProcess>> = [];

  beforeAll(async () => {
    store = await testStore();
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    client = new Client({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      dataConverter: testDataConverter(),
    });
    garden = await createChaosGarden(store, uniqueGardenId('chaos'));
    stripe = await startStripeRecorder(env.STRIPE_API_BASE || 'http://127.0.0.1:12111');
    // The run's workflow bundle, so that each worker started again loads it instead of bundling.
    bundleDir = await mkdtemp(join(tmpdir(), 'cocagne-chaos-'));
    const bundle = JSON.parse(await readFile(inject('workflowBundlePath'), 'utf8')) as { code: string };
    await writeFile(join(bundleDir, 'workflows.js'), bundle.code);
  });

  afterAll(async () => {
    for (const running of processes) await running.stop();
    for (const proxy of proxies) await proxy.close();
    if (client && garden) await endRunningWorkflows(client, garden.gardenId, 'chaos test over');
    await stripe?.close();
    await connection?.close();
    store?.close();
    if (garden) {
      await deleteAccounts([garden.staff]);
      await deleteGardenAccounts(garden.gardenId);
    }
    if (bundleDir && process.env.CHAOS_KEEP_LOGS) console.log(`The processes' output: ${bundleDir}`);
    else if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  });

  it('keeps every invariant through five rounds, one fault each', async () => {
    const hostOf = (url: string) => {
      const parsed = new URL(url.includes('://') ? url : `http://${url}`);
      return { host: parsed.hostname, port: Number(parsed.port) };
    };
    const [dynamodb, s3, temporal] = await Promise.all([
      startTcpProxy(hostOf(env.DYNAMODB_ENDPOINT ?? '')),
      startTcpProxy(hostOf(env.S3_ENDPOINT ?? '')),
      startTcpProxy(hostOf(env.TEMPORAL_ADDRESS ?? '')),
    ]);
    proxies.push(dynamodb, s3, temporal);
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const through = {
      DYNAMODB_ENDPOINT: dynamodb.url,
      S3_ENDPOINT: s3.url,
      TEMPORAL_ADDRESS: new URL(temporal.url).host,
      STRIPE_API_BASE: stripe.apiBase,
      LOG_LEVEL: 'warn',
    };
    const worker = appProcess({
      name: 'worker',
      file: 'temporal/worker-main.ts',
      env: {
        ...through,
        WORKER_GARDENS: garden.gardenId,
        GARDEN_REFRESH_SECONDS: '1',
        WORKFLOW_BUNDLE_PATH: join(bundleDir, 'workflows.js'),
      },
      logFile: join(bundleDir, 'worker.log'),
      ready: (output) => output.includes(`worker polling ${gardenTaskQueue(garden.gardenId)}`),
    });
    const api = appProcess({
      name: 'api',
      file: 'api/server.ts',
      env: { ...through, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port) },
      logFile: join(bundleDir, 'api.log'),
      ready: async () =>
        (await fetch(`${apiUrl}/api/health`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined))
          ?.status === 200,
    });
    processes.push(worker, api);
    await Promise.all([worker.start(), api.start()]);

    const { report, ledger } = await runChaos({
      rounds: 5,
      faults: [worker, api, cutOff('DynamoDB', dynamodb), cutOff('S3', s3), cutOff('Temporal', temporal)],
      inTurn: true,
      target: { apiUrl, store, client, garden, stripe, webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? '' },
      seed: 18,
      billAtRound: 3,
      // Long enough for a step whose task was lost to be tried again (30 s deadlines and heartbeats)
      // on a loaded machine; a run that settles returns at once.
      settleMs: 150_000,
      log: (line) => console.log(line),
    });

    if (report.violations.length) {
      // What the processes said last, to tell why (their whole output is in bundleDir while it lives).
      for (const running of [worker, api])
        console.log(`--- ${running.name}:\n${running.output().slice(-6_000)}`);
    }
    expect(report.violations).toEqual([]);
    expect(report.kills).toEqual({ worker: 1, api: 1, DynamoDB: 1, S3: 1, Temporal: 1 });
    // The run did what a busy garden does, not nothing: sign-ups, approvals, invoices, debits.
    expect(
      [...ledger.members.values()].filter((member) => member.outcome === 'accepted').length,
    ).toBeGreaterThan(5);
    expect([...ledger.approvals.values()].filter((outcome) => outcome === 'accepted').length).toBeGreaterThan(
      3,
    );
    expect((await store.invoices.list(garden.gardenId)).length).toBeGreaterThanOrEqual(2);
    expect(stripe.creations.length).toBeGreaterThan(0);
    expect([...ledger.webhooks.values()].every((webhook) => webhook.outcome === 'accepted')).toBe(true);
    expect(ledger.preparedWeeks.size).toBe(2);
  }, 900_000);
});
