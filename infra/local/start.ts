// `npm start`: tools, services, provisioning and demo data, web build, then the API and the
// worker, until Ctrl-C.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { bringUp } from './bring-up.ts';
import { localEnvironment } from './environment.ts';
import { formatLogTail } from './log-tail.ts';
import { bold, elapsed, error, say, UserFacingError, warn } from './log.ts';
import { logFile, rootDir } from './paths.ts';
import { localPorts, portSettings } from './ports.ts';
import { httpProbe, portTaken } from './probes.ts';
import { provisionLocalStack } from './provision.ts';
import { projectBin, runStep } from './run-step.ts';
import { seedDemoData } from './seed.ts';
import { serviceDefinitions } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { runningProcesses } from './state.ts';
import { onUnexpectedExit, startProcess, stopStarted, type Supervised } from './supervisor.ts';

/** Demo accounts of the local Keycloak realm (infra/keycloak/realm-cocagne.json). */
const demoLogins = [
  { username: 'equipe-doubs', role: 'équipe (Val du Doubs)' },
  { username: 'adherent-doubs', role: 'adhérent (Val du Doubs)' },
  { username: 'chauffeur-doubs', role: 'chauffeur (Val du Doubs)' },
  { username: 'chauffeur2-doubs', role: 'chauffeuse, 2e véhicule (Val du Doubs)' },
  { username: 'admin-doubs', role: 'administrateur du jardin (Val du Doubs)' },
  { username: 'equipe-vesoul', role: 'équipe (Pays de Vesoul)' },
  { username: 'adherent-vesoul', role: 'adhérent (Pays de Vesoul)' },
  { username: 'reseau', role: 'réseau (tous les jardins)' },
];

/** The application processes: [name, entry file]. */
const appProcesses = [
  { name: 'worker', file: 'temporal/worker-main.ts' },
  { name: 'api', file: 'api/server.ts' },
];

const visibleLength = (text: string): number => stripVTControlCharacters(text).length;

function printBox(lines: string[]): void {
  const width = Math.max(...lines.map(visibleLength)) + 2;
  console.log(`┌${'─'.repeat(width)}┐`);
  for (const line of lines) console.log(`│ ${line}${' '.repeat(width - 1 - visibleLength(line))}│`);
  console.log(`└${'─'.repeat(width)}┘`);
}

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

async function waitForApi(url: string, api: Supervised): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (api.exit)
      throw new UserFacingError(`The API ${api.exit} while starting.\n${formatLogTail(logFile('api'))}`);
    if ((await httpProbe(url, {}, 2000))?.status === 200) return;
    await sleep(500);
  }
  throw new UserFacingError(`The API did not answer ${url} within 60 s.\n${formatLogTail(logFile('api'))}`);
}

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
  if (await portTaken(ports.app)) {
    throw new UserFacingError(
      `Port ${ports.app} (the application) is taken by another program: stop it, or choose another port with ${portSettings.app.variable}=<port>.`,
    );
  }

  onShutdownSignal(stopStarted, 0);
  const definitions = serviceDefinitions(ports);
  await bringUp(definitions, { chromium: 'optional' }, 'start');

  await provisionLocalStack(env);
  await seedDemoData(env);

  const childEnv = { ...process.env, ...env };
  if (existsSync(join(rootDir, 'web', 'index.html'))) {
    say('Building the web app (vite build web)…');
    const code = await runStep(projectBin('vite'), ['build', 'web'], childEnv);
    if (code !== 0) throw new UserFacingError(`vite build web failed (exit code ${code}).`);
  } else {
    warn('web/index.html does not exist yet: web app not built.');
  }

  if (existsSync(join(rootDir, 'extensions', 'build-samples.ts'))) {
    // The worker runs the gardens' extensions; the demo gardens use sample ones.
    say('Building the sample extensions (node extensions/build-samples.ts)…');
    const code = await runStep(process.execPath, ['extensions/build-samples.ts'], childEnv);
    if (code !== 0) throw new UserFacingError(`Building the sample extensions failed (exit code ${code}).`);
  }

  let api: Supervised | undefined;
  for (const app of appProcesses) {
    if (!existsSync(join(rootDir, app.file))) {
      warn(`${app.file} does not exist yet: ${app.name} not started.`);
      continue;
    }
    const supervised = await startProcess(
      {
        name: app.name,
        kind: 'app',
        command: process.execPath,
        args: [app.file],
        cwd: rootDir,
        env,
        ports: app.name === 'api' ? [ports.app] : [],
        stopGraceSeconds: 10,
        echoPrefix: `[${app.name}]`,
        // The terminal keeps the addresses readable: problems only; everything is in the log.
        echoOnly: /"level":[456]0|\b(WARN|ERROR|Error|error)\b/,
      },
      'start',
    );
    if (app.name === 'api') api = supervised;
  }
  if (api) await waitForApi(`http://127.0.0.1:${ports.app}/api/health`, api);

  onUnexpectedExit((died) => {
    error(
      `${died.spec.name} ${died.exit ?? 'exited'}: stopping everything.\n${formatLogTail(logFile(died.spec.name))}`,
    );
    void stopStarted().then(() => process.exit(1));
  });

  const keycloakUrl = `http://localhost:${ports.keycloak}`;
  printBox([
    bold(`Cocagne is running (ready in ${elapsed(begin)})`),
    '',
    `Application       ${env.PUBLIC_URL}${api ? '' : '  (API not started yet)'}`,
    `API docs          ${env.PUBLIC_URL}/docs`,
    `Temporal UI       ${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows`,
    `Keycloak admin    ${keycloakUrl}/admin/  (admin / admin)`,
    `Emails and SMS    ${env.MOTO_URL}/moto-api/  (moto dashboard)`,
    '',
    'Demo logins (password: cocagne)',
    ...demoLogins.map((login) => `  ${login.username.padEnd(16)} ${login.role}`),
    '',
    'Logs in .data/logs/. Ctrl-C stops everything.',
  ]);
  // Stay alive until Ctrl-C or a process dies (both handled above).
  setInterval(() => undefined, 60_000);
}
