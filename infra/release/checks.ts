// The release checks Flagger runs against a canary before and during its rollout: the smoke
// checks (the API, its description, the web app, access control, a public read) and the garden
// extensions' self-tests. Each check is named and bounded in time; its result says why it failed.
import { activeFor, type ActiveExtension } from '../../domain/extensions/catalogue.ts';
import type { Localized } from '../../domain/locale.ts';
import { sameJson } from '../../domain/extension-rollout.ts';
import type { ExtensionServices } from '../../activities/extensions/services.ts';

export interface CheckResult {
  name: string;
  passed: boolean;
  /** What was seen: on failure, why, in a sentence an operator reads in Flagger's events. */
  detail: string;
  /** What does not fail the check but someone should act on, French first. */
  warnings?: Localized[];
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

interface Case {
  name: string;
  input: unknown;
  output: unknown;
}

/** A case that did not get its expected answer: the module failed (its kind), or answered another. */
interface CaseFailure {
  hook: string;
  name: string;
  kind?: string;
}

/** How one kind of case (test vectors, golden cases) went for an active version. */
interface CaseTally {
  ran: number;
  failures: CaseFailure[];
}

const failuresIn = (failures: CaseFailure[], locale: 'fr' | 'en') =>
  failures
    .map(({ hook, name, kind }) =>
      locale === 'fr'
        ? `${hook} « ${name} » : ${kind ?? 'autre réponse'}`
        : `${hook} « ${name} »: ${kind ?? 'another answer'}`,
    )
    .join(locale === 'fr' ? ' ; ' : '; ');

/** An active version's cases as the release ran them. */
interface Judgement {
  active: ActiveExtension;
  label: string;
  vectors: CaseTally;
  golden: CaseTally & {
    /** The self-tests' time ran out before every golden case ran. */
    unfinished?: boolean;
    /** The garden's golden cases could not be read. */
    unreadable?: string;
  };
}

/** A garden's share of the self-tests: its judgements, or why they could not be made. */
interface GardenRun {
  gardenId: string;
  judgements: Judgement[];
  error?: string;
}

/**
 * What a release does not judge an active version by, or what its garden's golden cases say
 * against it: warnings, French first (a garden's admin acts on them), which never fail the check.
 */
const warningsOf = ({ label, vectors, golden }: Judgement, timeoutMs: number): Localized[] => {
  const warnings: Localized[] = [];
  if (vectors.ran === 0) {
    warnings.push({
      fr: `${label} : non jugée par la mise en production (aucun vecteur de test) ; ses cas de référence ne l’arrêtent pas, le jardin pouvant les changer à tout moment. Une prochaine version avec des vecteurs de test (test-vectors.json) arrêtera une version de la plateforme qui la casse.`,
      en: `${label}: not judged by the release (no test vector); its golden cases do not stop a release, since the garden may change them at any time. A next version with test vectors (test-vectors.json) will stop a platform release that breaks it.`,
    });
  }
  if (golden.failures.length > 0) {
    warnings.push({
      fr: `${label} : ${golden.failures.length} cas de référence sur ${golden.ran} en échec (n’arrête pas la mise en production) : ${failuresIn(golden.failures, 'fr')}`,
      en: `${label}: ${golden.failures.length} of ${golden.ran} golden case(s) failed (does not stop the release): ${failuresIn(golden.failures, 'en')}`,
    });
  }
  if (golden.unfinished) {
    warnings.push({
      fr: `${label} : cas de référence pas tous joués, les ${timeoutMs} ms des auto-tests écoulées (${golden.ran} joué(s))`,
      en: `${label}: golden cases not all run, the self-tests' ${timeoutMs} ms spent (${golden.ran} ran)`,
    });
  }
  if (golden.unreadable) {
    warnings.push({
      fr: `${label} : cas de référence du jardin illisibles (${golden.unreadable})`,
      en: `${label}: the garden's golden cases could not be read (${golden.unreadable})`,
    });
  }
  return warnings;
};

/** One verdict per active version: its test vectors' (which judge the release), then its golden cases'. */
function verdictOf({ label, vectors, golden }: Judgement): { failed: boolean; text: string } {
  const failed = vectors.failures.length > 0;
  const judged =
    vectors.ran === 0
      ? 'not judged by the release (no test vector)'
      : failed
        ? `${vectors.failures.length} of ${vectors.ran} test vector(s) failed: ${failuresIn(vectors.failures, 'en')}`
        : `${vectors.ran} test vector(s) passed`;
  const goldenPassed = golden.ran - golden.failures.length;
  const goldenText =
    golden.ran === 0 && !golden.unfinished && !golden.unreadable
      ? ''
      : `; golden cases (warnings only): ${goldenPassed} passed, ${golden.failures.length} failed${golden.unfinished ? ', not all run' : ''}${golden.unreadable ? ', unreadable' : ''}`;
  return { failed, text: `${label}: ${judged}${goldenText}` };
}

/**
 * The gardens' extension self-tests, run by this release's extension host with nothing
 * recorded, and the canary must serve each garden's active browser module, the one the
 * catalogue names.
 *
 * What fails the check is what only the platform can change: each active version's test
 * vectors, fixed with the version and passed by it at its activation (the rollout's self-tests,
 * `activities/extensions/rollout-activities.ts`), so a vector failing now is this release
 * breaking the extension. The garden's golden cases run too, after every garden's vectors, but
 * only warn: a garden admin adds or deletes them at any time, and one of them could otherwise
 * block every platform release. An active version with no test vector is not judged by the
 * release, and the answer says so in a warning rather than passing it silently.
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
  const failureOf = async (
    gardenId: string,
    active: ActiveExtension,
    hook: string,
    testCase: Case,
  ): Promise<CaseFailure | undefined> => {
    const answer = await runner.runVersion(gardenId, active, hook, testCase.input);
    if (answer.failure) return { hook, name: testCase.name, kind: answer.failure.kind };
    if (!sameJson(answer.output, testCase.output)) return { hook, name: testCase.name };
    return undefined;
  };

  // First every garden's test vectors, which judge the release, then the golden cases with the
  // time left: a garden's many golden cases cannot starve another garden's vectors.
  const runs: GardenRun[] = [];
  for (const gardenId of gardens) {
    const run: GardenRun = { gardenId, judgements: [] };
    runs.push(run);
    if (deadline.aborted) {
      run.error = `not run: ${timeoutMs} ms spent`;
      continue;
    }
    try {
      const set = await catalogue.activeSet(gardenId);
      for (const active of set.active) {
        const judgement: Judgement = {
          active,
          label: `${active.name} ${active.version}`,
          vectors: { ran: 0, failures: [] },
          golden: { ran: 0, failures: [] },
        };
        run.judgements.push(judgement);
        const vectors = await catalogue.modules.testVectors(gardenId, active.name, active.version);
        for (const hook of active.hooks) {
          for (const testCase of vectors[hook] ?? []) {
            if (deadline.aborted) {
              throw new Error(
                `${timeoutMs} ms spent, at ${judgement.label} after ${judgement.vectors.ran} test vector(s)`,
              );
            }
            judgement.vectors.ran += 1;
            const failure = await failureOf(gardenId, active, hook, testCase);
            if (failure) judgement.vectors.failures.push(failure);
          }
        }
      }
    } catch (error) {
      run.error = reasonOf(error, timeoutMs);
    }
  }
  for (const run of runs) {
    if (run.error) continue;
    for (const judgement of run.judgements) {
      const { active, golden } = judgement;
      try {
        for (const hook of active.hooks) {
          for (const testCase of await catalogue.records.goldenCases(run.gardenId, hook)) {
            if (deadline.aborted) {
              golden.unfinished = true;
              break;
            }
            golden.ran += 1;
            const failure = await failureOf(run.gardenId, active, hook, testCase);
            if (failure) golden.failures.push(failure);
          }
        }
      } catch (error) {
        golden.unreadable = reasonOf(error, timeoutMs);
      }
    }
  }

  for (const run of runs) {
    const { gardenId } = run;
    if (run.error) {
      results.push({ name: `extensions ${gardenId}`, passed: false, detail: run.error });
    } else if (run.judgements.length === 0) {
      results.push({ name: `extensions ${gardenId}`, passed: true, detail: 'no extension installed' });
    } else {
      const verdicts = run.judgements.map(verdictOf);
      const warnings = run.judgements.flatMap((judgement) => warningsOf(judgement, timeoutMs));
      results.push({
        name: `extensions ${gardenId}`,
        passed: verdicts.every((verdict) => !verdict.failed),
        detail: verdicts.map((verdict) => verdict.text).join(' | '),
        ...(warnings.length > 0 ? { warnings } : {}),
      });
    }
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
