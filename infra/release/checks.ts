// The release checks Flagger runs against a canary before and during its rollout: the smoke
// checks (the API, its description, the web app, access control, a public read) and the garden
// extensions' self-tests. Each check is named and bounded in time; its result says why it failed.
import { activeFor } from '../../domain/extensions/catalogue.ts';
import { sameJson } from '../../domain/extension-rollout.ts';
import type { ExtensionServices } from '../../activities/extensions/services.ts';

export interface CheckResult {
  name: string;
  passed: boolean;
  /** What was seen: on failure, why, in a sentence an operator reads in Flagger's events. */
  detail: string;
}

/** What a canary serves: the API, the web app, or both (an API that serves the app itself). */
export type Component = 'api' | 'web' | 'both';

export interface SmokeTarget {
  /** The canary's base address, e.g. http://cocagne-api-canary.cocagne:8080. */
  url: string;
  component: Component;
}

const base = (url: string) => url.replace(/\/+$/, '');

/** One named check: a thrown error or a time-out fails it with its message. */
async function check(name: string, timeoutMs: number, body: (signal: AbortSignal) => Promise<string>) {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return { name, passed: true, detail: await body(signal) } satisfies CheckResult;
  } catch (error) {
    return { name, passed: false, detail: reasonOf(error, timeoutMs) } satisfies CheckResult;
  }
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError')
    return `no answer within ${timeoutMs} ms`;
  if (error instanceof Error) {
    const cause = error.cause as { code?: string; message?: string } | undefined;
    if (cause?.code) return `${error.message}: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
    return error.message;
  }
  return String(error);
}

/** GET with the check's deadline, refusing redirects (a canary that redirects is not answering). */
async function get(url: string, signal: AbortSignal, headers: Record<string, string> = {}) {
  return fetch(url, { signal, headers, redirect: 'manual' });
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(`${what} answered ${response.status} instead of ${status}${text ? `: ${text}` : ''}`);
  }
}

/** The smoke checks of a canary's component, all at once, each within `timeoutMs`. */
export async function smokeChecks(target: SmokeTarget, timeoutMs: number): Promise<CheckResult[]> {
  const api = base(target.url);
  const web = api;
  const apiChecks = () => [
    check('api-health', timeoutMs, async (signal) => {
      const response = await get(`${api}/api/health`, signal);
      await expectStatus(response, 200, 'GET /api/health');
      const body = (await response.json()) as { status?: unknown };
      if (body.status !== 'ok') throw new Error(`GET /api/health said ${JSON.stringify(body)}`);
      return 'GET /api/health: ok';
    }),
    check('openapi-description', timeoutMs, async (signal) => {
      const response = await get(`${api}/docs/json`, signal);
      await expectStatus(response, 200, 'GET /docs/json');
      const description = (await response.json()) as { openapi?: string; paths?: Record<string, unknown> };
      const paths = Object.keys(description.paths ?? {});
      if (!description.openapi?.startsWith('3.') || !paths.includes('/api/health')) {
        throw new Error(`GET /docs/json is not the API's OpenAPI 3 description (${paths.length} paths)`);
      }
      return `OpenAPI ${description.openapi}, ${paths.length} paths`;
    }),
    check('protected-route-refused', timeoutMs, async (signal) => {
      const response = await get(`${api}/api/me`, signal);
      await expectStatus(response, 401, 'GET /api/me without a token');
      return 'GET /api/me without a token: 401';
    }),
    check('public-gardens', timeoutMs, async (signal) => {
      const response = await get(`${api}/api/gardens`, signal);
      await expectStatus(response, 200, 'GET /api/gardens');
      const gardens: unknown = await response.json();
      if (!Array.isArray(gardens)) throw new Error('GET /api/gardens is not a list');
      return `GET /api/gardens: ${gardens.length} garden(s)`;
    }),
  ];
  const webChecks = () => [
    check('web-app', timeoutMs, async (signal) => {
      const page = await get(`${web}/`, signal, { accept: 'text/html' });
      await expectStatus(page, 200, 'GET /');
      const html = await page.text();
      if (!page.headers.get('content-type')?.startsWith('text/html')) {
        throw new Error(`GET / is ${page.headers.get('content-type') ?? 'untyped'}, not HTML`);
      }
      if (!page.headers.get('content-security-policy'))
        throw new Error('GET / has no Content-Security-Policy');
      const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      if (!script) throw new Error('the page loads no script from /assets/');
      const asset = await get(`${web}${script}`, signal);
      await expectStatus(asset, 200, `GET ${script}`);
      await asset.arrayBuffer();
      if (!asset.headers.get('cache-control')?.includes('immutable')) {
        throw new Error(`${script} is not cached as a hashed asset (${asset.headers.get('cache-control')})`);
      }
      return `index and ${script} served`;
    }),
    // The API's addresses are never answered with the app's page (a browser would run it as data).
    check('api-addresses-not-pages', timeoutMs, async (signal) => {
      const response = await get(`${web}/api/health`, signal, { accept: 'text/html' });
      await response.arrayBuffer();
      if (response.status === 200 && response.headers.get('content-type')?.startsWith('text/html')) {
        throw new Error("GET /api/health answered the app's page");
      }
      return `GET /api/health: ${response.status}, not the app's page`;
    }),
  ];
  return Promise.all([
    ...(target.component === 'web' ? [] : apiChecks()),
    ...(target.component === 'api' ? [] : webChecks()),
  ]);
}

