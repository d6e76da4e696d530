/**
 * Checks gardens' staff action logs: every entry's seq follows the previous one's and its hash
 * is what its fields and the previous hash give, the head names the last entry and each entry
 * sits in its own subject's index (`verifyActionChain`), so that an entry changed, removed,
 * added or moved in DynamoDB by hand, or the head deleted, is found. What the chain cannot show
 * is said in adapters/store/action-log.ts.
 *
 *   node adapters/store/verify-action-log.ts --garden <gardenId>
 *   node adapters/store/verify-action-log.ts --network
 *   node adapters/store/verify-action-log.ts --all
 *
 * The store comes from the environment as for the API and the worker (AWS_REGION,
 * DYNAMODB_TABLE_PREFIX, DYNAMODB_ENDPOINT locally). `--network` checks the network's own
 * chain (its pages and legal details); `--all` checks every garden of the registry, then the
 * network's chain. Prints « chaîne intacte : N entrées » per garden, or the first break; exits with 1
 * when a chain is broken, 2 on a wrong command line.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readConfiguration } from '../../domain/configuration.ts';
import { StoreSettings, storeFrom } from '../aws.ts';
import { networkActionChain } from '../../domain/journal/staff-actions.ts';
import { verifyActionChain, type ChainVerification } from './action-log.ts';

const usage = 'usage: node adapters/store/verify-action-log.ts --garden <gardenId> | --network | --all';

/** One line per garden, in French as operators read it, and English after. */
export function describeVerification(result: ChainVerification): string {
  if (result.ok) {
    return `${result.gardenId} : chaîne intacte : ${result.count} entrée${result.count > 1 ? 's' : ''} (chain intact: ${result.count} entr${result.count === 1 ? 'y' : 'ies'})`;
  }
  const { seq, problem, expected, found } = result.break;
  const what = {
    hash: 'entrée modifiée (hash recalculé différent)',
    'previous-hash': 'entrée qui ne suit pas la précédente (hash précédent différent)',
    missing: 'entrée manquante',
    head: 'tête de chaîne absente ou qui ne désigne pas la dernière entrée',
    index: 'entrée rangée dans le journal d’un autre sujet (index modifié)',
  }[problem];
  return (
    `${result.gardenId} : chaîne rompue à l’entrée ${seq} : ${what} ; attendu ${expected}, trouvé ${found} ` +
    `(chain broken at seq ${seq}: ${problem}; expected ${expected}, found ${found})`
  );
}

async function main(): Promise<number> {
  let options: { garden?: string | undefined; network?: boolean | undefined; all?: boolean | undefined };
  try {
    ({ values: options } = parseArgs({
      options: { garden: { type: 'string' }, network: { type: 'boolean' }, all: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  if (
    [Boolean(options.garden), Boolean(options.network), Boolean(options.all)].filter(Boolean).length !== 1
  ) {
    console.error(usage);
    return 2;
  }
  let settings: StoreSettings;
  try {
    settings = readConfiguration(StoreSettings, process.env);
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        'Set the store as for the API: AWS_REGION, DYNAMODB_TABLE_PREFIX, and DYNAMODB_ENDPOINT for DynamoDB Local.',
    );
    return 2;
  }
  const store = storeFrom(settings);
  try {
    const gardenIds = options.garden
      ? [options.garden]
      : options.network
        ? [networkActionChain]
        : [...(await store.gardens.list()).map((garden) => garden.id), networkActionChain];
    let broken = 0;
    for (const gardenId of gardenIds) {
      const result = await verifyActionChain(store, gardenId);
      if (!result.ok) broken++;
      (result.ok ? console.log : console.error)(describeVerification(result));
    }
    return broken > 0 ? 1 : 0;
  } catch (error) {
    // The store out of reach or not made: say which, not a stack trace (exit 2: nothing was checked).
    const name = error instanceof Error ? error.name : '';
    console.error(
      name === 'ResourceNotFoundException'
        ? `The tables ${settings.DYNAMODB_TABLE_PREFIX}-* do not exist here: check DYNAMODB_TABLE_PREFIX (locally, \`npm start\` makes them).`
        : `The store could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  } finally {
    store.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main();
