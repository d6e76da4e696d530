// What `npm test` prepares beside the tests (infra/local/side-lanes.ts): the local Kubernetes
// API and the infrastructure's checkers. The test files that need one wait for it in a
// `beforeAll` (`kubernetesReady()` in ./kubernetes.ts, `infraCheckersReady()` here), and the
// test sequencer runs them after the others (./long-files-first.ts).
import { existsSync } from 'node:fs';
import { readSideLane, type SideLane } from '../../infra/local/side-lanes.ts';
import { testEnvironment } from './environment.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SideLaneWait {
  /** What is awaited, for the messages: « The local Kubernetes API ». */
  what: string;
  /** Whether it is there without `npm test` preparing it (the local stack's, from `npm run stack up`). */
  present: () => Promise<boolean>;
  /** How long `npm test` may take to prepare it. */
  waitMs: number;
  /** What to do when nothing prepares it and it is not there. */
  remedy: string;
}

/**
 * Resolves once `npm test` has prepared the lane, or at once when nothing is preparing it and it
 * is there; fails at once with the reason when its preparation failed, or when it is missing.
 */
export async function sideLaneReady(lane: SideLane, wait: SideLaneWait): Promise<void> {
  const deadline = Date.now() + wait.waitMs;
  for (;;) {
    const status = readSideLane(lane);
    const running = status !== undefined && isAlive(status.pid);
    if (running && status.state === 'preparing') {
      if (Date.now() > deadline)
        throw new Error(`${wait.what} was not ready after ${Math.round(wait.waitMs / 60_000)} minutes.`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 2000));
      continue;
    }
    if (running && status.state === 'failed')
      throw new Error(`${wait.what} could not be prepared: ${status.message}`);
    if (await wait.present()) return;
    if (status?.state === 'failed')
      throw new Error(`${wait.what} could not be prepared (last try): ${status.message}`);
    throw new Error(`${wait.what} is missing: ${wait.remedy}`);
  }
}

/** The checkers' paths as the local stack sets them (infra/local/environment.ts). */
const infraCheckerPaths = [
  'CFN_LINT_PATH',
  'CHECKOV_PATH',
  'HADOLINT_PATH',
  'SHELLCHECK_PATH',
  'KUSTOMIZE_PATH',
  'ACTIONLINT_PATH',
  'FLUX_CRDS_DIR',
] as const;

/** The marker the test sequencer looks for: files that call it run after the others. */
export const infraCheckersMarker = 'infraCheckersReady(';

/** Long enough for the checkers' first install (pip, go builds) beside the tests. */
export const infraCheckersWaitMs = 15 * 60_000;

/**
 * Resolves once the infrastructure's checkers (cfn-lint, checkov, hadolint, shellcheck,
 * kustomize, actionlint, the Flux CRDs) are installed: `npm test` installs them beside the
 * first tests.
 */
export function infraCheckersReady(): Promise<void> {
  const environment = testEnvironment();
  return sideLaneReady('infra-checkers', {
    what: "The infrastructure's checkers",
    present: async () =>
      infraCheckerPaths.every((name) => environment[name] && existsSync(environment[name])),
    waitMs: infraCheckersWaitMs,
    remedy: 'run the tests with `npm test`, which installs them.',
  });
}
