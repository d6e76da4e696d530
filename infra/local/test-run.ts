// `npm test [-- vitest args]`: tools, services (reused when already up), provisioning of the
// test tables, then the checks below in order, stopping at the first failure.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localEnvironment } from './environment.ts';
import { bold, elapsed, error, say, warn } from './log.ts';
import { rootDir } from './paths.ts';
import { localPorts } from './ports.ts';
import { provisionLocalStack } from './provision.ts';
import { projectBin, runStep, stopCurrentStep } from './run-step.ts';
import { serviceDefinitions } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { ensureServices, stopStarted } from './supervisor.ts';
import { installTools } from './tools.ts';

interface TestStep {
  title: string;
  command: string;
  args: (extra: string[]) => string[];
  /** The step is skipped (with a note) unless this file exists. */
  requires?: string;
}

/** The checks of `npm test`, in order. Extra CLI arguments go to vitest. */
export const testSteps: TestStep[] = [
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
  { title: 'tests', command: 'vitest', args: (extra) => ['run', ...extra] },
];

export const testTablePrefix = 'cocagne-test';

export async function runTests(extraArgs: string[]): Promise<number> {
  const begin = performance.now();
  onShutdownSignal(async () => {
    stopCurrentStep();
    await stopStarted();
  }, 130);
  try {
    await installTools({ chromium: 'required', xmllint: 'required' });
    const ports = localPorts();
    const env = { ...localEnvironment(ports), DYNAMODB_TABLE_PREFIX: testTablePrefix };
    await ensureServices(serviceDefinitions(ports), 'test');
    await provisionLocalStack(env);

    const childEnv = { ...process.env, ...env };
    for (const step of testSteps) {
      if (step.requires && !existsSync(join(rootDir, step.requires))) {
        warn(`${step.title}: skipped (${step.requires} does not exist yet).`);
        continue;
      }
      const args = step.args(extraArgs);
      const stepStart = performance.now();
      say(bold(`▶ ${step.title}: ${step.command} ${args.join(' ')}`));
      const code = await runStep(projectBin(step.command), args, childEnv);
      if (code !== 0) {
        error(`✗ ${step.title} failed (exit code ${code}, ${elapsed(stepStart)}). Total ${elapsed(begin)}.`);
        return code;
      }
      say(`✓ ${step.title} (${elapsed(stepStart)})`);
    }
    say(`All checks passed in ${elapsed(begin)}.`);
    return 0;
  } finally {
    await stopStarted();
  }
}
