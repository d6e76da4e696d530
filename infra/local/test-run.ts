// `npm test [-- vitest args]`: side by side, the checks that need no service (lint, type
// checks, format, the builds), two at a time, and the tools then the services (reused when
// already up) with the provisioning of the test tables; then the tests. It stops at the first
// failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localEnvironment } from './environment.ts';
import { bold, elapsed, error, say, warn } from './log.ts';
import { rootDir } from './paths.ts';
import { localPorts } from './ports.ts';
import { writeKubernetesLane } from './kubernetes-lane.ts';
import { provisionKubernetes, provisionLocalStack } from './provision.ts';
import { projectBin, runQuietStep, runStep, stopCurrentStep } from './run-step.ts';
import { kubernetesServiceDefinitions, serviceDefinitions } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { ensureServices, stopStarted } from './supervisor.ts';
import { installKubernetesTools, installTools } from './tools.ts';

interface TestStep {
  title: string;
  command: string;
  args: (extra: string[]) => string[];
  /** The step is skipped (with a note) unless this file exists. */
  requires?: string;
}

/**
 * The checks of `npm test` that need no service, run two at a time while the services start
 * (2 cores: eslint, tsc and vue-tsc use one each).
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
  {
    title: 'web build (for the browser tests)',
    command: 'vite',
    args: () => ['build', 'web', '--logLevel', 'warn'],
    requires: 'web/index.html',
  },
  {
    // Before the tests: the extension host's tests load the sample modules (skipped when unchanged).
    title: 'extension samples (AssemblyScript, Go → WebAssembly)',
    command: 'node',
    args: () => ['extensions/build-samples.ts'],
    requires: 'extensions/build-samples.ts',
  },
];

/** The tests themselves, once the checks passed and the services are up. Extra CLI arguments go to vitest. */
export const testStep: TestStep = { title: 'tests', command: 'vitest', args: (extra) => ['run', ...extra] };

/** How many checks run at once. */
const checkLanes = 2;

/**
 * The checks run at a lower priority: the tool installs (pip, go builds) and the services'
 * start are what the tests wait for, and the checks take the CPU those leave (downloads,
 * waits). At the same priority, both at once took 290 s before the tests, one after the
 * other 240 s.
 */
const checkNiceness = 10;

/** Runs the checks, `checkLanes` at a time; the first failure's exit code (the others finish). */
async function runChecks(env: NodeJS.ProcessEnv, begin: number): Promise<number> {
  const waiting = [...checkSteps];
  let failure = 0;
  const lane = async () => {
    for (let step = waiting.shift(); step; step = waiting.shift()) {
      if (failure !== 0) return;
      if (step.requires && !existsSync(join(rootDir, step.requires))) {
        warn(`${step.title}: skipped (${step.requires} does not exist yet).`);
        continue;
      }
      const args = step.args([]);
      const stepStart = performance.now();
      say(bold(`▶ ${step.title}: ${step.command} ${args.join(' ')}`));
      const { code, output } = await runQuietStep(projectBin(step.command), args, env, {
        niceness: checkNiceness,
      });
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
  writeKubernetesLane({ state: 'building' });
  try {
    const laneStart = performance.now();
    await installKubernetesTools(kubernetesNiceness, signal);
    await otherServices;
    await ensureServices(kubernetesServiceDefinitions(ports), 'test');
    await provisionKubernetes(env);
    writeKubernetesLane({ state: 'ready' });
    say(`✓ Kubernetes API up beside the tests (${elapsed(laneStart)})`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    writeKubernetesLane({ state: 'failed', message });
    if (!signal.aborted) warn(`The local Kubernetes API could not start: ${message}`);
  }
}

export async function runTests(extraArgs: string[]): Promise<number> {
  const begin = performance.now();
  const stopKubernetes = new AbortController();
  let kubernetes: Promise<void> = Promise.resolve();
  onShutdownSignal(async () => {
    stopCurrentStep();
    stopKubernetes.abort();
    await stopStarted();
  }, 130);
  try {
    const ports = localPorts();
    const env = { ...localEnvironment(ports), DYNAMODB_TABLE_PREFIX: testTablePrefix };
    const childEnv = { ...process.env, ...env };
    // The checks need only the npm packages (installed before this runs): they start at once,
    // at a lower priority, while the tools install (downloads, pip, go builds) and the services
    // start.
    const checks = runChecks(childEnv, begin);
    const tools = installTools({
      chromium: 'required',
      xmllint: 'required',
      kubernetes: 'separately',
      infraChecks: 'required',
    });
    const services = (async () => {
      await tools;
      const servicesStart = performance.now();
      await ensureServices(serviceDefinitions(ports, { kubernetes: false }), 'test');
      await provisionLocalStack(env, { kubernetes: false });
      say(`✓ services up and provisioned (${elapsed(servicesStart)})`);
    })();
    // The build starts once the other tools are installed, while the services start: started
    // at once, its downloads slowed the tool installs and the services' start (tools ready in
    // 298 s instead of 119 s). Its start waits for theirs (one supervisor start at a time).
    kubernetes = tools.then(
      () => kubernetesBesideTests(ports, env, services, stopKubernetes.signal),
      () => undefined,
    );
    // Both settle before going on (a check failing does not leave services half started).
    const [checked, stack] = await Promise.allSettled([checks, services]);
    if (stack.status === 'rejected') throw stack.reason;
    const code = checked.status === 'fulfilled' ? checked.value : 1;
    if (code !== 0) return code;

    const args = testStep.args(extraArgs);
    const stepStart = performance.now();
    say(bold(`▶ ${testStep.title}: ${testStep.command} ${args.join(' ')}`));
    const tested = await runStep(projectBin(testStep.command), args, childEnv);
    if (tested !== 0) {
      error(
        `✗ ${testStep.title} failed (exit code ${tested}, ${elapsed(stepStart)}). Total ${elapsed(begin)}.`,
      );
      return tested;
    }
    say(`✓ ${testStep.title} (${elapsed(stepStart)})`);
    say(`All checks passed in ${elapsed(begin)}.`);
    return 0;
  } finally {
    // The tests may end before the build does (a few files, or a failure): stop it.
    stopKubernetes.abort();
    await kubernetes;
    await stopStarted();
  }
}
