import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Identity } from '../../api-client/me.ts';
import { i18n, setLocale } from '../../i18n/index.ts';
import { routes } from '../../router/index.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall } from '../../testing/api-stub.ts';
import type { ExtensionsView, ExtensionVersionView } from './extensions-api.ts';
import ExtensionsPage from './ExtensionsPage.vue';

const gardenAdmin: Identity = { ...staffIdentity, roles: ['garden-admin', 'staff'] };
const admin = { userId: 'u-admin', name: 'Claire <b>Vuillemin</b>' };

function version(overrides: Partial<ExtensionVersionView>): ExtensionVersionView {
  return {
    gardenId: 'val-du-doubs',
    name: 'panier-solidaire',
    version: '1.0.0',
    manifest: {
      name: 'panier-solidaire',
      version: '1.0.0',
      hooks: ['sign-up-checks'],
      author: 'Jardin <img src=x onerror=alert(1)>',
    },
    contentHash: 'a'.repeat(64),
    sizeBytes: 6144,
    status: 'active',
    uploaded: { by: admin, at: '2026-11-30T09:00:00.000Z' },
    testVectorCount: 6,
    staticCheck: {
      passed: true,
      sizeBytes: 6144,
      maxBytes: 8 * 1024 * 1024,
      forbiddenImports: [],
      missingExports: [],
      memoryProblems: [],
      unknownHooks: [],
    },
    selfTests: { passed: true, total: 6, failed: 0, results: [] },
    history: [
      {
        at: '2026-11-30T09:00:00.000Z',
        by: admin,
        what: { fr: 'Version déposée.', en: 'Version uploaded.' },
      },
    ],
    figures: { calls: 200, failures: 3, byKind: { timeout: 3 }, failureRate: 0.015 },
    ...overrides,
  };
}

const awaiting = version({
  version: '1.1.0',
  status: 'awaiting-approval',
  uploaded: { by: admin, at: '2026-12-01T09:00:00.000Z' },
  selfTests: {
    passed: false,
    total: 7,
    failed: 1,
    results: [
      {
        kind: 'golden',
        hook: 'sign-up-checks',
        name: 'grand panier <script>',
        passed: false,
        expected: { problems: [] },
        actual: { problems: ['x'] },
      },
    ],
  },
  diff: {
    against: '1.0.0',
    compared: 4,
    changed: 1,
    failed: 0,
    differences: [
      {
        hook: 'sign-up-checks',
        source: 'recent',
        name: 'une demande récente',
        input: {},
        before: { problems: [] },
        after: { problems: [{ field: 'basketSize' }] },
        same: false,
      },
    ],
  },
  figures: { calls: 0, failures: 0, byKind: {}, failureRate: 0 },
});

const stored: ExtensionsView = {
  active: {
    revision: 2,
    updatedAt: '2026-11-30T09:00:00.000Z',
    active: [
      {
        name: 'panier-solidaire',
        version: '1.0.0',
        hooks: ['sign-up-checks'],
        contentHash: 'a'.repeat(64),
        activatedAt: '2026-11-30T09:00:00.000Z',
      },
    ],
  },
  hooks: [],
  extensions: [
    {
      name: 'panier-solidaire',
      rollout: { phase: 'awaiting-approval', queue: [] },
      versions: [version({}), awaiting],
    },
  ],
};

