// Starts, watches and stops the processes of the local stack. Each process leads its own
// process group (so that stopping it stops its children) and writes to .data/logs/<name>.log.
// What this project started is recorded in .data/stack.json (state.ts), so that a later
// command, from any terminal, can reuse or stop it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatLogTail } from './log-tail.ts';
import { dim, elapsed, error, say, UserFacingError } from './log.ts';
import { logFile, logsDir } from './paths.ts';
import { portTaken } from './probes.ts';
import { processStartTime, stopGroup } from './process-group.ts';
import type { ServiceDefinition } from './services.ts';
import { forgetProcess, recordProcess, runningProcesses, type Owner, type RecordedProcess } from './state.ts';

export interface ProcessSpec {
  name: string;
  kind: 'service' | 'app';
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  ports: number[];
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  stopGraceSeconds: number;
  /** When set, output also goes to this terminal, each line prefixed with it. */
  echoPrefix?: string;
  /** When set with echoPrefix, only matching lines reach the terminal (all go to the log). */
  echoOnly?: RegExp;
}

/** A process started by this command. */
export interface Supervised {
  spec: ProcessSpec;
  pid: number;
  child: ChildProcess;
  /** Set once the process has exited: why. */
  exit?: string;
}

const started = new Map<string, Supervised>();
let stopping = false;
const exitListeners: Array<(process: Supervised) => void> = [];

/** Calls `listener` when a process started by this command exits without being asked to. */
export function onUnexpectedExit(listener: (process: Supervised) => void): void {
  exitListeners.push(listener);
}

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Starts a process in its own group, output to its log file, and records it in the state file. */
export async function startProcess(spec: ProcessSpec, owner: Owner): Promise<Supervised> {
  mkdirSync(logsDir, { recursive: true });
  const path = logFile(spec.name);
  const header = `\n===== ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`;
  const echo = spec.echoPrefix;
  let fd: number | undefined;
  let child: ChildProcess;
  if (echo === undefined) {
    fd = openSync(path, 'a');
    writeSync(fd, header);
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
  } else {
    const log = createWriteStream(path, { flags: 'a' });
    log.write(header);
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        log.write(`${line}\n`);
        if (!spec.echoOnly || spec.echoOnly.test(line)) console.log(`${dim(echo)} ${line}`);
      });
    }
    child.once('close', () => log.end());
  }
  const pid = child.pid;
  if (pid === undefined) {
    const reason = await new Promise<string>((resolvePromise) =>
      child.once('error', (err) => resolvePromise(err.message)),
    );
    throw new UserFacingError(`Could not start ${spec.name} (${spec.command}): ${reason}`);
  }
  const supervised: Supervised = { spec, pid, child };
  started.set(spec.name, supervised);
  const entry: RecordedProcess = {
    name: spec.name,
    kind: spec.kind,
    pid,
    command: [spec.command, ...spec.args].join(' '),
    ports: spec.ports,
    startedAt: new Date().toISOString(),
    owner,
    ownerPid: process.pid,
  };
  const startTime = processStartTime(pid);
  if (startTime !== undefined) entry.startTime = startTime;
  recordProcess(entry);
  child.once('exit', (code, signal) => {
    supervised.exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
    forgetProcess(spec.name, pid);
    if (!stopping) for (const listener of exitListeners) listener(supervised);
  });
  return supervised;
}

/** Lets this command exit while the processes it started go on (`stack up`). */
export function detachAll(): void {
  for (const supervised of started.values()) supervised.child.unref();
  started.clear();
}

async function stopOne(name: string, pid: number, graceSeconds: number): Promise<void> {
  const outcome = await stopGroup(pid, graceSeconds);
  forgetProcess(name, pid);
  if (outcome === 'stopped') say(`■ ${name} stopped`);
  else if (outcome === 'killed') say(`■ ${name} killed (did not stop within ${graceSeconds} s)`);
}

let stopChain: Promise<void> = Promise.resolve();

/**
 * Stops the processes this command started: application processes first, then services,
 * each group with SIGTERM then SIGKILL after its grace period. A second call waits for the
 * first one to finish.
 */
export function stopStarted(): Promise<void> {
  stopping = true;
  const all = [...started.values()].reverse();
  started.clear();
  stopChain = stopChain.then(async () => {
    for (const kind of ['app', 'service'] as const) {
      await Promise.all(
        all
          .filter((s) => s.spec.kind === kind)
          .map((s) => stopOne(s.spec.name, s.pid, s.spec.stopGraceSeconds)),
      );
    }
  });
  return stopChain;
}

/** Stops recorded processes started by any command (`stack down`). */
export async function stopRecorded(
  entries: RecordedProcess[],
  graceOf: (name: string) => number,
): Promise<void> {
  stopping = true;
  for (const kind of ['app', 'service'] as const) {
    await Promise.all(
      entries.filter((e) => e.kind === kind).map((e) => stopOne(e.name, e.pid, graceOf(e.name))),
    );
  }
}

