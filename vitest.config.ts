import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { LongFilesFirst } from './tests/support/long-files-first.ts';

// Three kinds of tests, all run by `npm test`:
// - unit: pure code (domain rules, web stores and components);
// - integration: against the real local stack (DynamoDB Local, Temporal, Keycloak, moto…);
// - browser: the built app in headless Chromium.
/**
 * `expect.poll` waits 1 s by default: what the tests poll (a record a workflow writes, a message
 * sent) took longer in a fresh run on a machine twice as slow as usual, and four tests failed.
 * A poll that succeeds returns at once, so a longer bound costs nothing when all is well.
 */
const pollUnderLoad = { timeout: 15_000, interval: 100 };

export default defineConfig({
  test: {
    sequence: { sequencer: LongFilesFirst },
    // Three files at a time on 2 cores: the tests wait on timers, Keycloak and polling about
    // 40 % of the time (vmstat), which a third worker fills (browser tests have four ports).
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'domain/**/*.test.ts',
            'extensions/**/*.test.ts',
            'tests/lint/**/*.test.ts',
            'tests/support/**/*.test.ts',
            'infra/demo/**/*.test.ts',
            'infra/keycloak/**/*.test.ts',
            'infra/k8s/**/*.test.ts',
            'infra/aws/**/*.test.ts',
            'infra/flux/**/*.test.ts',
            'infra/images/**/*.test.ts',
            'infra/checkov/**/*.test.ts',
          ],
          environment: 'node',
          // Pure code: its files share their worker's loaded modules (18 s instead of 29 s).
          isolate: false,
          // Some run tools (the release scripts, kustomize): 5 s is short on a loaded machine.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'web',
          include: ['web/src/**/*.test.ts'],
          environment: 'happy-dom',
          // Isolated: stores and mocked modules are per file (shared, 9 files fail). Each file in
          // a fresh worker thread rather than a process: 52 s of CPU instead of 67 s.
          pool: 'threads',
          // The router's first test loads every layout (2.4 s alone): 5 s was short under load.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'adapters/**/*.test.ts',
            'activities/**/*.test.ts',
            'workflows/**/*.test.ts',
            'temporal/**/*.test.ts',
            'api/**/*.test.ts',
            'infra/local/**/*.test.ts',
            'infra/disaster-recovery/**/*.test.ts',
            'tests/chaos/**/*.test.ts',
            'infra/release/**/*.test.ts',
          ],
          environment: 'node',
          globalSetup: ['tests/support/workflow-bundle-setup.ts'],
          // Each file has its own garden, accounts and task queues, and stops what it starts:
          // the files of a worker share its loaded modules (the app, the AWS SDK, Temporal)
          // instead of loading them again, which halves the CPU these tests take.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          expect: { poll: pollUnderLoad },
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/workflow-bundle-setup.ts'],
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 240_000,
          expect: { poll: pollUnderLoad },
        },
      },
    ],
  },
});
