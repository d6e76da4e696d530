/**
 * The restore of a garden, for operators (infra/disaster-recovery/README.md).
 *
 *   node infra/disaster-recovery/cli.ts restore <garden> --copy-bucket <bucket> \
 *        --gardens-export <key of manifest-summary.json> --control-export <key> [--objects-prefix <p>]
 *   node infra/disaster-recovery/cli.ts drill <garden> --confirm <garden>      (local stack only)
 *
 * Both read the stack they write to from the environment, as the worker does (DYNAMODB_*, S3_*,
 * TEMPORAL_*, AWS_REGION). `drill` runs the whole drill on a garden of a local stack: its copy,
 * its loss, its restore, then a comparison of its records before and after.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client, Connection } from '@temporalio/client';
import Type from 'typebox';
import { DocumentSettings, s3ClientFrom, StoreSettings, storeFrom } from '../../adapters/aws.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { connectionOptions, dataConverterFrom, TemporalSettings } from '../../temporal/settings.ts';
import { localEnvironment } from '../local/environment.ts';
import { copyGarden, loseGarden, type DrillStack } from './drill.ts';
import { checkCopy, restoreGarden, type RestoreReport } from './garden-restore.ts';
import { gardenRecords } from './garden-records.ts';

const Settings = Type.Object({
  ...StoreSettings.properties,
  ...DocumentSettings.properties,
  ...TemporalSettings.properties,
});

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'copy-bucket': { type: 'string' },
    'objects-prefix': { type: 'string', default: '' },
    'gardens-export': { type: 'string' },
    'control-export': { type: 'string' },
    confirm: { type: 'string' },
    local: { type: 'boolean', default: false },
  },
});
const [command, gardenId] = positionals;

function usage(message: string): never {
  process.stderr.write(`${message}\n\nSee the head of infra/disaster-recovery/cli.ts, or its README.\n`);
  process.exit(2);
}

if (!gardenId || !['restore', 'drill'].includes(command ?? ''))
  usage('Say restore or drill, then the garden.');

// `drill` and `--local` take the local stack's settings where the environment has none.
const environment: Record<string, string | undefined> = { ...process.env };
if (command === 'drill' || options.local) {
  for (const [name, value] of Object.entries(localEnvironment())) environment[name] ??= value;
  for (const [name, value] of Object.entries(environment)) {
    if (name.startsWith('AWS_') && value !== undefined) process.env[name] ??= value;
  }
}
const settings = readConfiguration(Settings, environment);
if (command === 'drill') {
  if (!settings.DYNAMODB_ENDPOINT)
    usage('The drill deletes the garden first: it runs only on a local stack (DYNAMODB_ENDPOINT).');
  if (options.confirm !== gardenId)
    usage(`The drill deletes ${gardenId} before restoring it: add --confirm ${gardenId}.`);
}

const store = storeFrom(settings);
const stack: DrillStack = {
  db: new DynamoDBClient({
    region: settings.AWS_REGION,
    ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
  }),
  store,
  s3: s3ClientFrom(settings),
  bucket: settings.S3_BUCKET,
  client: new Client({
    connection: await Connection.connect(connectionOptions(settings)),
    namespace: settings.TEMPORAL_NAMESPACE,
    dataConverter: dataConverterFrom(settings),
  }),
};
const say = (line: string) => process.stdout.write(`[restore] ${line}\n`);

function printReport(report: RestoreReport) {
  say(
    `items: ${report.items.gardens} (gardens table), ${report.items.control} (control table); objects: ${report.objects}`,
  );
  say(
    `by kind: ${Object.entries(report.entities)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}`,
  );
  say(
    `processes started: ${report.workflows.subscriptions} subscriptions, ${report.workflows.payments} collections, ` +
      `${report.workflows.weeks} weeks (${report.workflows.alreadyRunning} were running); schedules: ${report.schedules.length}`,
  );
  say(
    `seconds: ${Object.entries(report.seconds)
      .map(([step, seconds]) => `${step} ${seconds}`)
      .join(', ')}`,
  );
  say('not restored:');
  for (const line of report.notRestored) say(`  - ${line}`);
}

try {
  if (command === 'restore') {
    const bucket = options['copy-bucket'];
    const gardens = options['gardens-export'];
    const control = options['control-export'];
    if (!bucket || !gardens || !control)
      usage('restore needs --copy-bucket, --gardens-export and --control-export.');
    const report = await restoreGarden(
      gardenId,
      { s3: stack.s3, bucket, objectsPrefix: options['objects-prefix'], exports: { gardens, control } },
      stack,
      { progress: say },
    );
    printReport(report);
  } else {
    const before = await gardenRecords(store, gardenId);
    if (before.members === 0) usage(`${gardenId} has no members in this stack: nothing to drill on.`);
    say(`before: ${JSON.stringify(before.counts)}`);
    let start = Date.now();
    const copy = await copyGarden(
      stack,
      gardenId,
      `restore-drill/${new Date().toISOString().replace(/[:.]/g, '-')}/`,
    );
    say(`copied in ${((Date.now() - start) / 1000).toFixed(2)} s: ${copy.exports.gardens}`);
    // The copy must be able to bring it back before the garden is deleted.
    say(`copy checked: ${(await checkCopy(gardenId, copy)).summary}`);
    start = Date.now();
    const lost = await loseGarden(stack, gardenId);
    say(
      `lost: ${lost.workflows} workflows, ${lost.schedules} schedules, ${lost.items} items, ${lost.objects} objects (${lost.seconds} s)`,
    );
    const report = await restoreGarden(gardenId, copy, stack, { progress: say });
    printReport(report);
    const after = await gardenRecords(store, gardenId);
    say(`after: ${JSON.stringify(after.counts)}`);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      say('the restored records differ from the original ones');
      process.exitCode = 1;
    } else {
      say(`the restored records equal the original ones (digest ${after.digest})`);
    }
  }
} finally {
  store.close();
  stack.db.destroy();
  stack.s3.destroy();
  await stack.client.connection.close();
}
