// The release checks service (`cocagne-release-checks`, port 8080): Flagger's webhooks POST
// here before and during a canary's rollout, and an answer other than 200 halts it, then rolls
// it back. Run from the API image: `node infra/release/checks-server.ts`.
//
//   POST /smoke                 the smoke checks against the canary
//   POST /extension-self-tests  the gardens' extension self-tests, and the canary's modules
//   POST /rollback              Flagger's rollback webhook: 200 (roll back) once an operator
//                               asked with POST /rollback/open {name, namespace}, else 403
//   POST /rollback/open, /rollback/close
//   GET  /healthz               this service itself
//
// The body is Flagger's: {name, namespace, phase, checksum, metadata}. metadata.target is the
// canary's address (http://cocagne-api-canary.cocagne:8080); metadata.component says what it
// serves, `api` or `web` (absent: both, an API serving the app itself); metadata.gardens,
// comma-separated, limits the self-tests to some gardens.
// 200 with one line per check when all pass; 500 with the same lines when one fails; 400 when
// the body is not a webhook call this service understands. A check's warnings follow its line
// (`warning <check>: …`) and change neither: the extension self-tests warn about what a garden
// can change (its golden cases) and what the release cannot judge (a version without vectors).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Type from 'typebox';
import { DocumentSettings, s3ClientFrom, StoreSettings, storeFrom } from '../../adapters/aws.ts';
import { createExtensionServices } from '../../activities/extensions/services.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import {
  extensionSelfTests,
  smokeChecks,
  type CheckResult,
  type Component,
  type ExtensionCheckDeps,
} from './checks.ts';

export interface ChecksServerOptions {
  extensions: ExtensionCheckDeps;
  /** Each check's bound (a check still waiting then fails). */
  checkTimeoutMs: number;
  /** The self-tests' bound, all gardens together. */
  selfTestTimeoutMs: number;
  /**
   * The addresses a call may name as its target (CHECKS_ALLOWED_TARGETS): in the cluster, the
   * canaries' Services only, so that a caller cannot make the service fetch anything else
   * (the instance metadata, another pod) and read the start of its answer. Any when absent.
   */
  allowedTargets?: RegExp;
  log?: (line: string) => void;
}

interface Webhook {
  name: string;
  namespace: string;
  phase: string;
  metadata: Record<string, string>;
}

const maxBodyBytes = 64 * 1024;

class BadRequest extends Error {}

