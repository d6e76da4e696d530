import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { sampleUpload } from '../tests/support/extensions.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { uniqueEmail } from '../tests/support/moto.ts';

/**
 * The garden's sign-up-checks extension (here panier-solidaire, Val du Doubs' own): its module
 * served to the browser, and run again on the server, whose answer counts.
 */
describe('the sign-up-checks extension on the server', () => {
  let api: TestApi;
  const made: TestAccount[] = [];
  const today = gardenDay(new Date());
  let contentHash = '';

  beforeAll(async () => {
    api = await startTestApi('ext-signup-api');
    const upload = await sampleUpload('panier-solidaire');
    contentHash = createHash('sha256').update(upload.module).digest('hex');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    await catalogue.upload(api.gardenId, upload, { by: { userId: 'u-admin', name: 'Admin' }, at });
    await catalogue.activate(api.gardenId, upload.manifest.name, upload.manifest.version, { at });
  });
  afterAll(async () => {
    await deleteAccounts(made);
    await api?.close();
  });

  async function newcomer(): Promise<TestAccount> {
    const created = await createAccount({ firstName: 'Gisèle', lastName: 'Halimi' });
    made.push(created);
    return created;
  }
  const tuesdayFrom = (day: string) => {
    let current = day;
    while (new Date(`${current}T00:00:00Z`).getUTCDay() !== 2) current = addDays(current, 1);
    return current;
  };
  const application = (basketSize: string, answers?: Record<string, unknown>) => ({
    household: {
      firstName: 'Gisèle',
      lastName: 'Halimi',
      email: uniqueEmail('ext-signup'),
      address: { street: '4 rue Battant', postalCode: '25000', city: 'Besançon' },
      householdSize: 2,
    },
    subscription: {
      basketSize,
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: tuesdayFrom(addDays(today, 10)),
    },
    consent: true,
    ...(answers ? { answers } : {}),
  });
  const apply = async (body: unknown, account?: TestAccount) =>
    api.call(account ?? (await newcomer()), 'POST', `/api/gardens/${api.gardenId}/applications`, body, {
      'accept-language': 'fr',
    });

  it('tells anyone which module the form runs, and serves its bytes by content hash, cacheable', async () => {
    const described = await api.call(
      undefined,
      'GET',
      `/api/gardens/${api.gardenId}/extension-modules/sign-up-checks`,
    );
    expect(described.statusCode, described.body).toBe(200);
    const { module } = described.json<{
      module: { name: string; version: string; contentHash: string; url: string };
    }>();
    expect(module).toMatchObject({ name: 'panier-solidaire', version: '1.0.0', contentHash });

    const bytes = await api.call(undefined, 'GET', module.url);
    expect(bytes.statusCode).toBe(200);
    expect(bytes.headers['content-type']).toBe('application/wasm');
    expect(bytes.headers['cache-control']).toContain('immutable');
    expect(createHash('sha256').update(bytes.rawPayload).digest('hex')).toBe(contentHash);

    // Only the garden's active module for that hook: not another hash, nor another garden's.
    const other = await api.call(undefined, 'GET', module.url.replace(contentHash, 'a'.repeat(64)));
    expect(other.statusCode).toBe(404);
    const elsewhere = await api.call(undefined, 'GET', module.url.replace(api.gardenId, api.otherGardenId));
    expect(elsewhere.statusCode).toBe(404);
    const none = await api.call(
      undefined,
      'GET',
      `/api/gardens/${api.otherGardenId}/extension-modules/sign-up-checks`,
    );
    expect(none.json()).toEqual({ module: null });
    // Hooks meant for the server only are never served.
    const serverOnly = await api.call(
      undefined,
      'GET',
      `/api/gardens/${api.gardenId}/extension-modules/solidarity-price`,
    );
    expect(serverOnly.statusCode).toBe(400);
  });

  it('refuses an application the extension rejects, with its French message beside the field', async () => {
    const missing = await apply(application('small', { socialBasket: true }));
    expect(missing.statusCode, missing.body).toBe(422);
    expect(missing.json<{ issues: unknown[] }>().issues).toEqual([
      {
        field: 'associationNumber',
        message: 'Le numéro d’orientation de l’association est obligatoire pour le panier solidaire.',
      },
    ]);

    const large = await apply(
      application('large', { socialBasket: true, associationNumber: 'CCAS-2026-0142' }),
    );
    expect(large.statusCode, large.body).toBe(422);
    expect(large.json<{ issues: unknown[] }>().issues).toEqual([
      { field: 'basketSize', message: 'Le panier solidaire est un petit panier ou un panier moyen.' },
    ]);

    // An answer that does not fit its field (declared with at most 30 characters).
    const long = await apply(
      application('small', { socialBasket: true, associationNumber: `CCAS-${'1'.repeat(30)}` }),
    );
    expect(long.statusCode, long.body).toBe(422);
    expect(JSON.stringify(long.json())).toContain(
      '« Numéro d’orientation de l’association » fait plus de 30 caractères.',
    );
    // Nothing was written for any of them.
    const members = (await api.store.members.list(api.gardenId, { limit: 100 })).members;
    expect(members.filter((member) => member.lastName === 'Halimi')).toEqual([]);
  });

  it('keeps the answers to the fields the extension declares with the application', async () => {
    const answer = await apply(
      application('medium', { socialBasket: true, associationNumber: 'CCAS-2026-0142', shoeSize: 42 }),
    );
    expect(answer.statusCode, answer.body).toBeLessThan(300);
    const { subscription } = answer.json<{ subscription: { id: string } }>();
    await expect
      .poll(async () => (await api.store.subscriptions.get(api.gardenId, subscription.id))?.signUpAnswers, {
        timeout: 20_000,
      })
      .toEqual({ socialBasket: true, associationNumber: 'CCAS-2026-0142' });
  });
});
