import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../domain/actor.ts';
import type {
  NewGardenRequest,
  OperationDecision,
  OperationProgress,
} from '../domain/garden-provisioning.ts';
import type { GardenOperation, ProvisioningCommands } from '../temporal/provisioning-contract.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/**
 * The network gardens routes against the real app, store, Temporal (the list's health) and
 * Keycloak (the callers' tokens). What the routes hand to the provisioning workflows is
 * recorded by a stand-in of `ProvisioningCommands` (the saga itself is tested in
 * workflows/garden-provisioning, and end to end by tests/browser/network-admin-creates-garden):
 * here, who may call, what is refused before anything starts, and what the routes answer.
 */

interface Call {
  command: keyof ProvisioningCommands;
  args: unknown[];
}

function recordingProvisioning() {
  const calls: Call[] = [];
  const operations = new Map<string, OperationProgress>();
  const key = (gardenId: string, operation: GardenOperation) => `${gardenId}/${operation}`;
  const started = (gardenId: string, operation: GardenOperation): OperationProgress => ({
    gardenId,
    operation,
    state: 'running',
    startedAt: '2026-12-06T10:00:00.000Z',
    steps: [
      {
        step: operation === 'create' ? 'reserve' : 'export',
        state: 'done',
        attempts: 1,
        startedAt: '2026-12-06T10:00:00.000Z',
        endedAt: '2026-12-06T10:00:01.000Z',
      },
      {
        step: operation === 'create' ? 'data' : 'close-workflows',
        state: 'failed',
        attempts: 3,
        error: { fr: 'La base de données ne répond pas.', en: 'The database does not answer.' },
      },
    ],
  });
  const commands: ProvisioningCommands = {
    async create(request: NewGardenRequest, by: Actor) {
      calls.push({ command: 'create', args: [request, by] });
      const progress = started(request.slug, 'create');
      operations.set(key(request.slug, 'create'), progress);
      return progress;
    },
    async retire(gardenId: string, by: Actor) {
      calls.push({ command: 'retire', args: [gardenId, by] });
      const progress = started(gardenId, 'retire');
      operations.set(key(gardenId, 'retire'), progress);
      return progress;
    },
    async progress(gardenId: string, operation: GardenOperation) {
      calls.push({ command: 'progress', args: [gardenId, operation] });
      return operations.get(key(gardenId, operation));
    },
    async decide(gardenId: string, operation: GardenOperation, decision: OperationDecision, by: Actor) {
      calls.push({ command: 'decide', args: [gardenId, operation, decision, by] });
      const progress = operations.get(key(gardenId, operation));
      if (!progress) throw new Error('no such operation');
      return { ...progress, state: decision === 'retry' ? 'running' : 'compensating' };
    },
  };
  return { commands, calls };
}

const validRequest = (slug: string): NewGardenRequest => ({
  slug,
  name: 'Jardin du Val de Loue',
  city: 'Ornans',
  legal: {
    legalName: 'Association Les Jardins du Val de Loue',
    siret: '123 456 789 00012',
    address: '3 rue du Moulin, 25290 Ornans',
  },
  contactEmail: 'contact@val-de-loue.example.org',
  timeZone: 'Europe/Paris',
  firstAdmin: { firstName: 'Hélène', lastName: 'Boucher', email: 'helene@val-de-loue.example.org' },
});

describe('the network gardens (network admin)', () => {
  let api: TestApi;
  const recorder = recordingProvisioning();
  let networkAdmin: TestAccount;
  let gardenAdmin: TestAccount;
  const newSlug = `t-nouveau-${Date.now().toString(36)}`;

  beforeAll(async () => {
    api = await startTestApi('network', { provisioning: recorder.commands });
    [networkAdmin, gardenAdmin] = await Promise.all([
      createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' }),
      createAccount({ role: 'garden-admin', gardenId: api.gardenId }),
    ]);
  });

  afterAll(async () => {
    await deleteAccounts([networkAdmin, gardenAdmin].filter(Boolean));
    await api?.close();
  });

  const routes = (slug: string) =>
    [
      ['GET', '/api/network/gardens', undefined],
      ['POST', '/api/network/gardens', validRequest(newSlug)],
      ['GET', `/api/network/gardens/${slug}/operations/create`, undefined],
      ['POST', `/api/network/gardens/${slug}/operations/create/decision`, { decision: 'retry' }],
      ['POST', `/api/network/gardens/${slug}/retirement`, undefined],
    ] as const;

  it('refuses everyone but the network admin, before anything starts', async () => {
    const callers: Array<[string, TestAccount | undefined, number]> = [
      ['anonymous', undefined, 401],
      ['staff', api.accounts.staff, 403],
      ['member', api.accounts.member, 403],
      ['driver', api.accounts.driver, 403],
      ['garden admin', gardenAdmin, 403],
    ];
    for (const [who, account, status] of callers) {
      for (const [method, url, body] of routes(api.gardenId)) {
        const response = await api.call(account, method, url, body);
        expect(response.statusCode, `${who} ${method} ${url}: ${response.body}`).toBe(status);
        const message = response.json<{ message: string }>().message;
        expect(message).toBe(
          status === 401
            ? 'Connectez-vous pour accéder à cette page.'
            : "Votre compte n'a pas le droit de faire cela.",
        );
      }
    }
    expect(recorder.calls).toEqual([]);
  });

  it('lists every garden with its state, its staff home and its health read from Temporal', async () => {
    // A figure Temporal does not give within the list's time budget is left out, as « inconnu »:
    // on a test stack of hundreds of gardens whose task queues are not loaded, the first reads
    // may leave ours out. Read again until Temporal has answered for it (each read loads more).
    type Health = { workerUp?: boolean; pendingApprovals?: number; failedWorkflows?: number };
    let gardens: Array<{ id: string; health?: Health }> = [];
    const complete = (health: Health | undefined) =>
      health?.workerUp !== undefined &&
      health.pendingApprovals !== undefined &&
      health.failedWorkflows !== undefined;
    // Under a full test run's load, Temporal may need several reads (each within 4 s).
    for (let read = 0; read < 30; read++) {
      const response = await api.call(networkAdmin, 'GET', '/api/network/gardens');
      expect(response.statusCode, response.body).toBe(200);
      gardens = response.json<typeof gardens>();
      const health = gardens.find((garden) => garden.id === api.gardenId)?.health;
      const other = gardens.find((garden) => garden.id === api.otherGardenId)?.health;
      if (complete(health) && other?.workerUp !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const ours = gardens.find((garden) => garden.id === api.gardenId);
    const other = gardens.find((garden) => garden.id === api.otherGardenId);
    expect(ours).toEqual({
      id: api.gardenId,
      name: `Jardin de test ${api.gardenId}`,
      city: 'Besançon',
      state: 'active',
      stateLabel: 'Actif',
      url: 'http://localhost:8080/equipe',
      // The test API runs a worker on this garden's task queue, and nothing of it waits or failed.
      health: { workerUp: true, pendingApprovals: 0, failedWorkflows: 0, failedWithinDays: 30 },
    });
    // No worker serves the other test garden.
    expect(other).toMatchObject({ state: 'active', health: { workerUp: false } });

    const english = await api.call(networkAdmin, 'GET', '/api/network/gardens', undefined, {
      'accept-language': 'en',
    });
    expect(
      english.json<Array<{ id: string; stateLabel: string }>>().find((g) => g.id === api.gardenId),
    ).toMatchObject({ stateLabel: 'Active' });
  }, 180_000);

  it('refuses a new garden field by field (400), each with a sentence, and starts nothing', async () => {
    const base = validRequest(newSlug);
    const cases: Array<[string, unknown, string]> = [
      ['an uppercase slug', { ...base, slug: 'Val-De-Loue' }, 'slug'],
      ['a two-letter slug', { ...base, slug: 'vl' }, 'slug'],
      ['a slug with two dashes in a row', { ...base, slug: 'val--loue' }, 'slug'],
      ['the slug __proto__', { ...base, slug: '__proto__' }, 'slug'],
      ['a slug of 41 characters', { ...base, slug: 'a'.repeat(41) }, 'slug'],
      ['a blank name', { ...base, name: '   ' }, 'name'],
      ['a name of 121 characters', { ...base, name: 'n'.repeat(121) }, 'name'],
      ['an empty city', { ...base, city: '' }, 'city'],
      ['a blank legal name', { ...base, legal: { ...base.legal, legalName: ' ' } }, 'legalName'],
      ['a SIRET of 13 digits', { ...base, legal: { ...base.legal, siret: '1234567890001' } }, 'siret'],
      ['a SIRET with letters', { ...base, legal: { ...base.legal, siret: '12345678900O12' } }, 'siret'],
      ['an empty address', { ...base, legal: { ...base.legal, address: '' } }, 'address'],
      ['a contact address without @', { ...base, contactEmail: 'contact.example.org' }, 'contactEmail'],
      ['a time zone of elsewhere', { ...base, timeZone: 'Europe/Berlin' }, 'timeZone'],
      ['a host name in capitals', { ...base, hostName: 'Paniers.Val-De-Loue.fr' }, 'hostName'],
      ['a host name with HTML', { ...base, hostName: '<b>loue</b>.example.org' }, 'hostName'],
      ['a host name without a dot', { ...base, hostName: 'localhost' }, 'hostName'],
      ['a blank first name', { ...base, firstAdmin: { ...base.firstAdmin, firstName: ' ' } }, 'firstName'],
      ['an empty last name', { ...base, firstAdmin: { ...base.firstAdmin, lastName: '' } }, 'lastName'],
      [
        'an admin address without domain',
        { ...base, firstAdmin: { ...base.firstAdmin, email: 'helene@' } },
        'email',
      ],
      ['no legal details', { ...base, legal: undefined }, 'legal'],
      ['an unknown field', { ...base, host: 'loue.example.org' }, ''],
    ];
    for (const [what, body, field] of cases) {
      const response = await api.call(networkAdmin, 'POST', '/api/network/gardens', body);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(400);
      const answer = response.json<{ error: string; issues: Array<{ field: string; message: string }> }>();
      expect(answer.error).toBe('invalid_input');
      const issue = answer.issues.find((candidate) => candidate.field === field);
      expect(issue, `${what}: ${response.body}`).toBeDefined();
      expect(issue?.message).toMatch(/\.$/);
    }
    // Named as on the form, with what the value should look like.
    const issueOf = async (body: unknown, field: string) =>
      (await api.call(networkAdmin, 'POST', '/api/network/gardens', body))
        .json<{ issues: Array<{ field: string; message: string }> }>()
        .issues.find((candidate) => candidate.field === field)?.message;
    expect(await issueOf({ ...base, slug: 'Val-De-Loue' }, 'slug')).toMatch(
      /Identifiant court.*minuscules.*val-du-doubs/,
    );
    expect(await issueOf({ ...base, legal: { ...base.legal, siret: '12345' } }, 'siret')).toMatch(
      /14 chiffres/,
    );
    expect(await issueOf({ ...base, timeZone: 'Europe/Berlin' }, 'timeZone')).toMatch(/Fuseau horaire/);
    expect(await issueOf({ ...base, hostName: 'localhost' }, 'hostName')).toMatch(
      /Nom d’hôte propre.*paniers\.jardin-du-val\.fr/,
    );
    expect(recorder.calls).toEqual([]);
  });

  it('refuses a slug a garden has (409, beside the slug)', async () => {
    const response = await api.call(networkAdmin, 'POST', '/api/network/gardens', validRequest(api.gardenId));
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json()).toMatchObject({
      error: 'duplicate',
      message: 'Un jardin porte déjà cet identifiant : choisissez-en un autre.',
      issues: [{ field: 'slug' }],
    });
    expect(recorder.calls).toEqual([]);
  });

  it('starts a creation (202) with the SIRET as kept and the caller recorded, and follows it', async () => {
    const response = await api.call(networkAdmin, 'POST', '/api/network/gardens', validRequest(newSlug));
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({
      gardenId: newSlug,
      operation: 'create',
      state: 'running',
      steps: [
        { step: 'reserve', state: 'done', label: 'Réserver l’identifiant du jardin', attempts: 1 },
        {
          step: 'data',
          state: 'failed',
          label: 'Créer les données et les réglages par défaut',
          error: { fr: 'La base de données ne répond pas.' },
        },
      ],
    });
    const [call] = recorder.calls;
    expect(call?.command).toBe('create');
    expect(call?.args[0]).toEqual({
      ...validRequest(newSlug),
      legal: { ...validRequest(newSlug).legal, siret: '12345678900012' },
    });
    expect(call?.args[1]).toEqual({ userId: expect.any(String), name: 'Rémi Réseau' });

    const progress = await api.call(networkAdmin, 'GET', `/api/network/gardens/${newSlug}/operations/create`);
    expect(progress.statusCode, progress.body).toBe(200);
    expect(progress.json()).toMatchObject({ gardenId: newSlug, operation: 'create' });

    const decided = await api.call(
      networkAdmin,
      'POST',
      `/api/network/gardens/${newSlug}/operations/create/decision`,
      { decision: 'roll-back' },
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ state: 'compensating' });
    expect(recorder.calls.at(-1)).toMatchObject({
      command: 'decide',
      args: [newSlug, 'create', 'roll-back', { name: 'Rémi Réseau' }],
    });
  });

  it('answers 404 for an operation that never was, and 400 for ids and operations it does not know', async () => {
    const none = await api.call(
      networkAdmin,
      'GET',
      `/api/network/gardens/${api.gardenId}/operations/retire`,
    );
    expect(none.statusCode, none.body).toBe(404);
    const noDecision = await api.call(
      networkAdmin,
      'POST',
      `/api/network/gardens/${api.gardenId}/operations/retire/decision`,
      { decision: 'retry' },
    );
    expect(noDecision.statusCode, noDecision.body).toBe(404);
    for (const url of [
      '/api/network/gardens/__proto__/operations/create',
      `/api/network/gardens/${'x'.repeat(2000)}/operations/create`,
      `/api/network/gardens/${api.gardenId}/operations/delete`,
    ]) {
      const response = await api.call(networkAdmin, 'GET', url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(400);
    }
    const badDecision = await api.call(
      networkAdmin,
      'POST',
      `/api/network/gardens/${newSlug}/operations/create/decision`,
      { decision: 'abandon' },
    );
    expect(badDecision.statusCode, badDecision.body).toBe(400);
  });

  it('starts retiring a garden that exists, and answers 404 for one that does not', async () => {
    const unknown = await api.call(networkAdmin, 'POST', '/api/network/gardens/t-jamais-vu/retirement');
    expect(unknown.statusCode, unknown.body).toBe(404);
    const retired = await api.call(
      networkAdmin,
      'POST',
      `/api/network/gardens/${api.otherGardenId}/retirement`,
    );
    expect(retired.statusCode, retired.body).toBe(202);
    expect(retired.json()).toMatchObject({
      gardenId: api.otherGardenId,
      operation: 'retire',
      steps: [{ step: 'export', label: 'Exporter les données du jardin (S3)' }, { step: 'close-workflows' }],
    });
    expect(recorder.calls.at(-1)).toMatchObject({
      command: 'retire',
      args: [api.otherGardenId, { name: 'Rémi Réseau' }],
    });
  });
});
