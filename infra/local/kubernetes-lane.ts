// `npm test` builds and starts the local Kubernetes API beside the tests (its first build takes
// minutes of CPU that the tests leave idle). The tests that need it wait for it through this
// status file (tests/support/kubernetes.ts), and fail at once with its message if it failed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataDir } from './paths.ts';

export const kubernetesLaneFile = join(dataDir, 'kubernetes-lane.json');

export type KubernetesLaneStatus =
  | { state: 'building'; pid: number; since: string }
  | { state: 'ready'; pid: number; since: string }
  | { state: 'failed'; pid: number; since: string; message: string };

type NewStatus = { state: 'building' } | { state: 'ready' } | { state: 'failed'; message: string };

export function writeKubernetesLane(status: NewStatus): void {
  mkdirSync(dirname(kubernetesLaneFile), { recursive: true });
  const temporary = `${kubernetesLaneFile}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ ...status, pid: process.pid, since: new Date().toISOString() }));
  renameSync(temporary, kubernetesLaneFile);
}

export function readKubernetesLane(): KubernetesLaneStatus | undefined {
  try {
    return JSON.parse(readFileSync(kubernetesLaneFile, 'utf8')) as KubernetesLaneStatus;
  } catch {
    return undefined;
  }
}
