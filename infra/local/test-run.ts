// `npm test [-- vitest args]`: side by side, the builds the tests load (the web app, the
// extension samples) then the checks that need no service (lint, type checks, format, at a lower
// priority), two at a time, and the tools then the services (reused when already up) with the
// provisioning of the test tables. The tests start once the builds are done and the services
// up, while the checks go on, and while the infrastructure's checkers install and the local
// Kubernetes API builds (the few files that need those wait for them, and run last). It stops at
// the first failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installToolsAndStartServices } from './bring-up.ts';
import { localEnvironment } from './environment.ts';
import { bold, elapsed, error, say, warn } from './log.ts';
import { rootDir } from './paths.ts';
import { localPorts } from './ports.ts';
import { writeSideLane } from './side-lanes.ts';
import { provisionKubernetes, provisionLocalStack } from './provision.ts';
import { projectBin, runQuietStep, runStep, stopCurrentStep, stopForegroundStep } from './run-step.ts';
import { kubernetesServiceDefinitions, serviceDefinitions } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { ensureServices, stopStarted } from './supervisor.ts';
import { installInfraCheckTools, installKubernetesTools } from './tools.ts';

interface TestStep {
  title: string;
  command: string;
  args: (extra: string[]) => string[];
  /** The step is skipped (with a note) unless this file exists. */
  requires?: string;
}

/**
 * What the tests load, built first: the browser tests serve the built web app, the extension
 * host's tests load the sample modules (skipped when unchanged).
 */
export const testPrerequisites: TestStep[] = [
  {
    title: 'web build (for the browser tests)',
    command: 'vite',
    args: () => ['build', 'web', '--logLevel', 'warn'],
    requires: 'web/index.html',
  },
  {
    title: 'extension samples (AssemblyScript, Go → WebAssembly)',
    command: 'node',
    args: () => ['extensions/build-samples.ts'],
    requires: 'extensions/build-samples.ts',
  },
];

/**
 * The checks of `npm test` that need no service, run two at a time (2 cores: eslint, tsc and
 * vue-tsc use one each) while the services start, then beside the tests.
 */
export const checkSteps: TestStep[] = [
  { title: 'lint', command: 'eslint', args: () => ['.'] },
  { title: 'typecheck', command: 'tsc', args: () => ['-p', 'tsconfig.json', '--noEmit'] },
  {
    title: 'typecheck web',
    command: 'vue-tsc',
    args: () => ['-p', 'web/tsconfig.json', '--noEmit'],
    requires: 'web/tsconfig.json',
  },
  { title: 'format', command: 'prettier', args: () => ['--check', '--log-level', 'warn', '.'] },
];

/** The tests themselves, once the builds are done and the services up. Extra CLI arguments go to vitest. */
export const testStep: TestStep = { title: 'tests', command: 'vitest', args: (extra) => ['run', ...extra] };

/** How many checks run at once. */
const checkLanes = 2;

/**
 * The checks run at a lower priority: the tool installs (pip, go builds), the services' start and
 * the builds are what the tests wait for, then the tests themselves, and the checks take the CPU
 * those leave (downloads, waits on services and timers). Gating the tests, the checks took 430
 * to 520 s of a fresh clone's run while the services were up after 360 s.
 */
const checkNiceness = 10;

/**
 * The builds the tests load run at the tools' priority: at the checks', once Keycloak started
 * beside the tool installs, the extension samples were still building long after the services
 * were up, and the tests waited for them.
 */
const prerequisiteNiceness = 0;

/** Set once the tests failed: the checks still running are stopped, and say nothing more. */
let stopping = false;

/** Runs steps, `checkLanes` at a time; the first failure's exit code (the others finish). */
async function runChecks(
  steps: readonly TestStep[],
  env: NodeJS.ProcessEnv,
  begin: number,
  niceness: number,
): Promise<number> {
  const waiting = [...steps];
  let failure = 0;
  const lane = async () => {
    for (let step = waiting.shift(); step; step = waiting.shift()) {
      if (failure !== 0 || stopping) return;
      if (step.requires && !existsSync(join(rootDir, step.requires))) {
        warn(`${step.title}: skipped (${step.requires} does not exist yet).`);
        continue;
      }
      const args = step.args([]);
      const stepStart = performance.now();
      say(bold(`▶ ${step.title}: ${step.command} ${args.join(' ')}`));
      const { code, output } = await runQuietStep(projectBin(step.command), args, env, {
        niceness,
      });
      if (stopping) {
        if (failure === 0) failure = code || 1;
        return;
      }
      if (output.trim()) process.stdout.write(`${bold(`[${step.title}]`)}\n${output.trimEnd()}\n`);
      if (code !== 0) {
        error(`✗ ${step.title} failed (exit code ${code}, ${elapsed(stepStart)}). Total ${elapsed(begin)}.`);
        if (failure === 0) failure = code;
        return;
      }
      say(`✓ ${step.title} (${elapsed(stepStart)})`);
    }
  };
  await Promise.all(Array.from({ length: checkLanes }, lane));
  return failure;
}

export const testTablePrefix = 'cocagne-test';

/**
 * The Kubernetes API's build (about 6.5 minutes of CPU the first time) runs at the lowest
 * priority beside the tests, which leave a core idle a good part of the time; the tests that
 * need the API wait for it (tests/support/kubernetes.ts, and they run last).
 */
const kubernetesNiceness = 19;

/**
 * Builds, starts and provisions the local Kubernetes API, telling the tests through the lane
 * file; its start waits for `otherServices` (one supervisor start at a time).
 */
