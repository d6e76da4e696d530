// The application's own processes on the local stack: the worker and the API. `npm start` runs
// them in its terminal and stops everything when one dies; `stack up --app` runs them in the
// background, one process each, so that each can be stopped, killed and started again alone
// (the chaos runs of bench/chaos.ts do).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { formatLogTail } from './log-tail.ts';
import { bold, say, UserFacingError, warn } from './log.ts';
import { logFile, rootDir } from './paths.ts';
import { portSettings, type LocalPorts } from './ports.ts';
import { httpProbe, portTaken } from './probes.ts';
import { provisionLocalStack } from './provision.ts';
import { projectBin, runStep } from './run-step.ts';
import { seedDemoData } from './seed.ts';
import type { Owner } from './state.ts';
import { startProcess, type Supervised } from './supervisor.ts';

export type ApplicationProcess = 'worker' | 'api';

/** The application processes, in the order they start: the worker, then the API. */
export const applicationProcesses: ReadonlyArray<{ name: ApplicationProcess; file: string }> = [
  { name: 'worker', file: 'temporal/worker-main.ts' },
  { name: 'api', file: 'api/server.ts' },
];

const sleep = (ms: number) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** Refuses to start the application on a port another program holds, saying how to choose another. */
export async function requireAppPortFree(ports: LocalPorts): Promise<void> {
  if (await portTaken(ports.app)) {
    throw new UserFacingError(
      `Port ${ports.app} (the application) is taken by another program: stop it, or choose another port with ${portSettings.app.variable}=<port>.`,
    );
  }
}

/** Provisioning, demo data, the web app and the sample extensions: what the processes need first. */
export async function prepareApplication(env: Record<string, string>): Promise<void> {
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
}

/** Waits until the API answers its health check, failing at once if its process ends. */
export async function waitForApi(url: string, api: Supervised, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (api.exit)
      throw new UserFacingError(`The API ${api.exit} while starting.\n${formatLogTail(logFile('api'))}`);
    if ((await httpProbe(url, {}, 2000))?.status === 200) return;
    await sleep(500);
  }
  throw new UserFacingError(
    `The API did not answer ${url} within ${Math.round(timeoutMs / 1000)} s.\n${formatLogTail(logFile('api'))}`,
  );
}

/**
 * Starts these application processes with `env`, each in its own process group and recorded in
 * .data/stack.json; with `echo`, their problems also go to this terminal. Resolves once the API
 * (when started) answers `/api/health`.
 */
export async function startApplication(
  names: readonly ApplicationProcess[],
  env: Record<string, string>,
  owner: Owner,
  options: { echo: boolean; appPort: number },
): Promise<Supervised[]> {
  const started: Supervised[] = [];
  let api: Supervised | undefined;
  for (const app of applicationProcesses) {
    if (!names.includes(app.name)) continue;
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
        ports: app.name === 'api' ? [options.appPort] : [],
        stopGraceSeconds: 10,
        ...(options.echo
          ? {
              echoPrefix: `[${app.name}]`,
              // The terminal keeps the addresses readable: problems only; everything is in the log.
              echoOnly: /"level":[456]0|\b(WARN|ERROR|Error|error)\b/,
            }
          : {}),
      },
      owner,
    );
    started.push(supervised);
    if (app.name === 'api') api = supervised;
  }
  if (api) await waitForApi(`http://127.0.0.1:${options.appPort}/api/health`, api);
  return started;
}

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

const visibleLength = (text: string): number => stripVTControlCharacters(text).length;

/** The addresses and demo logins of the running application, in a box. */
export function printApplicationBox(
  env: Record<string, string>,
  ports: LocalPorts,
  text: { headline: string; apiStarted: boolean; footer: string },
): void {
  const lines = [
    bold(text.headline),
    '',
    `Application       ${env.PUBLIC_URL}${text.apiStarted ? '' : '  (API not started yet)'}`,
    `API docs          ${env.PUBLIC_URL}/docs`,
    `Temporal UI       ${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows`,
    `Keycloak admin    http://localhost:${ports.keycloak}/admin/  (admin / admin)`,
    `Emails and SMS    ${env.MOTO_URL}/moto-api/  (moto dashboard)`,
    '',
    'Demo logins (password: cocagne)',
    ...demoLogins.map((login) => `  ${login.username.padEnd(16)} ${login.role}`),
    '',
    text.footer,
  ];
  const width = Math.max(...lines.map(visibleLength)) + 2;
  console.log(`┌${'─'.repeat(width)}┐`);
  for (const line of lines) console.log(`│ ${line}${' '.repeat(width - 1 - visibleLength(line))}│`);
  console.log(`└${'─'.repeat(width)}┘`);
}
