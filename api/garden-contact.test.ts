import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GardenContact } from '../domain/garden-contact.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

/** How members reach the garden and pay it without a card, through the API. */
describe('garden contact and payment instructions', () => {
  let api: TestApi;
  let gardenAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('contact');
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });
  afterAll(async () => {
    if (gardenAdmin) await deleteAccounts([gardenAdmin]);
    await api?.close();
  });

  const url = () => `/api/gardens/${api.gardenId}/contact`;
  const contact = {
    email: 'Accueil@Jardin.example.org',
    phone: '03 81 12 34 56',
    address: '2 chemin des Vergers\n25220 Chalezeule',
    payment: {
      payee: 'Association Les Jardins du Val',
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      bic: 'agrifrpp825',
      chequeAddress: 'Jardin de Cocagne, 2 chemin des Vergers, 25220 Chalezeule',
    },
  };

  it('answers the registered address to every role of the garden before anything is set', async () => {
    for (const account of [api.accounts.member, api.accounts.staff, api.accounts.driver, gardenAdmin]) {
      const read = await api.call(account, 'GET', url());
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json()).toEqual({ email: `contact-${api.gardenId}@example.org`, version: 0 });
    }
    expect((await api.call(api.accounts.otherStaff, 'GET', url())).statusCode).toBe(403);
    expect((await api.call(undefined, 'GET', url())).statusCode).toBe(401);
  });

  it('lets garden administrators save it, normalised, and members read it; staff may not change it', async () => {
    const refused = await api.call(api.accounts.staff, 'PUT', url(), { ...contact, version: 0 });
    expect(refused.statusCode, refused.body).toBe(403);

    const saved = await api.call(gardenAdmin, 'PUT', url(), { ...contact, version: 0 });
    expect(saved.statusCode, saved.body).toBe(200);
    const expected: GardenContact = {
      email: 'accueil@jardin.example.org',
      phone: '+33381123456',
      address: '2 chemin des Vergers\n25220 Chalezeule',
      payment: {
        payee: 'Association Les Jardins du Val',
        iban: 'FR7630006000011234567890189',
        bic: 'AGRIFRPP825',
        chequeAddress: 'Jardin de Cocagne, 2 chemin des Vergers, 25220 Chalezeule',
      },
      version: 1,
    };
    expect(saved.json()).toEqual(expected);
    expect((await api.call(api.accounts.member, 'GET', url())).json()).toEqual(expected);

    const stale = await api.call(gardenAdmin, 'PUT', url(), { ...contact, version: 0 });
    expect(stale.statusCode, stale.body).toBe(409);
  });

  it('refuses an IBAN with wrong check digits, in French, and keeps what was saved', async () => {
    const before = (await api.call(gardenAdmin, 'GET', url())).json<GardenContact>();
    const typo = await api.call(gardenAdmin, 'PUT', url(), {
      ...contact,
      payment: { ...contact.payment, iban: 'FR76 3000 6000 0112 3456 7980 189' },
      version: before.version,
    });
    expect(typo.statusCode, typo.body).toBe(422);
    expect(typo.json()).toMatchObject({
      message:
        'Cet IBAN n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le caractère par caractère sur le RIB du jardin.',
      issues: [{ field: 'iban' }],
    });
    expect((await api.call(gardenAdmin, 'GET', url())).json()).toEqual(before);
  });

  it('refuses what is not an IBAN, a BIC or a phone number at all (400), naming each field in French', async () => {
    const malformed = await api.call(gardenAdmin, 'PUT', url(), {
      ...contact,
      phone: 'appelez-nous',
      payment: { ...contact.payment, iban: 'mon compte', bic: 'B' },
      version: 1,
    });
    expect(malformed.statusCode, malformed.body).toBe(400);
    const issues = malformed.json<{ issues: Array<{ field: string; message: string }> }>().issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'phone', message: '« Téléphone » n’est pas un numéro valide (exemple : 06 12 34 56 78).' },
        {
          field: 'iban',
          message: '« IBAN » n’a pas la forme d’un IBAN (exemple : FR76 3000 6000 0112 3456 7890 189).',
        },
        { field: 'bic', message: '« BIC » n’a pas la forme d’un BIC (exemple : AGRIFRPP825).' },
      ]),
    );
  });
});
