/**
 * Chaos runs (issue 18, part 1): a garden's busy weeks while the stack's processes are killed
 * with SIGKILL at random and started again, and the invariants checked after every round.
 *
 *   npm run stack up
 *   sh infra/local/bin/cocagne exec node bench/chaos.ts [--rounds 100] [--seed 18] [--settle 120]
 *
 * It runs on the local stack in its own tables (`cocagne-chaos-*`) and its own garden, with the
 * stack's application mode (infra/local/application.ts): the API and the worker run as the
 * stack's background processes, one each, and each round one of the worker, the API, the
 * Temporal dev server, DynamoDB Local or the S3 server is killed (`kill -9` of its process
 * group), then started again the way `npm run stack up [--app]` starts it. Application processes
 * already running are stopped first (start them again with `npm run stack up -- --app`); the
 * ones the bench started are stopped at its end. The traffic, the Stripe recorder and the
 * invariants are tests/chaos/ (README there); the short version of npm test is
 * tests/chaos/chaos.test.ts. Exits 1 when an invariant was violated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { storeFrom } from '../adapters/aws.ts';
import { ensureTables } from '../adapters/store/tables.ts';
import { startApplication, type ApplicationProcess } from '../infra/local/application.ts';
import { dataDir } from '../infra/local/paths.ts';
import { localPorts } from '../infra/local/ports.ts';
import { killGroup, stopGroup } from '../infra/local/process-group.ts';
import { serviceDefinitions } from '../infra/local/services.ts';
import { runningProcesses } from '../infra/local/state.ts';
import { detachAll, ensureServices } from '../infra/local/supervisor.ts';
import { workflowsPath } from '../temporal/workflow-source.ts';
import { runChaos, type Fault } from '../tests/chaos/chaos-run.ts';
import { createChaosGarden } from '../tests/chaos/garden-traffic.ts';
import { startStripeRecorder } from '../tests/chaos/stripe-recorder.ts';
import { testDataConverter, uniqueGardenId } from '../tests/support/environment.ts';
import { deleteAccounts } from '../tests/support/keycloak.ts';
import { silentLogger } from '../tests/support/quiet-logger.ts';
import { benchEnvironment, endRunningWorkflows } from './bench-environment.ts';

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '100' },
    seed: { type: 'string', default: '18' },
    settle: { type: 'string', default: '120' },
    prefix: { type: 'string', default: 'cocagne-chaos' },
  },
});

/** Kills a process group of the stack the way a crash would: SIGKILL, no time to clean up. */
async function killRecorded(name: string): Promise<void> {
  const entry = runningProcesses().find((process) => process.name === name);
  if (!entry) throw new Error(`${name} is not running: is the stack up (npm run stack up)?`);
  await killGroup(entry.pid);
}

async function main() {
  const ports = localPorts();
  const definitions = serviceDefinitions(ports);
  const down = [];
  for (const name of ['temporal', 'dynamodb', 's3', 'moto', 'stripe-mock', 'keycloak']) {
    const definition = definitions.find((candidate) => candidate.name === name);
    if (definition && !(await definition.healthy())) down.push(name);
  }
  if (down.length)
    throw new Error(`Not answering: ${down.join(', ')}. Start the stack first: npm run stack up`);

  const env = benchEnvironment(options.prefix);
  const store = storeFrom({
    AWS_REGION: env.AWS_REGION ?? 'eu-west-3',
    DYNAMODB_ENDPOINT: env.DYNAMODB_ENDPOINT,
    DYNAMODB_TABLE_PREFIX: options.prefix,
  });
  const db = new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT });
  await ensureTables(db, store.tables);
  db.destroy();
  const stripe = await startStripeRecorder(env.STRIPE_API_BASE || `http://127.0.0.1:${ports.stripe}`);
  const garden = await createChaosGarden(store, uniqueGardenId('chaos'));

  // The workflow code once, so that each worker started again loads it instead of bundling.
  const dir = join(dataDir, 'chaos');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: silentLogger })).code);
  const appEnv = {
    ...env,
    STRIPE_API_BASE: stripe.apiBase,
    WORKER_GARDENS: garden.gardenId,
    GARDEN_REFRESH_SECONDS: '1',
    WORKFLOW_BUNDLE_PATH: bundlePath,
    LOG_LEVEL: 'warn',
  };
  const stopApp = async () => {
    for (const name of ['api', 'worker'] as const) {
      const entry = runningProcesses().find((process) => process.name === name);
      if (entry) await stopGroup(entry.pid, 10);
    }
  };
  const startApp = async (names: ApplicationProcess[]) => {
    await startApplication(names, appEnv, 'stack up', { echo: false, appPort: ports.app });
    detachAll();
  };
  for (const entry of runningProcesses().filter((process) => process.kind === 'app')) {
    console.log(`Stopping the stack's ${entry.name} (pid ${entry.pid}): the bench runs its own.`);
    await stopGroup(entry.pid, 10);
  }
  await startApp(['worker', 'api']);

  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    dataConverter: testDataConverter(),
  });
  const appFault = (name: ApplicationProcess): Fault => ({
    name,
    kill: () => killRecorded(name),
    restart: () => startApp([name]),
  });
  const serviceFault = (name: string): Fault => {
    const definition = definitions.find((candidate) => candidate.name === name);
    if (!definition) throw new Error(`no service ${name}`);
    return {
      name,
      kill: () => killRecorded(name),
      restart: async () => {
        await ensureServices([definition], 'stack up');
        detachAll();
      },
    };
  };
  // Ctrl-C: the bench's own API and worker go with it (they use its Stripe relay).
  process.once('SIGINT', () => {
    void stopApp().then(() => process.exit(130));
  });
  const rounds = Number(options.rounds);
  const cpu = cpus();
  console.log(
    `Chaos runs — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 1_073_741_824)} GB, Node ${process.version}, garden ${garden.gardenId}, seed ${options.seed}\n`,
  );
  try {
    const { report, ledger } = await runChaos({
      rounds,
      faults: [
        appFault('worker'),
        appFault('api'),
        serviceFault('temporal'),
        serviceFault('dynamodb'),
        serviceFault('s3'),
      ],
      target: {
        apiUrl: `http://127.0.0.1:${ports.app}`,
        store,
        client,
        garden,
        stripe,
        webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? '',
      },
      seed: Number(options.seed),
      billAtRound: Math.ceil(rounds / 2),
      settleMs: Number(options.settle) * 1000,
      log: (line) => console.log(line),
    });
    const invoices = await store.invoices.list(garden.gardenId);
    console.log(
      `\n${report.rounds} rounds in ${report.seconds} s; kills ${JSON.stringify(report.kills)}; ` +
        `${report.checks} invariant checks; ${report.violations.length} violations.\n` +
        `${report.requests} requests (${JSON.stringify(report.outcomes)}); ${ledger.members.size} sign-ups, ` +
        `${invoices.length} invoices, ${stripe.creations.length} PaymentIntent creations ` +
        `(${new Set(stripe.creations.map((creation) => creation.idempotencyKey)).size} distinct), ` +
        `${ledger.webhooks.size} webhooks; settling p50 ${report.settleSeconds.p50} s, max ${report.settleSeconds.max} s.`,
    );
    for (const violation of report.violations) console.log(`  round ${violation.round}: ${violation.what}`);
    process.exitCode = report.violations.length ? 1 : 0;
  } finally {
    await endRunningWorkflows(client, garden.gardenId, 'chaos bench over');
    await stopApp();
    await deleteAccounts([garden.staff]);
    await connection.close();
    await stripe.close();
    store.close();
  }
}

await main();
process.exit();
