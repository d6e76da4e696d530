// Process groups: every process this project starts leads its own group (spawn detached), so
// that stopping it also stops its children (kc.sh's java, for one).
import { existsSync, readFileSync } from 'node:fs';

const hasProc = existsSync('/proc/self/stat');

/** The kernel's start time of a process (Linux), to tell it from a later one with the same pid. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the group led by `pid` is still the one we started: the leader is the same process
 * (same start time), or the leader has exited and the group lives on (a pid cannot be reused
 * while a group of that id exists).
 */
export function isOurGroup(pid: number, startTime: string | undefined): boolean {
  if (hasProc && startTime !== undefined) {
    const current = processStartTime(pid);
    if (current !== undefined) return current === startTime;
  }
  return groupAlive(pid);
}

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await sleep(200);
  }
  return !groupAlive(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the whole group, SIGKILL after the grace period. Returns how it ended. */
export async function stopGroup(
  pgid: number,
  graceSeconds: number,
): Promise<'stopped' | 'killed' | 'not running'> {
  if (!groupAlive(pgid)) return 'not running';
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceSeconds * 1000)) return 'stopped';
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 5000);
  return 'killed';
}

/** SIGKILL to the whole group at once, as a crash would end it (the chaos runs); waits until it is gone. */
export async function killGroup(pgid: number): Promise<void> {
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 5000);
}
