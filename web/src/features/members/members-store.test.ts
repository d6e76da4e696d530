import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, signedIn, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aMember } from '../../testing/fixtures.ts';
import { membersPerPage, useMemberStore } from './members-store.ts';

const page = (ids: string[], nextCursor?: string): StubAnswer => ({
  body: { members: ids.map((id) => aMember({ id, lastName: id })), ...(nextCursor ? { nextCursor } : {}) },
});

describe('member store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the first page of a search, 25 at a time', async () => {
    const api = stubApi(() => page(['m-1', 'm-2']));
    const members = useMemberStore();
    await members.searchFor('  bérard ');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/members');
    expect(Object.fromEntries(api.calls[0]?.query ?? [])).toEqual({
      search: 'bérard',
      limit: String(membersPerPage),
    });
    expect(members.page.map((member) => member.id)).toEqual(['m-1', 'm-2']);
    expect(members.hasNext).toBe(false);
    expect(members.hasPrevious).toBe(false);
  });

  it('goes forward with the cursor the API gave, and back with the ones already seen', async () => {
    const pages: Record<string, StubAnswer> = {
      '': page(['m-1'], 'c-2'),
      'c-2': page(['m-2'], 'c-3'),
      'c-3': page(['m-3']),
    };
    const api = stubApi((call: ApiCall) => pages[call.query.get('cursor') ?? ''] ?? { status: 404 });
    const members = useMemberStore();
    await members.searchFor('');
    await members.nextPage();
    await members.nextPage();
    expect(members.page.map((member) => member.id)).toEqual(['m-3']);
    expect(members.pageNumber).toBe(3);
    expect(members.hasNext).toBe(false);
    await members.previousPage();
    expect(members.page.map((member) => member.id)).toEqual(['m-2']);
    await members.previousPage();
    expect(members.page.map((member) => member.id)).toEqual(['m-1']);
    expect(members.hasPrevious).toBe(false);
    expect(api.calls.map((call) => call.query.get('cursor'))).toEqual([null, 'c-2', 'c-3', 'c-2', null]);
  });

  it('stays on the page it was on when the next one cannot be read', async () => {
    stubApi((call) =>
      call.query.get('cursor')
        ? { status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }
        : page(['m-1'], 'c-2'),
    );
    const members = useMemberStore();
    await members.searchFor('');
    await members.nextPage();
    expect(members.page.map((member) => member.id)).toEqual(['m-1']);
    expect(members.pageNumber).toBe(1);
    expect(members.list.error).toBe('Indisponible.');
  });

  it('shows only the answer to the latest search when typing outruns the network', async () => {
    const slow = deferred<StubAnswer>();
    stubApi((call) => (call.query.get('search') === 'b' ? slow.promise : page(['m-bérard'])));
    const members = useMemberStore();
    const first = members.searchFor('b');
    await members.searchFor('bé');
    slow.resolve(page(['m-other']));
    await first;
    expect(members.page.map((member) => member.id)).toEqual(['m-bérard']);
    expect(members.list.loading).toBe(false);
  });

  it('creates a member and hands the API refusal to the form', async () => {
    stubApi((call) =>
      (call.body as { lastName?: string }).lastName === 'Doublon'
        ? {
            status: 400,
            body: {
              error: 'invalid_input',
              message: 'Téléphone invalide.',
              issues: [{ field: 'phone', message: 'Téléphone invalide.' }],
            },
          }
        : { status: 201, body: aMember({ id: 'm-new', lastName: 'Nouveau' }) },
    );
    const members = useMemberStore();
    const created = await members.createMember({ firstName: 'Ana', lastName: 'Nouveau' });
    expect(members.byId['m-new']).toEqual(created);
    await expect(members.createMember({ firstName: 'Ana', lastName: 'Doublon' })).rejects.toMatchObject({
      status: 400,
      issues: [{ field: 'phone', message: 'Téléphone invalide.' }],
    });
  });

  it('sends the version it read with a change, and keeps the record on a conflict', async () => {
    const api = stubApi(() => ({
      status: 409,
      body: { error: 'conflict', message: 'Quelqu’un d’autre a modifié cette fiche entre-temps.' },
    }));
    const members = useMemberStore();
    members.byId['m-0001'] = aMember({ version: 4 });
    await expect(
      members.updateMember('m-0001', { firstName: 'Élo', lastName: 'Bérard' }, 4),
    ).rejects.toMatchObject({
      status: 409,
    });
    expect(api.calls[0]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/members/m-0001',
      body: { firstName: 'Élo', lastName: 'Bérard', version: 4 },
    });
    expect(members.byId['m-0001']?.firstName).toBe('Élodie');
  });

  it("shows the language of the garden's messages at once (French when never chosen), put back when refused", async () => {
    const refusal = "« Langue des messages » doit être l'une de ces valeurs : fr, en.";
    let refuse = true;
    const api = stubApi(() =>
      refuse
        ? {
            status: 400,
            body: {
              error: 'invalid_input',
              message: refusal,
              issues: [{ field: 'language', message: refusal }],
            },
          }
        : { body: aMember({ language: 'en', version: 2 }) },
    );
    const members = useMemberStore();
    members.byId['m-0001'] = aMember();
    expect(members.languageOf('m-0001')).toBe('fr');

    const refused = members.setLanguage('m-0001', 'en');
    expect(members.languageOf('m-0001')).toBe('en');
    await expect(refused).rejects.toMatchObject({ message: refusal });
    expect(members.languageOf('m-0001')).toBe('fr');

    refuse = false;
    await members.setLanguage('m-0001', 'en');
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/members/m-0001/language',
      body: { language: 'en' },
    });
    expect(members.languageOf('m-0001')).toBe('en');
    expect(members.byId['m-0001']?.version).toBe(2);
  });

  it('shows contact preferences at once, and puts them back with the reason when refused', async () => {
    const refusal =
      'Pour recevoir des SMS, un numéro de téléphone portable doit figurer sur votre fiche : demandez-le à l’équipe du jardin.';
    const api = stubApi((call) =>
      (call.body as { sms: boolean }).sms
        ? {
            status: 400,
            body: { error: 'invalid_input', message: refusal, issues: [{ field: 'sms', message: refusal }] },
          }
        : { body: aMember({ contactPreferences: { email: false, sms: false }, version: 2 }) },
    );
    const members = useMemberStore();
    members.byId['m-0001'] = aMember({ phone: undefined });
    expect(members.contactPreferencesOf('m-0001')).toEqual({ email: true, sms: false });

    const refused = members.setContactPreferences('m-0001', { email: true, sms: true });
    expect(members.contactPreferencesOf('m-0001')).toEqual({ email: true, sms: true });
    await expect(refused).rejects.toMatchObject({ message: refusal });
    expect(members.contactPreferencesOf('m-0001')).toEqual({ email: true, sms: false });

    await members.setContactPreferences('m-0001', { email: false, sms: false });
    expect(api.calls[1]).toMatchObject({
      method: 'PUT',
      path: '/api/gardens/val-du-doubs/members/m-0001/contact-preferences',
      body: { email: false, sms: false },
    });
    expect(members.byId['m-0001']?.version).toBe(2);
  });
});