export interface ExtensionCheckDeps {
  extensions: Pick<ExtensionServices, 'catalogue' | 'runner'>;
  /** Every registered garden's id. */
  gardenIds: () => Promise<string[]>;
}

/**
 * The gardens' extension self-tests: for each garden, each active version's test vectors and
 * the garden's golden cases for its hooks, run by this release's extension host (the same cases
 * as the rollout's self-tests, `activities/extensions/rollout-activities.ts`, nothing recorded);
 * and the canary must serve each garden's active browser module, the one the catalogue names.
 * The result says per extension how many cases ran. An active extension with no case at all
 * fails: zero cases passing would let any release through untested. A garden with no active
 * extension passes, saying so; so does a call when no garden is registered.
 */
export async function extensionSelfTests(
  deps: ExtensionCheckDeps,
  apiUrl: string,
  only: string[] | undefined,
  timeoutMs: number,
): Promise<CheckResult[]> {
  const registered = await deps.gardenIds();
  // An empty list of gardens is no list: checking none would pass without a case run.
  const named = only?.length ? only : undefined;
  const unknown = named?.filter((id) => !registered.includes(id)) ?? [];
  const gardens = named ? named.filter((id) => registered.includes(id)) : registered;
  const results: CheckResult[] = unknown.map((id) => ({
    name: `extensions ${id}`,
    passed: false,
    detail: 'no such garden',
  }));
  if (!named && gardens.length === 0) {
    results.push({
      name: 'extensions',
      passed: true,
      detail: 'no garden registered: no extension installed',
    });
  }
  const { catalogue, runner } = deps.extensions;
  const deadline = AbortSignal.timeout(timeoutMs);
  for (const gardenId of gardens) {
    if (deadline.aborted) {
      results.push({
        name: `extensions ${gardenId}`,
        passed: false,
        detail: `not run: ${timeoutMs} ms spent`,
      });
      continue;
    }
    results.push(
      await check(`extensions ${gardenId}`, timeoutMs, async () => {
        const set = await catalogue.activeSet(gardenId);
        if (set.active.length === 0) return 'no extension installed';
        // One verdict per extension (joined by |): how many cases ran, and which failed.
        const verdicts: string[] = [];
        let failed = false;
        for (const active of set.active) {
          const label = `${active.name} ${active.version}`;
          const vectors = await catalogue.modules.testVectors(gardenId, active.name, active.version);
          const failures: string[] = [];
          let ran = 0;
          for (const hook of active.hooks) {
            const golden = await catalogue.records.goldenCases(gardenId, hook);
            for (const testCase of [...(vectors[hook] ?? []), ...golden]) {
              if (deadline.aborted)
                throw new Error(`${timeoutMs} ms spent, at ${label} after ${ran} case(s)`);
              ran += 1;
              const answer = await runner.runVersion(gardenId, active, hook, testCase.input);
              if (answer.failure) {
                failures.push(`${hook} « ${testCase.name} »: ${answer.failure.kind}`);
              } else if (!sameJson(answer.output, testCase.output)) {
                failures.push(`${hook} « ${testCase.name} »: another answer`);
              }
            }
          }
          if (ran === 0) {
            failed = true;
            verdicts.push(
              `${label}: no case ran (no test vector, no golden case for ${active.hooks.join(', ')}): an extension without cases cannot be judged`,
            );
          } else if (failures.length > 0) {
            failed = true;
            verdicts.push(`${label}: ${failures.length} of ${ran} case(s) failed: ${failures.join('; ')}`);
          } else {
            verdicts.push(`${label}: ${ran} case(s) passed`);
          }
        }
        if (failed) throw new Error(verdicts.join(' | '));
        return verdicts.join(' | ');
      }),
    );
    results.push(
      await check(`canary extension modules ${gardenId}`, timeoutMs, async (signal) => {
        const expected =
          activeFor(await catalogue.activeSet(gardenId), 'sign-up-checks')?.contentHash ?? null;
        const url = `${base(apiUrl)}/api/gardens/${encodeURIComponent(gardenId)}/extension-modules/sign-up-checks`;
        const response = await get(url, signal);
        await expectStatus(response, 200, `GET ${url}`);
        const served = ((await response.json()) as { module: { contentHash: string } | null }).module;
        if ((served?.contentHash ?? null) !== expected) {
          throw new Error(
            `the canary serves ${served?.contentHash ?? 'no module'}, the catalogue says ${expected ?? 'none'}`,
          );
        }
        return expected
          ? `serves the active sign-up-checks module ${expected.slice(0, 12)}…`
          : 'no browser module, as the catalogue says';
      }),
    );
  }
  return results;
}