async function mountPage(
  identity: Identity = gardenAdmin,
  answer?: (call: ApiCall) => { status?: number; body?: unknown } | undefined,
) {
  setLocale('fr');
  const pinia = signedIn(identity);
  const api = stubApi(
    (call) =>
      answer?.(call) ??
      (call.method === 'GET' ? { body: stored } : { body: { phase: 'probation', queue: [] } }),
  );
  const router = createRouter({ history: createMemoryHistory(), routes });
  await router.push('/equipe/extensions');
  const wrapper = mount(ExtensionsPage, {
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, api };
}

const posts = (calls: ApiCall[]) => calls.filter((call) => call.method === 'POST');

describe('the garden’s extensions page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('lists what runs and every version: status, checks, self-tests, the diff, the error rate and history, names as text', async () => {
    const { wrapper } = await mountPage();
    expect(wrapper.get('h1').text()).toBe('Extensions du jardin');
    expect(wrapper.get('[data-testid="active-extension"]').text()).toContain('panier-solidaire 1.0.0');
    expect(wrapper.get('[data-testid="extension-rollout"]').text()).toBe(
      'Déploiement : en attente d’approbation',
    );
    const versions = wrapper.findAll('[data-testid="extension-version"]');
    // Newest first.
    expect(versions.map((one) => one.attributes('data-version'))).toEqual(['1.1.0', '1.0.0']);
    const [pending, running] = versions;
    expect(pending!.get('[data-testid="version-status"]').text()).toBe('En attente d’approbation');
    expect(pending!.get('[data-testid="version-self-tests"]').text()).toContain('6 réussis sur 7');
    expect(pending!.get('[data-testid="version-self-tests"]').text()).toContain('« grand panier <script> »');
    expect(pending!.get('[data-testid="version-diff"]').text()).toContain(
      '4 entrées comparées, 1 réponses changées',
    );
    expect(pending!.get('[data-testid="diff-difference"]').text()).toContain('basketSize');
    expect(running!.get('[data-testid="version-status"]').text()).toBe('En service');
    expect(running!.get('[data-testid="version-checks"]').text()).toContain('réussis (6 Kio');
    expect(running!.get('[data-testid="version-errors"]').text()).toContain('3 sur 200 appels (1,5 %)');
    expect(running!.get('[data-testid="version-history"]').text()).toContain('Version déposée.');
    expect(running!.get('[data-testid="version-history"]').text()).toContain('Claire <b>Vuillemin</b>');
    expect(wrapper.text()).toContain('Jardin <img src=x onerror=alert(1)>');
    expect(wrapper.find('img').exists()).toBe(false);
    expect(wrapper.find('b').exists()).toBe(false);
    expect(wrapper.find('script').exists()).toBe(false);
  });

  it('approves a version after a confirmation, then reads the page again', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="approve-version"]').trigger('click');
    expect(posts(api.calls)).toEqual([]);
    expect(wrapper.get('[data-testid="decision-confirm"]').text()).toContain(
      'Approuver la version 1.1.0 de panier-solidaire ?',
    );
    await wrapper.get('[data-testid="confirm-decision"]').trigger('click');
    await flushPromises();
    expect(posts(api.calls).map((call) => call.path)).toEqual([
      '/api/gardens/val-du-doubs/extensions/panier-solidaire/versions/1.1.0/approve',
    ]);
    expect(api.calls.filter((call) => call.method === 'GET')).toHaveLength(2);
  });

  it('rejects only with a reason, and rolls back the running version after a confirmation', async () => {
    const { wrapper, api } = await mountPage();
    await wrapper.get('[data-testid="reject-version"]').trigger('click');
    await wrapper.get('[data-testid="confirm-decision"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="decision-confirm"]').text()).toContain(
      'Dites pourquoi vous refusez cette version.',
    );
    expect(posts(api.calls)).toEqual([]);
    await wrapper.get('[data-testid="reject-reason"]').setValue('Trop stricte');
    await wrapper.get('[data-testid="confirm-decision"]').trigger('click');
    await flushPromises();
    expect(posts(api.calls).at(-1)).toMatchObject({
      path: '/api/gardens/val-du-doubs/extensions/panier-solidaire/versions/1.1.0/reject',
      body: { reason: 'Trop stricte' },
    });

    await wrapper.get('[data-testid="rollback-version"]').trigger('click');
    expect(wrapper.get('[data-testid="decision-confirm"]').text()).toContain(
      'Retirer la version 1.0.0 de panier-solidaire ?',
    );
    await wrapper.get('[data-testid="confirm-decision"]').trigger('click');
    await flushPromises();
    expect(posts(api.calls).at(-1)).toMatchObject({
      path: '/api/gardens/val-du-doubs/extensions/panier-solidaire/rollback',
      body: { version: '1.0.0' },
    });
  });

  it('uploads the module, its manifest and its tests as the API’s JSON body, and shows a refusal beside the file', async () => {
    const { wrapper, api } = await mountPage(gardenAdmin, (call) =>
      call.method === 'POST' && (call.body as { manifest: { version: string } }).manifest.version === '9.0.0'
        ? {
            status: 400,
            body: {
              error: 'invalid_input',
              message: 'Ce fichier n’est pas un module WebAssembly (.wasm).',
              issues: [{ field: 'module', message: 'Ce fichier n’est pas un module WebAssembly (.wasm).' }],
            },
          }
        : undefined,
    );
    const choose = async (testId: string, file: File) => {
      const input = wrapper.get<HTMLInputElement>(`[data-testid="${testId}"]`);
      Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
      await input.trigger('change');
    };
    await wrapper.get('[data-testid="extension-upload"]').trigger('submit');
    expect(wrapper.get('[data-testid="upload-error-module"]').text()).toBe('Choisissez le fichier.');

    const wasm = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const manifest = {
      name: 'panier-solidaire',
      version: '1.1.0',
      hooks: ['sign-up-checks'],
      author: 'Val du Doubs',
      build: { language: 'assemblyscript' },
    };
    await choose('upload-module', new File([wasm], 'plugin.wasm'));
    await choose('upload-manifest', new File([JSON.stringify(manifest)], 'extension.json'));
    await choose('upload-vectors', new File(['{"sign-up-checks": []}'], 'test-vectors.json'));
    await wrapper.get('[data-testid="extension-upload"]').trigger('submit');
    await flushPromises();
    expect(posts(api.calls)[0]).toMatchObject({
      path: '/api/gardens/val-du-doubs/extensions',
      body: {
        manifest: {
          name: 'panier-solidaire',
          version: '1.1.0',
          hooks: ['sign-up-checks'],
          author: 'Val du Doubs',
        },
        testVectors: { 'sign-up-checks': [] },
        module: 'AGFzbQEAAAA=',
      },
    });
    expect((posts(api.calls)[0]!.body as { manifest: object }).manifest).not.toHaveProperty('build');

    // Sent, the form starts again empty.
    await choose('upload-module', new File([wasm], 'plugin.wasm'));
    await choose(
      'upload-manifest',
      new File([JSON.stringify({ ...manifest, version: '9.0.0' })], 'extension.json'),
    );
    await wrapper.get('[data-testid="extension-upload"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="upload-error-module"]').text()).toBe(
      'Ce fichier n’est pas un module WebAssembly (.wasm).',
    );
  });

  it('lets other staff read it, without any button', async () => {
    const { wrapper } = await mountPage(staffIdentity);
    expect(wrapper.findAll('[data-testid="extension-version"]')).toHaveLength(2);
    expect(wrapper.find('[data-testid="approve-version"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="rollback-version"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="extension-upload"]').exists()).toBe(false);
  });
});
