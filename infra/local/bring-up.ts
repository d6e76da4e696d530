// The tools, then the services: each service starts as soon as what it runs on is installed,
// not once every tool is.
import type { ServiceDefinition } from './services.ts';
import type { Owner } from './state.ts';
import { ensureServices, stopStarted, type EnsureResult } from './supervisor.ts';
import { installKeycloak, installTools, type InstallOptions } from './tools.ts';

/**
 * The services that run on Java and the npm packages alone. Keycloak's first start on a fresh
 * clone (Quarkus's build, the realm's import) is the longest of all: started once every tool was
 * in (pip's packages, the Go builds), it was ready 186 s after them; it now starts while they
 * install. DynamoDB Local's jar comes with npm.
 */
const needNoOtherTool = new Set(['keycloak', 'dynamodb']);

export interface BringUp {
  /** Every tool installed (Keycloak too). */
  tools: Promise<void>;
  /** Every service answering; a failure has stopped what this command started. */
  services: Promise<EnsureResult>;
}

/**
 * Installs the tools and starts `definitions`: Keycloak's download first, then Keycloak and
 * DynamoDB Local start while the other tools install, the rest once those are in.
 */
export function installToolsAndStartServices(
  definitions: ServiceDefinition[],
  options: Omit<InstallOptions, 'keycloak'>,
  owner: Owner,
): BringUp {
  const early = definitions.filter((definition) => needNoOtherTool.has(definition.name));
  const late = definitions.filter((definition) => !needNoOtherTool.has(definition.name));
  let failed = false;
  const keycloak = installKeycloak();
  const others = installTools({ ...options, keycloak: 'separately' });
  const earlyUp = (async () => {
    await keycloak;
    return ensureServices(early, owner);
  })();
  const lateUp = (async () => {
    await others;
    // One group failing stops what the other started: do not start more behind it.
    if (failed) return { started: [], reused: [] };
    return ensureServices(late, owner);
  })();
  // The first failure stops what was started at once, rather than after Keycloak's start.
  const fail = () => {
    if (failed) return;
    failed = true;
    void stopStarted();
  };
  for (const up of [keycloak, others, earlyUp, lateUp]) up.catch(fail);

  const services = (async () => {
    const results = await Promise.allSettled([earlyUp, lateUp]);
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await stopStarted();
      throw failure.reason;
    }
    const up = results.map((result) => (result as PromiseFulfilledResult<EnsureResult>).value);
    const order = (name: string) => definitions.findIndex((definition) => definition.name === name);
    const byOrder = (a: string, b: string) => order(a) - order(b);
    return {
      started: up.flatMap((result) => result.started).sort(byOrder),
      reused: up.flatMap((result) => result.reused).sort(byOrder),
    };
  })();
  const tools = Promise.all([keycloak, others]).then(() => undefined);
  // Both are awaited by the caller, one of them maybe later: no unhandled rejection meanwhile.
  tools.catch(() => undefined);
  services.catch(() => undefined);
  return { tools, services };
}

/** `installToolsAndStartServices`, awaited: what `start` and `stack up` do before anything else. */
export function bringUp(
  definitions: ServiceDefinition[],
  options: Omit<InstallOptions, 'keycloak'>,
  owner: Owner,
): Promise<EnsureResult> {
  return installToolsAndStartServices(definitions, options, owner).services;
}
