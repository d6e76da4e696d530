// `stack up | down | status | logs <service>`: the local services on their own, in the background.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { localEnvironment } from './environment.ts';
import { localPorts } from './ports.ts';
import { bringUp } from './bring-up.ts';
import { bold, dim, elapsed, say, UserFacingError, warn } from './log.ts';
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

/**
 * `stack up`: the services in the background. With `--app`, the API and the worker too, each its
 * own background process: running it again starts only what is not running (a process that
 * died or was killed), without preparing again; nothing stops the others when one dies.
 */
export async function stackUp(options: { app: boolean } = { app: false }): Promise<void> {
  const begin = performance.now();
  const ports = localPorts();
  const definitions = serviceDefinitions(ports);
  // Ctrl-C while starting: stop what was started; once up, the services live on.
  onShutdownSignal(stopStarted, 130);
  const result = await bringUp(definitions, { chromium: 'optional' }, 'stack up');
  let appStarted: string[] = [];
  const env = localEnvironment(ports);
  if (options.app) {
    const { applicationProcesses, prepareApplication, requireAppPortFree, startApplication } =
      await import('./application.ts');
    const running = new Set(runningProcesses().map((entry) => entry.name));
    const missing = applicationProcesses.map((app) => app.name).filter((name) => !running.has(name));
    if (missing.length === applicationProcesses.length) {
      await requireAppPortFree(ports);
      await prepareApplication(env);
    }
    if (missing.length) {
      appStarted = (
        await startApplication(missing, env, 'stack up', { echo: false, appPort: ports.app })
      ).map((started) => started.spec.name);
    }
  }
  detachAll();
  const nothingNew = !result.started.length && !appStarted.length;
  say(
    nothingNew ? 'Local stack already up:' : `Local stack up (${elapsed(begin)}), running in the background:`,
  );
  printServiceUrls(definitions);
  if (options.app) {
    for (const entry of runningProcesses().filter((process) => process.kind === 'app'))
      console.log(
        `  ${bold(entry.name.padEnd(30))} pid ${entry.pid}${appStarted.includes(entry.name) ? ' (started now)' : ''} ${dim(`(.data/logs/${entry.name}.log)`)}`,
      );
    console.log(`  ${bold('Application'.padEnd(30))} ${env.PUBLIC_URL}`);
  }
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
