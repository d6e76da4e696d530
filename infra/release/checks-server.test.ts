// The release checks service as Flagger calls it, against the real API on the local stack (a
// healthy canary), against a port where nothing listens and a stub answering 500 (broken ones).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../tests/support/api.ts';
import { createTestGarden } from '../../tests/support/environment.ts';
import { sampleUpload } from '../../tests/support/extensions.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../../tests/support/keycloak.ts';
import { canaryTargets, startChecksServer } from './checks-server.ts';

/** A built web app in miniature: the page and the hashed script it loads. */
function builtWebApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cocagne-release-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="fr"><head><title>Cocagne</title></head><body><div id="app"></div><script type="module" crossorigin src="/assets/index-5e1d0c.js"></script></body></html>',
  );
  writeFileSync(join(dir, 'assets', 'index-5e1d0c.js'), 'export const ready = true;\n');
  return dir;
}

/** A port nothing listens on: one the system just gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the release checks Flagger calls', () => {
  let api: TestApi;
  let apiUrl: string;
  let webDist: string;
  let checks: Awaited<ReturnType<typeof startChecksServer>>;
  let failing: ReturnType<typeof createServer>;
  let failingUrl: string;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    webDist = builtWebApp();
    api = await startTestApi('release-checks', { webDist });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    apiUrl = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
    checks = await startChecksServer(
      {
        extensions: {
          extensions: api.app.extensions!,
          gardenIds: async () => (await api.store.gardens.list()).map((garden) => garden.id),
        },
        checkTimeoutMs: 10_000,
        selfTestTimeoutMs: 30_000,
      },
      0,
      '127.0.0.1',
    );
    failing = createServer((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('upstream exploded');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;

    // Both gardens run quotient-familial 1.0.0, with its test vectors.
    const upload = await sampleUpload('quotient-familial');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    for (const gardenId of [api.gardenId, api.otherGardenId]) {
      await catalogue.upload(gardenId, upload, { by: { userId: 'u-admin', name: 'Admin' }, at });
      await catalogue.activate(gardenId, upload.manifest.name, upload.manifest.version, { at });
    }
  });
  afterAll(async () => {
    await checks?.close();
    await new Promise<void>((resolve) => (failing ? failing.close(() => resolve()) : resolve()));
    await deleteAccounts(accounts);
    await api?.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  async function call(path: string, metadata: Record<string, string>) {
    const response = await fetch(`${checks.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'cocagne-api',
        namespace: 'cocagne',
        phase: 'Progressing',
        checksum: '85d557f47b',
        metadata,
      }),
    });
    return { status: response.status, lines: (await response.text()).trim().split('\n') };
  }

  it('passes the smoke checks of a healthy canary, naming each', async () => {
    const { status, lines } = await call('/smoke', { target: apiUrl });
    expect(lines).toEqual([
      'ok api-health: GET /api/health: ok',
      expect.stringMatching(/^ok openapi-description: OpenAPI 3\.\d+\.\d+, \d+ paths$/),
      'ok protected-route-refused: GET /api/me without a token: 401',
      expect.stringMatching(/^ok public-gardens: GET \/api\/gardens: \d+ garden\(s\)$/),
      'ok web-app: index and /assets/index-5e1d0c.js served',
      "ok api-addresses-not-pages: GET /api/health: 200, not the app's page",
    ]);
    expect(status).toBe(200);
  });

  it('fails every smoke check of a canary that does not answer, saying so', async () => {
    const { status, lines } = await call('/smoke', { target: `http://127.0.0.1:${await closedPort()}` });
    expect(status).toBe(500);
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).toMatch(/^FAILED [a-z-]+: fetch failed: ECONNREFUSED/);
  });

  it('fails the smoke checks of a canary answering 500, with what it answered', async () => {
    const { status, lines } = await call('/smoke', { target: failingUrl });
    expect(status).toBe(500);
    expect(lines).toContain(
      'FAILED api-health: GET /api/health answered 500 instead of 200: upstream exploded',
    );
    expect(lines).toContain(
      'FAILED protected-route-refused: GET /api/me without a token answered 500 instead of 401: upstream exploded',
    );
  });

  it('checks only what the component serves: the API, or the web app', async () => {
    const api = await call('/smoke', { target: apiUrl, component: 'api' });
    expect(api.lines.map((line) => line.split(':')[0])).toEqual([
      'ok api-health',
      'ok openapi-description',
      'ok protected-route-refused',
      'ok public-gardens',
    ]);
    expect(api.status).toBe(200);
    const web = await call('/smoke', { target: failingUrl, component: 'web' });
    expect(web).toEqual({
      status: 500,
      lines: [
        'FAILED web-app: GET / answered 500 instead of 200: upstream exploded',
        "ok api-addresses-not-pages: GET /api/health: 500, not the app's page",
      ],
    });
  });

  it("runs a garden's extension self-tests and checks the canary serves its modules", async () => {
    const { status, lines } = await call('/extension-self-tests', { target: apiUrl, gardens: api.gardenId });
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ok extensions ${api.gardenId}: quotient-familial 1\\.0\\.0: [1-9]\\d* test vector\\(s\\) passed$`,
        ),
      ),
      `ok canary extension modules ${api.gardenId}: no browser module, as the catalogue says`,
    ]);
    expect(status).toBe(200);
  });

  /** A garden admin of a garden, who may add and delete its golden cases (the extensions page). */
  async function gardenAdminOf(gardenId: string) {
    const account = await createAccount({ role: 'garden-admin', gardenId });
    accounts.push(account);
    const goldenCases = `/api/gardens/${gardenId}/extensions/golden-cases`;
    return {
      add: async (golden: { hook: string; name: string; input: unknown; output: unknown }) => {
        const response = await api.call(account, 'POST', goldenCases, golden);
        expect(response.statusCode, response.body).toBe(201);
        return response.json<{ id: string }>().id;
      },
      remove: async (hook: string, id: string) =>
        expect((await api.call(account, 'DELETE', `${goldenCases}/${hook}/${id}`)).statusCode).toBe(204),
    };
  }

  it("only warns when a garden's golden case gets another answer: the garden may change it at any time", async () => {
    const vectors = await api.app.extensions!.catalogue.modules.testVectors(
      api.otherGardenId,
      'quotient-familial',
      '1.0.0',
    );
    const [vector] = vectors['solidarity-price'] ?? [];
    const admin = await gardenAdminOf(api.otherGardenId);
    const id = await admin.add({
      hook: 'solidarity-price',
      name: 'tarif plein attendu',
      input: vector!.input,
      output: { tierId: null, basketPrice: 1700 },
    });
    const gardens = `${api.gardenId}, ${api.otherGardenId}`;
    const { status, lines } = await call('/extension-self-tests', { target: apiUrl, gardens });
    expect(lines[0]).toMatch(new RegExp(`^ok extensions ${api.gardenId}: `));
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ok extensions ${api.otherGardenId}: quotient-familial 1\\.0\\.0: [1-9]\\d* test vector\\(s\\) passed; golden cases \\(warnings only\\): 0 passed, 1 failed$`,
        ),
      ),
      `warning extensions ${api.otherGardenId}: quotient-familial 1.0.0 : 1 cas de référence sur 1 en échec (n’arrête pas la mise en production) : solidarity-price « tarif plein attendu » : autre réponse (en: quotient-familial 1.0.0: 1 of 1 golden case(s) failed (does not stop the release): solidarity-price « tarif plein attendu »: another answer)`,
      `ok canary extension modules ${api.otherGardenId}: no browser module, as the catalogue says`,
    ]);
    expect(status).toBe(200);

    // Deleted, it leaves the test vectors' verdict alone, without a warning.
    await admin.remove('solidarity-price', id);
    const after = await call('/extension-self-tests', { target: apiUrl, gardens: api.otherGardenId });
    expect(after.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ok extensions ${api.otherGardenId}: quotient-familial 1\\.0\\.0: [1-9]\\d* test vector\\(s\\) passed$`,
        ),
      ),
      `ok canary extension modules ${api.otherGardenId}: no browser module, as the catalogue says`,
    ]);
    expect(after.status).toBe(200);
  });

  it('fails when a test vector gets another answer from this release, naming it', async () => {
    // The version passed its vectors at its activation, with the platform of then: one that gets
    // another answer now is this release breaking it (here the vector is altered instead).
    const { gardenId } = await createTestGarden(api.store, 'release-broken');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    const upload = await sampleUpload('quotient-familial');
    const [first, ...others] = upload.testVectors['solidarity-price'] ?? [];
    const broken = {
      ...upload,
      testVectors: {
        ...upload.testVectors,
        'solidarity-price': [{ ...first!, output: { tierId: null, basketPrice: 1 } }, ...others],
      },
    };
    await catalogue.upload(gardenId, broken, { by: { userId: 'u-admin', name: 'Admin' }, at });
    await catalogue.activate(gardenId, upload.manifest.name, upload.manifest.version, { at });
    const { status, lines } = await call('/extension-self-tests', { target: apiUrl, gardens: gardenId });
    expect(lines).toEqual([
      `FAILED extensions ${gardenId}: quotient-familial 1.0.0: 1 of ${others.length + 1} test vector(s) failed: solidarity-price « ${first!.name} »: another answer`,
      `ok canary extension modules ${gardenId}: no browser module, as the catalogue says`,
    ]);
    expect(status).toBe(500);
  });

  it('does not judge an active extension without test vectors, says so, and its golden cases cannot fail the check', async () => {
    // A garden running quotient-familial (with its test vectors) and panier-solidaire uploaded
    // without any (made active before uploads without a case were refused): its garden admin
    // adds a golden case for sign-up-checks, then deletes it, its last.
    const { gardenId } = await createTestGarden(api.store, 'release-untested');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    const by = { userId: 'u-admin', name: 'Admin' };
    const tested = await sampleUpload('quotient-familial');
    const panier = await sampleUpload('panier-solidaire');
    for (const upload of [tested, { ...panier, testVectors: {} }]) {
      await catalogue.upload(gardenId, upload, { by, at });
      await catalogue.activate(gardenId, upload.manifest.name, upload.manifest.version, { at });
    }
    const notJudged = `warning extensions ${gardenId}: panier-solidaire 1.0.0 : non jugée par la mise en production (aucun vecteur de test) ; ses cas de référence ne l’arrêtent pas, le jardin pouvant les changer à tout moment. Une prochaine version avec des vecteurs de test (test-vectors.json) arrêtera une version de la plateforme qui la casse. (en: panier-solidaire 1.0.0: not judged by the release (no test vector); its golden cases do not stop a release, since the garden may change them at any time. A next version with test vectors (test-vectors.json) will stop a platform release that breaks it.)`;
    const testedLine = `ok extensions ${gardenId}: quotient-familial 1\\.0\\.0: [1-9]\\d* test vector\\(s\\) passed \\| panier-solidaire 1\\.0\\.0: not judged by the release \\(no test vector\\)`;
    const modulesLine = expect.stringMatching(
      new RegExp(`^ok canary extension modules ${gardenId}: serves the active sign-up-checks module `),
    );

    const admin = await gardenAdminOf(gardenId);
    const [vector] = panier.testVectors['sign-up-checks'] ?? [];
    const id = await admin.add({
      hook: 'sign-up-checks',
      name: 'formulaire vide',
      input: vector!.input,
      output: vector!.output,
    });
    const withGolden = await call('/extension-self-tests', { target: apiUrl, gardens: gardenId });
    expect(withGolden.lines).toEqual([
      expect.stringMatching(
        new RegExp(`^${testedLine}; golden cases \\(warnings only\\): 1 passed, 0 failed$`),
      ),
      notJudged,
      modulesLine,
    ]);
    expect(withGolden.status).toBe(200);

    await admin.remove('sign-up-checks', id);
    const without = await call('/extension-self-tests', { target: apiUrl, gardens: gardenId });
    expect(without.lines).toEqual([
      expect.stringMatching(new RegExp(`^${testedLine}$`)),
      notJudged,
      modulesLine,
    ]);
    expect(without.status).toBe(200);
  });

  it('passes a garden with no extension installed, and a cluster with no garden, saying so', async () => {
    const { gardenId } = await createTestGarden(api.store, 'release-bare');
    const bare = await call('/extension-self-tests', { target: apiUrl, gardens: gardenId });
    expect(bare).toEqual({
      status: 200,
      lines: [
        `ok extensions ${gardenId}: no extension installed`,
        `ok canary extension modules ${gardenId}: no browser module, as the catalogue says`,
      ],
    });
    const empty = await startChecksServer(
      {
        extensions: { extensions: api.app.extensions!, gardenIds: async () => [] },
        checkTimeoutMs: 2_000,
        selfTestTimeoutMs: 2_000,
      },
      0,
      '127.0.0.1',
    );
    try {
      const response = await fetch(`${empty.url}/extension-self-tests`, {
        method: 'POST',
        body: JSON.stringify({ name: 'cocagne-api', namespace: 'cocagne', metadata: { target: apiUrl } }),
      });
      expect([response.status, await response.text()]).toEqual([
        200,
        'ok extensions: no garden registered: no extension installed\n',
      ]);
    } finally {
      await empty.close();
    }
  });

  it('fails the self-tests of a garden that does not exist, and of a canary that does not answer', async () => {
    const unknown = await call('/extension-self-tests', { target: apiUrl, gardens: 't-no-such-garden' });
    expect(unknown).toEqual({ status: 500, lines: ['FAILED extensions t-no-such-garden: no such garden'] });
    const down = await call('/extension-self-tests', { target: failingUrl, gardens: api.gardenId });
    expect(down.status).toBe(500);
    expect(down.lines[1]).toMatch(
      new RegExp(`^FAILED canary extension modules ${api.gardenId}: GET .* answered 500 instead of 200`),
    );
  });

  it('rolls a canary back once an operator asked, once, and only that canary', async () => {
    const canary = { name: 'cocagne-api', namespace: 'cocagne' };
    const post = async (path: string, body: object) => {
      const response = await fetch(`${checks.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
      return [response.status, await response.text()];
    };
    expect(await post('/rollback', { ...canary, phase: 'Progressing' })).toEqual([
      403,
      'no rollback of cocagne/cocagne-api asked\n',
    ]);
    expect(await post('/rollback/open', canary)).toEqual([
      202,
      'rollback of cocagne/cocagne-api asked: Flagger rolls it back at its next check\n',
    ]);
    expect(
      (await post('/rollback', { name: 'cocagne-web', namespace: 'cocagne', phase: 'Progressing' }))[0],
    ).toBe(403);
    const [status, text] = await post('/rollback', { ...canary, phase: 'Progressing' });
    expect([status, text]).toEqual([
      200,
      expect.stringMatching(/^roll back cocagne\/cocagne-api: asked by an operator at /),
    ]);
    expect((await post('/rollback', { ...canary, phase: 'Progressing' }))[0]).toBe(403);
    await post('/rollback/open', canary);
    expect(await post('/rollback/close', canary)).toEqual([
      200,
      'rollback of cocagne/cocagne-api no longer asked\n',
    ]);
    expect((await post('/rollback', { ...canary, phase: 'Waiting' }))[0]).toBe(403);
  });

  it('checks only the canaries it is allowed to, as deployed: no other address is fetched', async () => {
    const guarded = await startChecksServer(
      {
        extensions: { extensions: api.app.extensions!, gardenIds: async () => [] },
        checkTimeoutMs: 2_000,
        selfTestTimeoutMs: 2_000,
        allowedTargets: new RegExp(canaryTargets),
      },
      0,
      '127.0.0.1',
    );
    try {
      for (const target of [
        'http://169.254.169.254/latest/meta-data',
        apiUrl,
        'http://cocagne-api-canary.evil.example:8080',
      ]) {
        const response = await fetch(`${guarded.url}/smoke`, {
          method: 'POST',
          body: JSON.stringify({
            name: 'cocagne-api',
            namespace: 'cocagne',
            phase: 'Progressing',
            metadata: { target },
          }),
        });
        expect([response.status, await response.text()], target).toEqual([
          400,
          `metadata.target ${target} is not a canary this service checks\n`,
        ]);
      }
      expect(new RegExp(canaryTargets).test('http://cocagne-api-canary.cocagne:8080')).toBe(true);
      expect(new RegExp(canaryTargets).test('http://cocagne-web-canary.cocagne:8080')).toBe(true);
    } finally {
      await guarded.close();
    }
  });

  it('refuses what is not a webhook call it understands, with the reason', async () => {
    const noTarget = await call('/smoke', {});
    expect(noTarget).toEqual({
      status: 400,
      lines: ["metadata.target must be the canary's http(s) address"],
    });
    const component = await call('/smoke', { target: apiUrl, component: 'worker' });
    expect(component).toEqual({
      status: 400,
      lines: ['metadata.component must be api or web (absent: both at the same address)'],
    });
    const notJson = await fetch(`${checks.url}/smoke`, { method: 'POST', body: 'canary?' });
    expect([notJson.status, await notJson.text()]).toEqual([400, 'the body is not JSON\n']);
    const get = await fetch(`${checks.url}/smoke`);
    expect(get.status).toBe(405);
    const health = await fetch(`${checks.url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  });
});
