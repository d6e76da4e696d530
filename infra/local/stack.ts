// `stack up | down | status | logs <service>`: the local services on their own, in the background.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { localPorts } from './ports.ts';
import { bringUp } from './bring-up.ts';
import { bold, dim, say, UserFacingError, warn } from './log.ts';
import { logTail } from './log-tail.ts';
import { logFile } from './paths.ts';
import { serviceDefinitions, type ServiceDefinition } from './services.ts';
import { runningProcesses } from './state.ts';
import { detachAll, stopRecorded, stopStarted } from './supervisor.ts';
import { onShutdownSignal } from './signals.ts';

export function printServiceUrls(definitions: ServiceDefinition[]): void {
  for (const definition of definitions) {
    const urls = definition.urls.map((u) => `${u.label} ${u.url}`).join(', ');
    console.log(
      `  ${bold(definition.title.padEnd(30))} ${urls} ${dim(`(.data/logs/${definition.name}.log)`)}`,
    );
  }
}

export async function stackUp(): Promise<void> {
  const definitions = serviceDefinitions(localPorts());
  // Ctrl-C while starting: stop what was started; once up, the services live on.
  onShutdownSignal(stopStarted, 130);
  const result = await bringUp(definitions, { chromium: 'optional' }, 'stack up');
  detachAll();
  say(result.started.length ? 'Local stack up, running in the background:' : 'Local stack already up:');
  printServiceUrls(definitions);
  say('Stop it with `npm run stack down`.');
  process.exit(0);
}

export async function stackDown(): Promise<void> {
  const definitions = serviceDefinitions(localPorts());
  const graceOf = (name: string) => definitions.find((d) => d.name === name)?.stopGraceSeconds ?? 10;
  const running = runningProcesses();
  if (!running.length) {
    say('Nothing recorded as running (.data/stack.json).');
  } else {
    await stopRecorded(running, graceOf);
    say('Local stack down.');
  }
  const answering = [];
  for (const definition of definitions) if (await definition.healthy()) answering.push(definition);
  if (answering.length) {
    warn(
      `Still answering, not started by this project's commands: ${answering.map((d) => `${d.name} (port ${d.ports[0]?.port})`).join(', ')}.`,
    );
  }
}

export async function stackStatus(): Promise<void> {
  const definitions = serviceDefinitions(localPorts());
  const recorded = new Map(runningProcesses().map((entry) => [entry.name, entry]));
  const health = await Promise.all(definitions.map((d) => d.healthy()));
  definitions.forEach((definition, index) => {
    const entry = recorded.get(definition.name);
    const state = health[index] ? 'up' : entry ? 'starting or unhealthy' : 'down';
    const owner = entry ? dim(`pid ${entry.pid}, started by \`${entry.owner}\` at ${entry.startedAt}`) : '';
    const ports = definition.ports.map((p) => p.port).join('/');
    console.log(`  ${definition.name.padEnd(12)} ${state.padEnd(22)} port ${ports.padEnd(12)} ${owner}`);
  });
  for (const entry of recorded.values()) {
    if (entry.kind === 'app')
      console.log(
        `  ${entry.name.padEnd(12)} ${'running'.padEnd(22)} ${dim(`pid ${entry.pid}, started by \`${entry.owner}\``)}`,
      );
  }
}

export async function stackLogs(name: string | undefined, follow: boolean): Promise<void> {
  const names = serviceDefinitions(localPorts()).map((d) => d.name);
  if (!name)
    throw new UserFacingError(
      `Which log? npm run stack logs <${[...names, 'api', 'worker'].join('|')}> [-f]`,
    );
  const path = logFile(name);
  if (!existsSync(path)) throw new UserFacingError(`No log yet at ${path}.`);
  if (follow) {
    const tail = spawn('tail', ['-n', '100', '-F', path], { stdio: 'inherit' });
    await new Promise((resolvePromise) => tail.once('exit', resolvePromise));
    return;
  }
  console.log(logTail(path, 200));
}