/** Service spec for the supervisor. */
function serviceSpec(definition: ServiceDefinition): ProcessSpec {
  const spec: ProcessSpec = {
    name: definition.name,
    kind: 'service',
    command: definition.command,
    args: definition.args,
    cwd: definition.cwd,
    ports: definition.ports.map((p) => p.port),
    stopGraceSeconds: definition.stopGraceSeconds,
  };
  if (definition.env) spec.env = definition.env;
  return spec;
}

export interface EnsureResult {
  /** Services this command started (and will stop). */
  started: string[];
  /** Services that were already running and healthy. */
  reused: string[];
}

/**
 * Makes every service run and answer: reuses a healthy one, waits for one that another command
 * of this project is still starting, starts the others. A port held by anything else is an
 * error naming the port and its variable. On failure, stops what it started and throws.
 */
export async function ensureServices(definitions: ServiceDefinition[], owner: Owner): Promise<EnsureResult> {
  const recorded = new Map(runningProcesses().map((entry) => [entry.name, entry]));
  const result: EnsureResult = { started: [], reused: [] };
  const toStart: ServiceDefinition[] = [];
  const toWait: Array<{ definition: ServiceDefinition; supervised?: Supervised; entry?: RecordedProcess }> =
    [];

  // 1. Sort services out before starting anything, so that a taken port fails fast.
  const problems: string[] = [];
  await Promise.all(
    definitions.map(async (definition) => {
      const entry = recorded.get(definition.name);
      if (await definition.healthy()) {
        result.reused.push(definition.name);
        return;
      }
      if (entry) {
        toWait.push({ definition, entry });
        return;
      }
      for (const { port, variable } of definition.ports) {
        if (await portTaken(port)) {
          problems.push(
            `Port ${port} (${definition.title}) is taken by another program: stop it, or choose another port with ${variable}=<port>.`,
          );
          return;
        }
      }
      toStart.push(definition);
    }),
  );
  if (problems.length) throw new UserFacingError(problems.join('\n'));
  const order = (name: string) => definitions.findIndex((d) => d.name === name);
  result.reused.sort((a, b) => order(a) - order(b));
  if (result.reused.length) say(`Reusing running ${result.reused.join(', ')}.`);
  for (const { definition, entry } of toWait) {
    say(
      `${definition.name} was started by \`${entry?.owner}\` (pid ${entry?.pid}) and is not answering yet: waiting for it.`,
    );
  }

  // 2. Start the missing ones.
  for (const definition of definitions.filter((d) => toStart.includes(d))) {
    definition.prepare?.();
    const supervised = await startProcess(serviceSpec(definition), owner);
    result.started.push(definition.name);
    toWait.push({ definition, supervised });
    say(
      `… starting ${definition.title} ${dim(`(${definition.version}, log: .data/logs/${definition.name}.log)`)}`,
    );
  }

  // 3. Wait until each answers, showing what is still starting.
  try {
    await waitHealthy(toWait);
  } catch (err) {
    await stopStarted();
    throw err;
  }
  return result;
}

async function waitHealthy(
  waits: Array<{ definition: ServiceDefinition; supervised?: Supervised; entry?: RecordedProcess }>,
): Promise<void> {
  if (!waits.length) return;
  const start = performance.now();
  const pending = new Set(waits.map((w) => w.definition.name));
  let failure: string | undefined;
  const ticker = setInterval(() => {
    if (pending.size) say(dim(`  still starting: ${[...pending].join(', ')} (${elapsed(start)})`));
  }, 10_000);
  try {
    await Promise.all(
      waits.map(async ({ definition, supervised, entry }) => {
        const deadline = Date.now() + definition.startTimeoutSeconds * 1000;
        while (failure === undefined && !stopping) {
          if (supervised?.exit) {
            failure = `${definition.title} ${supervised.exit} while starting.\n${formatLogTail(logFile(definition.name))}`;
            return;
          }
          if (entry && !runningProcesses().some((e) => e.name === definition.name)) {
            failure = `${definition.title} (started by \`${entry.owner}\`) stopped while starting.\n${formatLogTail(logFile(definition.name))}`;
            return;
          }
          if (await definition.healthy()) {
            pending.delete(definition.name);
            say(`✓ ${definition.title} ready (${elapsed(start)})`);
            return;
          }
          if (Date.now() > deadline) {
            failure = `${definition.title} did not answer within ${definition.startTimeoutSeconds} s.\n${formatLogTail(logFile(definition.name))}`;
            return;
          }
          await sleep(500);
        }
      }),
    );
  } finally {
    clearInterval(ticker);
  }
  if (stopping) throw new UserFacingError('Stopped while starting.');
  if (failure !== undefined) {
    error(failure);
    throw new UserFacingError('The local stack could not start (see above).');
  }
}
