// `npm start`: tools, services, provisioning and demo data, web build, then the API and the
// worker, until Ctrl-C.
import {
  prepareApplication,
  printApplicationBox,
  requireAppPortFree,
  startApplication,
} from './application.ts';
import { bringUp } from './bring-up.ts';
import { localEnvironment } from './environment.ts';
import { formatLogTail } from './log-tail.ts';
import { elapsed, error, UserFacingError } from './log.ts';
import { logFile } from './paths.ts';
import { localPorts } from './ports.ts';
import { serviceDefinitions } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { runningProcesses } from './state.ts';
import { onUnexpectedExit, stopStarted } from './supervisor.ts';

export async function start(): Promise<void> {
  const begin = performance.now();
  const ports = localPorts();
  const env = localEnvironment(ports);
  const appRunning = runningProcesses().find((entry) => entry.kind === 'app');
  if (appRunning) {
    throw new UserFacingError(
      `The application already runs (${appRunning.name}, pid ${appRunning.pid}, started by \`${appRunning.owner}\`): stop it first (Ctrl-C there, or npm run stack down).`,
    );
  }
  await requireAppPortFree(ports);

  onShutdownSignal(stopStarted, 0);
  const definitions = serviceDefinitions(ports);
  await bringUp(definitions, { chromium: 'optional' }, 'start');

  await prepareApplication(env);
  const api = (
    await startApplication(['worker', 'api'], env, 'start', { echo: true, appPort: ports.app })
  ).find((started) => started.spec.name === 'api');

  onUnexpectedExit((died) => {
    error(
      `${died.spec.name} ${died.exit ?? 'exited'}: stopping everything.\n${formatLogTail(logFile(died.spec.name))}`,
    );
    void stopStarted().then(() => process.exit(1));
  });

  printApplicationBox(env, ports, {
    headline: `Cocagne is running (ready in ${elapsed(begin)})`,
    apiStarted: api !== undefined,
    footer: 'Logs in .data/logs/. Ctrl-C stops everything.',
  });
  // Stay alive until Ctrl-C or a process dies (both handled above).
  setInterval(() => undefined, 60_000);
}