async function kubernetesBesideTests(
  ports: ReturnType<typeof localPorts>,
  env: Record<string, string>,
  otherServices: Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  writeSideLane('kubernetes', { state: 'preparing' });
  try {
    const laneStart = performance.now();
    await installKubernetesTools(kubernetesNiceness, signal);
    await otherServices;
    await ensureServices(kubernetesServiceDefinitions(ports), 'test');
    await provisionKubernetes(env);
    writeSideLane('kubernetes', { state: 'ready' });
    say(`✓ Kubernetes API up beside the tests (${elapsed(laneStart)})`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    writeSideLane('kubernetes', { state: 'failed', message });
    if (!signal.aborted) warn(`The local Kubernetes API could not start: ${message}`);
  }
}

/**
 * The infrastructure's checkers install at the tests' priority: at the checks' (nice 10) they
 * were ready only after 1,154 s of a fresh run, and the 8 files that need them (run late,
 * tests/support/side-lanes.ts) would wait for them.
 */
const infraCheckersNiceness = 0;

/** Installs the infrastructure's checkers, telling the tests through the lane file. */
async function infraCheckersBesideTests(tools: Promise<void>): Promise<void> {
  writeSideLane('infra-checkers', { state: 'preparing' });
  try {
    await tools;
    await installInfraCheckTools(infraCheckersNiceness);
    writeSideLane('infra-checkers', { state: 'ready' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    writeSideLane('infra-checkers', { state: 'failed', message });
    warn(`The infrastructure's checkers could not be installed: ${message}`);
  }
}

export async function runTests(extraArgs: string[]): Promise<number> {
  const begin = performance.now();
  const stopKubernetes = new AbortController();
  let kubernetes: Promise<void> = Promise.resolve();
  let infraCheckers: Promise<void> = Promise.resolve();
  onShutdownSignal(async () => {
    stopCurrentStep();
    stopKubernetes.abort();
    await stopStarted();
  }, 130);
  try {
    const ports = localPorts();
    const env = { ...localEnvironment(ports), DYNAMODB_TABLE_PREFIX: testTablePrefix };
    const childEnv = { ...process.env, ...env };
    // The builds and checks need only the npm packages (installed before this runs): they
    // start at once, at a lower priority, while the tools install (downloads, pip, go builds)
    // and the services start; the checks go on beside the tests.
    const prerequisites = runChecks(testPrerequisites, childEnv, begin, prerequisiteNiceness);
    let checksFailed = false;
    let testsRunning = false;
    const checks = prerequisites.then(async (code) => {
      if (code !== 0) return code;
      const checked = await runChecks(checkSteps, childEnv, begin, checkNiceness);
      if (checked !== 0) {
        checksFailed = true;
        if (testsRunning) {
          warn('A check failed: the tests stop.');
          stopForegroundStep();
        }
      }
      return checked;
    });
    // Keycloak (the longest start) and DynamoDB Local start while the other tools install.
    const bringingUp = installToolsAndStartServices(
      serviceDefinitions(ports, { kubernetes: false }),
      { chromium: 'required', xmllint: 'required', kubernetes: 'separately', infraChecks: 'skip' },
      'test',
    );
    const tools = bringingUp.tools;
    const services = (async () => {
      await bringingUp.services;
      await provisionLocalStack(env, { kubernetes: false });
      say(`✓ services up and provisioned (${elapsed(begin)} in)`);
    })();
    // The infrastructure's checkers (for their tests) install while the services start and the
    // first tests run: waiting for them, the tests started 80 s later.
    infraCheckers = infraCheckersBesideTests(tools);
    // The build starts once the services' tools are installed, while the services start and the
    // infrastructure's checkers install: started at once, its downloads slowed the tool installs
    // and the services' start (tools ready in 298 s instead of 119 s); started after the
    // checkers, it was up 100 s later and the files that need it ended the run. Its start waits
    // for the services' (one supervisor start at a time).
    kubernetes = tools.then(
      () => kubernetesBesideTests(ports, env, services, stopKubernetes.signal),
      () => undefined,
    );
    // All settle before going on (a build failing does not leave services half started).
    const [built, stack] = await Promise.allSettled([prerequisites, services]);
    if (stack.status === 'rejected') {
      stopping = true;
      stopCurrentStep();
      await checks;
      throw stack.reason;
    }
    const builtCode = built.status === 'fulfilled' ? built.value : 1;
    if (builtCode !== 0 || checksFailed) return await checks;

    const args = testStep.args(extraArgs);
    const stepStart = performance.now();
    say(bold(`▶ ${testStep.title}: ${testStep.command} ${args.join(' ')}`));
    testsRunning = true;
    const tested = await runStep(projectBin(testStep.command), args, childEnv);
    testsRunning = false;
    if (checksFailed) return await checks;
    if (tested !== 0) {
      error(
        `✗ ${testStep.title} failed (exit code ${tested}, ${elapsed(stepStart)}). Total ${elapsed(begin)}.`,
      );
      stopping = true;
      stopCurrentStep();
      await checks;
      return tested;
    }
    say(`✓ ${testStep.title} (${elapsed(stepStart)})`);
    const checked = await checks;
    if (checked !== 0) return checked;
    say(`All checks passed in ${elapsed(begin)}.`);
    return 0;
  } finally {
    // The tests may end before the build does (a few files, or a failure): stop it. An install
    // of the checkers is left to finish (a half-installed venv would be reinstalled next time).
    stopKubernetes.abort();
    await kubernetes;
    await infraCheckers;
    await stopStarted();
  }
}
