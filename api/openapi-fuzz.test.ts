import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gardenDay } from '../domain/calendar.ts';
import type { Role } from '../domain/roles.ts';
import { createRetentionReportStore } from '../adapters/store/retention-report-store.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { issueTestInvoice, printTestInvoice } from '../tests/support/billing.ts';
import { testEnvironment } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/**
 * The API as its OpenAPI description says, checked by Schemathesis (PyPI, pinned in
 * infra/local/versions.ts): for every operation of /docs/json it generates requests, valid
 * ones and broken ones, with a real token of each role, and checks each answer: never a 5xx;
 * only the status codes, content types and headers the description lists; bodies that match
 * their schema; a request the description accepts is never refused as malformed (400; a rule
 * of the garden refuses with 422); a request it refuses is never accepted. A fixed seed and a
 * bounded number of examples keep it reproducible and short (93 s alone on 2 cores). When it fails, the
 * assertion message is Schemathesis's report, with a curl command for each failure.
 */

const schemathesis = testEnvironment().SCHEMATHESIS_PATH ?? '';

/** Checks run on every answer (see `schemathesis run --help`). */
const checks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'positive_data_acceptance',
  'negative_data_rejection',
];

interface FuzzRun {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<FuzzRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const toml = (value: string) => JSON.stringify(value);

describe('the API as its OpenAPI description says (Schemathesis)', () => {
  let api: TestApi;
  let baseUrl: string;
  let workDir: string;
  let gardenAdmin: TestAccount;
  let networkAdmin: TestAccount;
  const ids = {
    memberIds: [] as string[],
    subscriptionIds: [] as string[],
    depotIds: [] as string[],
    productIds: [] as string[],
    invoiceNumbers: [] as number[],
  };
  /** Real page cursors, per list: a cursor is made by the API, so generated text is never one. */
  const cursors = {
    members: [] as string[],
    notifications: [] as string[],
    retentionReports: [] as string[],
  };

  beforeAll(async () => {
    expect(existsSync(schemathesis), `Schemathesis at ${schemathesis}: run \`npm test\``).toBe(true);
    // Thousands of requests a minute from one account: far past the rate limits, which would
    // answer 429 to most of them and leave the rest of the API untried. (Typed loosely: the
    // option exists only where the rate limits do.)
    const unlimited = { max: 1_000_000, windowSeconds: 60 };
    const start: (purpose: string, options: object) => ReturnType<typeof startTestApi> = startTestApi;
    api = await start('fuzz', {
      rateLimits: { writes: unlimited, signUps: unlimited, calendarFeeds: unlimited, publicReads: unlimited },
      // The network gardens routes, with a network worker of the test's own: a valid creation
      // runs the real saga (its gardens are removed when the test API closes).
      network: true,
    });
    [gardenAdmin, networkAdmin] = await Promise.all([
      createAccount({ role: 'garden-admin', gardenId: api.gardenId }),
      createAccount({ role: 'network-admin' }),
    ]);
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const address = api.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the API listens on no port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    workDir = await mkdtemp(join(tmpdir(), 'cocagne-fuzz-'));

    // Real records, so that generated requests also reach them, not only 404s.
    const garden = `/api/gardens/${api.gardenId}`;
    const other = await api.createMember({ firstName: 'Jean', lastName: 'Moulin' });
    const applied = await api.call(api.accounts.staff, 'POST', `${garden}/subscriptions`, {
      memberId: api.member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: gardenDay(new Date()),
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const subscriptionId = applied.json<{ id: string }>().id;
    const approved = await api.call(
      api.accounts.staff,
      'POST',
      `${garden}/subscriptions/${subscriptionId}/decision`,
      {
        decision: 'approve',
      },
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const product = await api.call(api.accounts.staff, 'POST', `${garden}/products`, {
      name: 'Carottes',
      unit: 'kg',
      active: true,
    });
    expect(product.statusCode, product.body).toBe(201);
    const invoice = await issueTestInvoice(api, api.member.id, { total: 1700, dueOn: gardenDay(new Date()) });
    await printTestInvoice(api, invoice.number);

    // Two messages of the member, so their list has a second page (and so a cursor).
    for (const index of [1, 2]) {
      await api.store.notifications.claim({
        idempotencyKey: `fuzz/${api.member.id}/${index}`,
        gardenId: api.gardenId,
        memberId: api.member.id,
        kind: 'subscription-approved',
        subject: 'Votre abonnement est validé',
        now: new Date(Date.now() - index * 1000).toISOString(),
      });
    }
    const firstMembers = await api.call(api.accounts.staff, 'GET', `${garden}/members?limit=1`);
    cursors.members = [firstMembers.json<{ nextCursor: string }>().nextCursor];
    const firstMessages = await api.call(
      api.accounts.staff,
      'GET',
      `${garden}/members/${api.member.id}/notifications?limit=1`,
    );
    cursors.notifications = [firstMessages.json<{ nextCursor: string }>().nextCursor];
    // Two nights of the retention sweep, so their reports have a second page.
    const reports = createRetentionReportStore(api.store.db, api.store.tables);
    for (const night of [1, 2]) {
      await reports.save({
        gardenId: api.gardenId,
        ranAt: new Date(Date.now() - night * 86_400_000).toISOString(),
        timeZone: 'Europe/Paris',
        rules: [],
      });
    }
    const firstReports = await api.call(gardenAdmin, 'GET', `${garden}/retention-reports?limit=1`);
    cursors.retentionReports = [firstReports.json<{ nextCursor: string }>().nextCursor];
    expect(cursors, 'a second page of members, of messages and of retention reports').toEqual({
      members: [expect.any(String)],
      notifications: [expect.any(String)],
      retentionReports: [expect.any(String)],
    });

    ids.memberIds = [api.member.id, other.id];
    ids.subscriptionIds = [subscriptionId];
    ids.depotIds = [api.depotId];
    ids.productIds = [product.json<{ id: string }>().id];
    ids.invoiceNumbers = [invoice.number];
  });

  afterAll(async () => {
    await deleteAccounts([gardenAdmin, networkAdmin].filter(Boolean));
    await api?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** The Schemathesis configuration for one caller: its token, and the test's own records. */
  function configFor(token: string): string {
    const dictionary = (values: readonly (string | number)[]) =>
      `{ values = [${values.map((value) => (typeof value === 'number' ? String(value) : toml(value))).join(', ')}] }`;
    const bind = (name: string, probability: number) =>
      `{ dictionary = ${toml(name)}, probability = ${probability} }`;
    return [
      `base-url = ${toml(baseUrl)}`,
      `headers = { Authorization = ${toml(`Bearer ${token}`)} }`,
      '',
      '[dictionaries]',
      `gardens = ${dictionary([api.gardenId])}`,
      `members = ${dictionary(ids.memberIds)}`,
      `subscriptions = ${dictionary(ids.subscriptionIds)}`,
      `depots = ${dictionary(ids.depotIds)}`,
      `products = ${dictionary(ids.productIds)}`,
      `invoices = ${dictionary(ids.invoiceNumbers)}`,
      '',
      '[parameters]',
      `"path.gardenId" = ${bind('gardens', 0.9)}`,
      `"path.memberId" = ${bind('members', 0.6)}`,
      `"path.subscriptionId" = ${bind('subscriptions', 0.6)}`,
      `"path.depotId" = ${bind('depots', 0.6)}`,
      `"path.productId" = ${bind('products', 0.6)}`,
      `"path.number" = ${bind('invoices', 0.6)}`,
      `"body.memberId" = ${bind('members', 0.6)}`,
      `"body.depotId" = ${bind('depots', 0.6)}`,
      '',
      // Values seen in answers are not reused elsewhere: a run depends on the seed alone, not on
      // what earlier requests happened to create (and a cursor of one list is no cursor of another).
      '[phases.coverage]',
      'extra-data-sources = { responses = false }',
      '[phases.fuzzing]',
      'extra-data-sources = { responses = false }',
      '',
      '[checks]',
      'enabled = false',
      ...checks.map((name) => `${name}.enabled = true`),
      // A schema-valid request may still be refused by the garden's rules (422): only a 400
      // says the description let through what the API then refused.
      'positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]',
      '',
      '[[operations]]',
      'include-path = "/api/gardens/{gardenId}/members"',
      // A cursor belongs to its list: this garden's members (a network administrator may ask
      // for any garden's, which refuses it).
      `parameters = { "query.cursor" = ${toml(cursors.members[0] ?? '')}, "path.gardenId" = ${toml(api.gardenId)} }`,
      '',
      '[[operations]]',
      'include-path = "/api/gardens/{gardenId}/members/{memberId}/notifications"',
      // The cursor of one member's messages, with that member (another's list refuses it).
      `parameters = { "query.cursor" = ${toml(cursors.notifications[0] ?? '')}, "path.gardenId" = ${toml(api.gardenId)}, "path.memberId" = ${toml(api.member.id)} }`,
      '',
      '[[operations]]',
      'include-path = "/api/gardens/{gardenId}/retention-reports"',
      `parameters = { "query.cursor" = ${toml(cursors.retentionReports[0] ?? '')}, "path.gardenId" = ${toml(api.gardenId)} }`,
      '',
      // Stripe signs its events with a secret: no generated request can carry a valid signature.
      '[[operations]]',
      'include-path = "/api/stripe/webhook"',
      'checks.positive_data_acceptance.enabled = false',
      '',
    ].join('\n');
  }

  /** How hard each caller is tried: `coverage` adds every boundary value of every parameter. */
  interface Effort {
    phases: 'coverage,fuzzing' | 'coverage' | 'fuzzing';
    examples: number;
  }

  async function fuzzAs(role: Role | 'anonymous', account: TestAccount | undefined, effort: Effort) {
    const token = account ? await account.token() : 'none';
    const configFile = join(workDir, `${role}.toml`);
    await writeFile(configFile, configFor(token));
    const args = [
      '--config-file',
      configFile,
      'run',
      `${baseUrl}/docs/json`,
      '--phases',
      effort.phases,
      '--max-examples',
      String(effort.examples),
      // A fixed seed: the same requests each run, and a failure can be replayed.
      '--seed',
      '20261205',
      '--workers',
      '1',
      '--generation-database',
      'none',
      '--no-color',
    ];
    const started = performance.now();
    const result = await run(schemathesis, args, workDir);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const summary = result.output
      .split('\n')
      .filter((line) => /^\s*\S+\s+(Coverage|Fuzzing) \(in|^\s*\d+ generated/.test(line))
      .map((line) => line.trim())
      .join('; ');
    console.log(`Schemathesis as ${role}: exit ${result.code} in ${seconds} s (${summary})`);
    expect(result.code, `Schemathesis as ${role} found problems:\n${result.output}`).toBe(0);
  }

  // One run per role, each with a real token of the test's garden (a network administrator
  // belongs to none): what each may do, and what each is refused, both as described. A garden
  // administrator reaches every operation staff reach and more, so that run has the most
  // examples; most of what the others send is refused before any input is read, so fewer
  // examples tell as much.
  //
  // `npm test`'s run is kept short (its 20-minute budget): random examples only. Every boundary
  // value of every parameter (Schemathesis's coverage phase, 7,615 requests as staff, 526 s of
  // a fresh clone's run on 2 cores, half the file's time) is sent by the deeper run before a
  // release, `FUZZ_SCALE=5 npm test -- api/openapi-fuzz`, which also multiplies every count
  // (bench/README.md). The examples were 10, 8, 6, 5, 3 and 3 until 2026-12-06, then 6, 4, 4, 3,
  // 2 and 2 with the staff's boundary values until 2026-12-07.
  const scale = Math.max(1, Math.min(50, Number(process.env.FUZZ_SCALE ?? '1') || 1));
  const examples = (count: number) => Math.round(count * scale);
  const callers: Array<[Role | 'anonymous', () => TestAccount | undefined, Effort]> = [
    [
      'staff',
      () => api.accounts.staff,
      { phases: scale > 1 ? 'coverage,fuzzing' : 'fuzzing', examples: examples(1) },
    ],
    ['member', () => api.accounts.member, { phases: 'fuzzing', examples: examples(2) }],
    ['garden-admin', () => gardenAdmin, { phases: 'fuzzing', examples: examples(3) }],
    ['network-admin', () => networkAdmin, { phases: 'fuzzing', examples: examples(2) }],
    ['driver', () => api.accounts.driver, { phases: 'fuzzing', examples: examples(1) }],
    ['anonymous', () => undefined, { phases: 'fuzzing', examples: examples(1) }],
  ];
  for (const [role, account, effort] of callers) {
    it(
      `holds for ${role === 'anonymous' ? 'a caller without a token' : `a ${role} account`}`,
      async () => {
        await fuzzAs(role, account(), effort);
      },
      // The staff's coverage phase of a deeper run took 385 s in a fresh run on a slow day.
      900_000 * scale,
    );
  }
});
