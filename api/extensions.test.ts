import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload, type SampleUpload } from '../tests/support/extensions.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { extensionRolloutProcessId } from '../workflows/extension-rollout/contract.ts';

const poll = { timeout: 30_000, interval: 300 };

interface VersionView {
  name: string;
  version: string;
  status: string;
  manifest: { author: string };
  selfTests?: { passed: boolean; total: number };
  diff?: { compared: number };
  history: Array<{ what: { fr: string } }>;
  figures: { calls: number; failureRate: number };
}
interface ExtensionsView {
  active: { revision: number; active: Array<{ name: string; version: string }> };
  hooks: Array<{ name: string }>;
  extensions: Array<{ name: string; rollout: { phase: string } | null; versions: VersionView[] }>;
  goldenCases: Array<{ id: string; hook: string; name: string }>;
}

/**
 * A garden's extensions through the API on the real stack (Temporal dev server with the
 * garden's worker, S3, DynamoDB, Keycloak): upload, the rollout's checks and self-tests, approval
 * by a garden admin, rollback, rejection, golden cases, the network admin's upload, who may do
 * what, and uploads that must be refused with nothing stored.
 */
describe('extensions', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;
  let networkAdmin: TestAccount;
  let quotient: SampleUpload;
  let panier: SampleUpload;
  const started: Array<[string, string]> = [];
  const url = (suffix = '') => `/api/gardens/${api.gardenId}/extensions${suffix}`;
  const body = (sample: SampleUpload, changes: Record<string, unknown> = {}) => ({
    manifest: sample.manifest,
    testVectors: sample.testVectors,
    module: Buffer.from(sample.module).toString('base64'),
    ...changes,
  });
  const view = async () => (await api.call(api.accounts.staff, 'GET', url())).json<ExtensionsView>();
  const versionOf = async (name: string, version: string) =>
    (await view()).extensions
      .find((extension) => extension.name === name)
      ?.versions.find((v) => v.version === version);

  beforeAll(async () => {
    api = await startTestApi('extensions');
    [gardenAdmin, networkAdmin, quotient, panier] = await Promise.all([
      createAccount({
        role: 'garden-admin',
        gardenId: api.gardenId,
        firstName: 'Claire',
        lastName: 'Vuillemin',
      }),
      createAccount({ role: 'network-admin' }),
      sampleUpload('quotient-familial'),
      sampleUpload('panier-solidaire'),
    ]);
  }, 120_000);
  afterAll(async () => {
    for (const [gardenId, name] of started) {
      await api?.client.workflow
        .getHandle(extensionRolloutProcessId(gardenId, name))
        .terminate('test over')
        .catch(() => undefined);
    }
    await deleteAccounts([gardenAdmin, networkAdmin].filter(Boolean));
    await api?.close();
  });

  it('uploads a version, shows its checks and self-tests, activates it once approved, and rolls it back', async () => {
    const withHtml = { ...quotient.manifest, author: '<script>alert(1)</script> Jardin du Val' };
    // Staff read, but only garden admins upload.
    const byStaff = await api.call(api.accounts.staff, 'POST', url(), body(quotient, { manifest: withHtml }));
    expect(byStaff.statusCode).toBe(403);
    const uploaded = await api.call(gardenAdmin, 'POST', url(), body(quotient, { manifest: withHtml }));
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    started.push([api.gardenId, 'quotient-familial']);
    expect(uploaded.json()).toMatchObject({ name: 'quotient-familial', version: '1.0.0', created: true });
    expect(uploaded.json<{ contentHash: string }>().contentHash).toMatch(/^[0-9a-f]{64}$/);

    await expect
      .poll(async () => (await versionOf('quotient-familial', '1.0.0'))?.status, poll)
      .toBe('awaiting-approval');
    const waiting = await versionOf('quotient-familial', '1.0.0');
    // HTML in a name comes back as the text it is (JSON), for the web app to show as text.
    expect(waiting?.manifest.author).toBe('<script>alert(1)</script> Jardin du Val');
    expect(waiting?.selfTests).toMatchObject({ passed: true });
    expect(waiting?.selfTests?.total).toBeGreaterThanOrEqual(3);
    expect(waiting?.diff?.compared).toBeGreaterThanOrEqual(1);
    expect((await view()).active.active).toEqual([]);
    // It waits on the garden's admins (their extensions page), not in the staff inbox's count.
    const rollout = api.client.workflow.getHandle(
      extensionRolloutProcessId(api.gardenId, 'quotient-familial'),
    );
    await expect
      .poll(async () => (await rollout.describe()).searchAttributes.WaitingOn, poll)
      .toEqual(['extension-approval']);
    await expect
      .poll(
        async () =>
          api.client.workflow.count(`GardenId = '${api.gardenId}' AND WaitingOn = 'extension-approval'`),
        poll,
      )
      .toMatchObject({ count: 1 });
    const count = await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.gardenId}/inbox/count`);
    expect(count.json()).toEqual({ count: 0 });

    // Staff may not approve; a version that does not await approval is refused with why.
    expect(
      (await api.call(api.accounts.staff, 'POST', url('/quotient-familial/versions/1.0.0/approve')))
        .statusCode,
    ).toBe(403);
    const wrongVersion = await api.call(
      gardenAdmin,
      'POST',
      url('/quotient-familial/versions/2.0.0/approve'),
    );
    expect(wrongVersion.statusCode).toBe(422);
    expect(wrongVersion.json<{ message: string }>().message).toContain('1.0.0');

    const approved = await api.call(gardenAdmin, 'POST', url('/quotient-familial/versions/1.0.0/approve'));
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ phase: 'probation', active: '1.0.0' });
    const active = await view();
    expect(active.active.active).toMatchObject([{ name: 'quotient-familial', version: '1.0.0' }]);
    expect(active.extensions[0]?.versions[0]).toMatchObject({
      status: 'probation',
      figures: { failureRate: 0 },
    });

    // The hook runner of the API answers with it.
    expect(
      await api.app.extensions?.runner.runHook(api.gardenId, 'solidarity-price', {
        basketSize: 'medium',
        frequency: 'weekly',
        household: { quotientFamilial: 640 },
        prices: {
          basketPrices: { small: 1200, medium: 1700, large: 2300 },
          solidarityTiers: [
            { id: 'solidaire', label: 'Solidaire', prices: { small: 600, medium: 850, large: 1150 } },
          ],
        },
      }),
    ).toMatchObject({ source: 'extension', output: { tierId: 'solidaire' } });

    // One click rolls it back.
    const back = await api.call(gardenAdmin, 'POST', url('/quotient-familial/rollback'), {
      version: '1.0.0',
      reason: 'Nos tarifs changent en janvier.',
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({
      phase: 'idle',
      outcome: { version: '1.0.0', result: 'rolled-back' },
    });
    const after = await view();
    expect(after.active.active).toEqual([]);
    const rolledBack = await versionOf('quotient-familial', '1.0.0');
    expect(rolledBack?.status).toBe('rolled-back');
    expect(rolledBack?.history.map((entry) => entry.what.fr).at(-1)).toContain(
      'Nos tarifs changent en janvier.',
    );
    // Nothing active any more: a second rollback is refused with why.
    const again = await api.call(gardenAdmin, 'POST', url('/quotient-familial/rollback'), {});
    expect(again.statusCode).toBe(422);
    expect(again.json<{ message: string }>().message).toContain('Aucune version');
  });

  it('rejects a version with a reason, and never activates it', async () => {
    const uploaded = await api.call(gardenAdmin, 'POST', url(), body(panier));
    expect(uploaded.statusCode, uploaded.body).toBe(202);
    started.push([api.gardenId, 'panier-solidaire']);
    const version = panier.manifest.version;
    await expect
      .poll(async () => (await versionOf('panier-solidaire', version))?.status, poll)
      .toBe('awaiting-approval');
    const noReason = await api.call(
      gardenAdmin,
      'POST',
      url(`/panier-solidaire/versions/${version}/reject`),
      {
        reason: '',
      },
    );
    expect(noReason.statusCode).toBe(400);
    const rejected = await api.call(
      gardenAdmin,
      'POST',
      url(`/panier-solidaire/versions/${version}/reject`),
      {
        reason: 'Pas cette saison.',
      },
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ outcome: { result: 'rejected' } });
    expect((await versionOf('panier-solidaire', version))?.status).toBe('rejected');
    // The same version uploaded again changes nothing: it stays rejected.
    const again = await api.call(gardenAdmin, 'POST', url(), body(panier));
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ created: false, status: 'rejected' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await versionOf('panier-solidaire', version))?.status).toBe('rejected');
    expect((await view()).active.active.map((entry) => entry.name)).not.toContain('panier-solidaire');
  });

  it('refuses hostile or broken uploads with a sentence a person understands, and stores nothing', async () => {
    const refusals: Array<[string, unknown, number, RegExp | undefined]> = [
      [
        'prototype name',
        body(quotient, { manifest: { ...quotient.manifest, name: '__proto__' } }),
        400,
        undefined,
      ],
      [
        'constructor',
        body(quotient, { manifest: { ...quotient.manifest, name: 'constructor' } }),
        400,
        undefined,
      ],
      [
        'HTML name',
        body(quotient, { manifest: { ...quotient.manifest, name: '<b>tarif</b>' } }),
        400,
        undefined,
      ],
      [
        'unknown hook',
        body(quotient, { manifest: { ...quotient.manifest, hooks: ['toString'] } }),
        400,
        undefined,
      ],
      [
        'not WebAssembly',
        body(quotient, {
          manifest: { ...quotient.manifest, name: 'pas-un-module' },
          module: Buffer.from('<html><body>bonjour</body></html>').toString('base64'),
        }),
        422,
        /WebAssembly/,
      ],
      [
        'not base64',
        body(quotient, {
          manifest: { ...quotient.manifest, name: 'pas-un-module' },
          module: '%%%% not base64 %%%%',
        }),
        400,
        undefined,
      ],
      [
        'vectors for a hook it does not declare',
        body(quotient, {
          manifest: { ...quotient.manifest, name: 'pas-un-module' },
          testVectors: { 'sign-up-checks': [{ name: 'x', input: {}, output: {} }] },
        }),
        422,
        /ne déclare pas/,
      ],
      [
        'vector input invalid for its hook',
        body(quotient, {
          manifest: { ...quotient.manifest, name: 'pas-un-module' },
          testVectors: { 'solidarity-price': [{ name: 'vide', input: { nothing: true }, output: {} }] },
        }),
        422,
        /entrée invalide/,
      ],
      [
        'no case at all (no vector, no golden case for its hook)',
        body(quotient, { manifest: { ...quotient.manifest, name: 'sans-tests' }, testVectors: {} }),
        422,
        /Aucun test : ni vecteur de test, ni cas de référence du jardin pour solidarity-price\. Une extension sans aucun cas ne peut pas être jugée/,
      ],
      [
        'an empty list of vectors',
        body(quotient, {
          manifest: { ...quotient.manifest, name: 'sans-tests' },
          testVectors: { 'solidarity-price': [] },
        }),
        422,
        /ne peut pas être jugée/,
      ],
    ];
    for (const [what, payload, status, message] of refusals) {
      const answer = await api.call(gardenAdmin, 'POST', url(), payload);
      expect(answer.statusCode, `${what}: ${answer.body}`).toBe(status);
      const text = answer.json<{ message: string }>().message;
      expect(text, what).toBeTruthy();
      if (message) expect(text, what).toMatch(message);
    }
    // A key that would reach the prototype of an object is refused as JSON.
    const poisoned = await api.app.inject({
      method: 'POST',
      url: url(),
      headers: { authorization: `Bearer ${await gardenAdmin.token()}`, 'content-type': 'application/json' },
      payload: `{"manifest":${JSON.stringify({ ...quotient.manifest, name: 'poison' })},"testVectors":{"__proto__":{"polluted":true}},"module":"${Buffer.from(quotient.module).toString('base64')}"}`,
    });
    expect(poisoned.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Oversized: refused before it is read.
    const huge = await api.call(gardenAdmin, 'POST', url(), {
      ...body(quotient, { manifest: { ...quotient.manifest, name: 'trop-gros' } }),
      module: 'A'.repeat(13 * 1024 * 1024),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json<{ message: string }>().message).toBe('La requête est trop volumineuse.');

    const names = (await view()).extensions.map((extension) => extension.name);
    for (const refused of ['pas-un-module', 'trop-gros', 'poison', 'constructor', 'sans-tests'])
      expect(names).not.toContain(refused);
  });

  it('keeps golden cases for a hook, checked against its schema', async () => {
    const bad = await api.call(gardenAdmin, 'POST', url('/golden-cases'), {
      hook: 'solidarity-price',
      name: 'mauvais',
      input: { household: 'rien' },
      output: {},
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ message: string }>().message).toContain('solidarity-price');
    const input = {
      basketSize: 'small',
      frequency: 'weekly',
      household: { quotientFamilial: 1500 },
      prices: { basketPrices: { small: 1200, medium: 1700, large: 2300 }, solidarityTiers: [] },
    };
    const byStaff = await api.call(api.accounts.staff, 'POST', url('/golden-cases'), {
      hook: 'solidarity-price',
      name: 'plein tarif',
      input,
      output: {},
    });
    expect(byStaff.statusCode).toBe(403);
    const added = await api.call(gardenAdmin, 'POST', url('/golden-cases'), {
      hook: 'solidarity-price',
      name: '<i>plein tarif</i>',
      input,
      output: { tierId: null, basketPrice: 1200 },
    });
    expect(added.statusCode, added.body).toBe(201);
    const { id } = added.json<{ id: string }>();
    // A version without vectors can be judged by the garden's golden cases for its hook: taken.
    const byCases = await api.call(
      gardenAdmin,
      'POST',
      url(),
      body(quotient, { manifest: { ...quotient.manifest, name: 'tarif-par-cas' }, testVectors: {} }),
    );
    expect(byCases.statusCode, byCases.body).toBe(202);
    started.push([api.gardenId, 'tarif-par-cas']);
    expect((await view()).goldenCases).toMatchObject([
      { id, hook: 'solidarity-price', name: '<i>plein tarif</i>' },
    ]);
    expect(
      (await api.call(gardenAdmin, 'DELETE', url(`/golden-cases/solidarity-price/${id}`))).statusCode,
    ).toBe(204);
    expect(
      (await api.call(gardenAdmin, 'DELETE', url(`/golden-cases/solidarity-price/${id}`))).statusCode,
    ).toBe(404);
    expect((await view()).goldenCases).toEqual([]);
  });

  it('lets the network admin upload a version for several gardens, one rollout each', async () => {
    const sample = { ...quotient, manifest: { ...quotient.manifest, name: 'tarif-reseau' } };
    const payload = { ...body(sample), gardens: [api.gardenId, api.otherGardenId] };
    expect((await api.call(gardenAdmin, 'POST', '/api/network/extensions', payload)).statusCode).toBe(403);
    const unknown = await api.call(networkAdmin, 'POST', '/api/network/extensions', {
      ...payload,
      gardens: ['jardin-inexistant-42'],
    });
    expect(unknown.statusCode).toBe(422);
    // Without vectors, a garden with no golden case for its hook does not take it, and says why.
    const untested = await api.call(networkAdmin, 'POST', '/api/network/extensions', {
      ...payload,
      testVectors: {},
    });
    expect(untested.statusCode, untested.body).toBe(202);
    expect(untested.json<{ gardens: unknown[] }>().gardens).toEqual(
      [api.gardenId, api.otherGardenId].map((gardenId) => ({
        gardenId,
        created: false,
        status: 'refused',
        refusal: expect.stringContaining('ne peut pas être jugée') as unknown,
      })),
    );
    const answer = await api.call(networkAdmin, 'POST', '/api/network/extensions', payload);
    expect(answer.statusCode, answer.body).toBe(202);
    started.push([api.gardenId, 'tarif-reseau'], [api.otherGardenId, 'tarif-reseau']);
    expect(answer.json<{ gardens: unknown[] }>().gardens).toEqual(
      expect.arrayContaining([
        { gardenId: api.gardenId, created: true, status: 'uploaded' },
        { gardenId: api.otherGardenId, created: true, status: 'uploaded' },
      ]),
    );
    // This garden's worker rolls it out; its admins decide.
    await expect
      .poll(async () => (await versionOf('tarif-reseau', '1.0.0'))?.status, poll)
      .toBe('awaiting-approval');
    // The other garden's staff see only their own garden's.
    expect((await api.call(api.accounts.otherStaff, 'GET', url())).statusCode).toBe(403);
  });
});
