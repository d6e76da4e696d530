// .data/stack.json: the processes this project started, so that another terminal can find,
// reuse and stop them.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stackStateFile } from './paths.ts';
import { isOurGroup } from './process-group.ts';

export type Owner = 'stack up' | 'start' | 'test';

export interface RecordedProcess {
  name: string;
  kind: 'service' | 'app';
  /** Pid of the group leader, which is also the group id. */
  pid: number;
  /** Kernel start time of the leader (Linux), guarding against pid reuse. */
  startTime?: string;
  command: string;
  ports: number[];
  startedAt: string;
  /** Which command started it, and that command's pid. */
  owner: Owner;
  ownerPid: number;
}

interface StackState {
  processes: Record<string, RecordedProcess>;
}

function readState(): StackState {
  try {
    const state = JSON.parse(readFileSync(stackStateFile, 'utf8')) as StackState;
    return { processes: state.processes ?? {} };
  } catch {
    return { processes: {} };
  }
}

function writeState(state: StackState): void {
  mkdirSync(dirname(stackStateFile), { recursive: true });
  const temporary = `${stackStateFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, stackStateFile);
}

/** The recorded processes that still run; entries of processes that ended are dropped. */
export function runningProcesses(): RecordedProcess[] {
  const state = readState();
  const alive = Object.values(state.processes).filter((entry) => isOurGroup(entry.pid, entry.startTime));
  if (alive.length !== Object.keys(state.processes).length) {
    writeState({ processes: Object.fromEntries(alive.map((entry) => [entry.name, entry])) });
  }
  return alive;
}

export function recordProcess(entry: RecordedProcess): void {
  const state = readState();
  state.processes[entry.name] = entry;
  writeState(state);
}

export function forgetProcess(name: string, pid: number): void {
  const state = readState();
  if (state.processes[name]?.pid === pid) {
    delete state.processes[name];
    writeState(state);
  }
}