/** The targets the deployed service accepts by default: the canaries' Services in namespace cocagne. */
export const canaryTargets = '^http://cocagne-[a-z]+-canary\\.cocagne:8080$';

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new BadRequest(`body over ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function webhookOf(text: string, needsTarget: boolean, allowedTargets: RegExp | undefined): Webhook {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('the body is not JSON');
  }
  const call = body as Partial<Webhook> | null;
  const metadata = call?.metadata ?? {};
  if (typeof call?.name !== 'string' || typeof call.namespace !== 'string' || typeof metadata !== 'object') {
    throw new BadRequest('not a Flagger webhook call: name, namespace and metadata expected');
  }
  if (!needsTarget)
    return { name: call.name, namespace: call.namespace, phase: String(call.phase ?? ''), metadata };
  const url = metadata.target;
  if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+/.test(url)) {
    throw new BadRequest("metadata.target must be the canary's http(s) address");
  }
  if (allowedTargets && !allowedTargets.test(url)) {
    throw new BadRequest(`metadata.target ${url.slice(0, 100)} is not a canary this service checks`);
  }
  if (metadata.component !== undefined && !['api', 'web'].includes(metadata.component)) {
    throw new BadRequest('metadata.component must be api or web (absent: both at the same address)');
  }
  return { name: call.name, namespace: call.namespace, phase: String(call.phase ?? ''), metadata };
}

/** Each check's line, then its warnings' (French, then English), which pass or fail nothing. */
const report = (results: CheckResult[]) =>
  results
    .flatMap((result) => [
      `${result.passed ? 'ok' : 'FAILED'} ${result.name}: ${result.detail}`,
      ...(result.warnings ?? []).map(
        (warning) => `warning ${result.name}: ${warning.fr} (en: ${warning.en})`,
      ),
    ])
    .join('\n') + '\n';

/** The checks' paths, and the rollback gate's (see README, "Rolling back by hand"). */
const checkPaths = ['/smoke', '/extension-self-tests'];
const gatePaths = ['/rollback', '/rollback/open', '/rollback/close'];

export function createChecksServer(options: ChecksServerOptions): Server {
  const log = options.log ?? (() => undefined);
  /** Canaries (`namespace/name`) an operator asked to roll back, with when. */
  const rollbacksAsked = new Map<string, string>();

  async function gate(path: string, call: Webhook): Promise<{ status: number; text: string }> {
    const canary = `${call.namespace}/${call.name}`;
    if (path === '/rollback/open') {
      rollbacksAsked.set(canary, new Date().toISOString());
      log(`rollback of ${canary} asked`);
      return { status: 202, text: `rollback of ${canary} asked: Flagger rolls it back at its next check\n` };
    }
    if (path === '/rollback/close') {
      const asked = rollbacksAsked.delete(canary);
      return {
        status: 200,
        text: asked ? `rollback of ${canary} no longer asked\n` : `no rollback of ${canary} was asked\n`,
      };
    }
    // Flagger's `rollback` webhook: a 2xx rolls the canary back. Answered once per request.
    const asked = rollbacksAsked.get(canary);
    if (!asked) return { status: 403, text: `no rollback of ${canary} asked\n` };
    rollbacksAsked.delete(canary);
    log(`rolling back ${canary} (${call.phase}), asked at ${asked}`);
    return { status: 200, text: `roll back ${canary}: asked by an operator at ${asked}\n` };
  }

  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const answer = (status: number, text: string) => {
      response.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(text);
    };
    if (path === '/healthz' && request.method === 'GET') return answer(200, 'ok\n');
    if (!checkPaths.includes(path) && !gatePaths.includes(path)) return answer(404, `no check at ${path}\n`);
    if (request.method !== 'POST') return answer(405, 'POST a Flagger webhook call\n');
    void (async () => {
      try {
        const call = webhookOf(await bodyOf(request), checkPaths.includes(path), options.allowedTargets);
        if (gatePaths.includes(path)) {
          const { status, text } = await gate(path, call);
          return answer(status, text);
        }
        const results =
          path === '/smoke'
            ? await smokeChecks(
                { url: call.metadata.target!, component: (call.metadata.component ?? 'both') as Component },
                options.checkTimeoutMs,
              )
            : await extensionSelfTests(
                options.extensions,
                call.metadata.target!,
                call.metadata.gardens
                  ?.split(',')
                  .map((id) => id.trim())
                  .filter(Boolean),
                options.selfTestTimeoutMs,
              );
        const passed = results.every((result) => result.passed);
        const warnings = results.reduce((count, result) => count + (result.warnings?.length ?? 0), 0);
        log(
          `${path} ${call.namespace}/${call.name}${call.phase ? ` (${call.phase})` : ''}: ${passed ? 'passed' : 'FAILED'}${warnings ? `, ${warnings} warning(s)` : ''}`,
        );
        // Flagger keeps a passing answer to itself: its warnings are read here, or by calling.
        for (const result of results) {
          for (const warning of result.warnings ?? []) log(`warning ${result.name}: ${warning.en}`);
        }
        answer(passed ? 200 : 500, report(results));
      } catch (error) {
        if (error instanceof BadRequest) return answer(400, `${error.message}\n`);
        log(`${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        answer(500, `the checks could not run: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    })();
  });
}

/** Starts it on a port (0: any free one); resolves once it listens. */
export async function startChecksServer(options: ChecksServerOptions, port: number, host: string) {
  const server = createChecksServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ChecksSettings = Type.Object({
  ...StoreSettings.properties,
  ...DocumentSettings.properties,
  // Not HTTP_HOST and HTTP_PORT: the API's settings, which the Deployment's ConfigMap may hold.
  CHECKS_HOST: Type.String({ default: '0.0.0.0' }),
  CHECKS_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  CHECKS_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 300, default: 10 }),
  SELF_TESTS_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 600, default: 50 }),
  /** A regular expression every target must match: by default the canaries' Services of namespace cocagne. */
  CHECKS_ALLOWED_TARGETS: Type.String({ default: canaryTargets }),
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const settings = readConfiguration(ChecksSettings, process.env);
  const store = storeFrom(settings);
  const extensions = createExtensionServices({
    store,
    s3: s3ClientFrom(settings),
    bucket: settings.S3_BUCKET,
  });
  const log = (line: string) => console.log(`[release-checks] ${line}`);
  const server = await startChecksServer(
    {
      extensions: {
        extensions,
        gardenIds: async () => (await store.gardens.list()).map((garden) => garden.id),
      },
      checkTimeoutMs: settings.CHECKS_TIMEOUT_SECONDS * 1000,
      selfTestTimeoutMs: settings.SELF_TESTS_TIMEOUT_SECONDS * 1000,
      allowedTargets: new RegExp(settings.CHECKS_ALLOWED_TARGETS),
      log,
    },
    settings.CHECKS_PORT,
    settings.CHECKS_HOST,
  );
  log(`listening on ${server.url} (/smoke, /extension-self-tests)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.close().then(async () => {
        await extensions.close();
        store.close();
      });
    });
  }
}
