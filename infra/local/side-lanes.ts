// `npm test` prepares some things beside the tests instead of before them: the local Kubernetes
// API (its first build takes minutes of CPU that the tests leave idle) and the infrastructure's
// checkers (cfn-lint, checkov, kustomize…). The tests that need one wait for it through its
// status file (tests/support/side-lanes.ts), and fail at once with its message if it failed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataDir } from './paths.ts';

/** What `npm test` prepares beside the tests. */
export type SideLane = 'kubernetes' | 'infra-checkers';

export const sideLaneFile = (lane: SideLane): string => join(dataDir, `${lane}-lane.json`);

export type SideLaneStatus =
  | { state: 'preparing'; pid: number; since: string }
  | { state: 'ready'; pid: number; since: string }
  | { state: 'failed'; pid: number; since: string; message: string };

type NewStatus = { state: 'preparing' } | { state: 'ready' } | { state: 'failed'; message: string };

export function writeSideLane(lane: SideLane, status: NewStatus): void {
  const file = sideLaneFile(lane);
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ ...status, pid: process.pid, since: new Date().toISOString() }));
  renameSync(temporary, file);
}

export function readSideLane(lane: SideLane): SideLaneStatus | undefined {
  try {
    return JSON.parse(readFileSync(sideLaneFile(lane), 'utf8')) as SideLaneStatus;
  } catch {
    return undefined;
  }
}
