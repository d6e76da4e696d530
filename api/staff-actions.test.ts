import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Depot } from '../domain/depot.ts';
import type { Member } from '../domain/member.ts';
import type { Pricing } from '../domain/pricing.ts';
import { verifyActionChain } from '../adapters/store/action-log.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';

interface Entry {
  id: string;
  kind: string;
  text: { fr: string; en: string };
  actor?: { id: string; name: string; role?: string };
  changes?: Array<{ field: string; before?: unknown; after?: unknown }>;
  subject: { kind: string; id: string };
  origin?: { ip: string; userAgent: string };
  source: { type: string; seq: number };
}

/** The garden-wide journal of staff actions, through the API on the local stack. */
describe('staff actions journal', () => {
  let api: TestApi;
  let admin: TestAccount;
  let otherAdmin: TestAccount;
  let networkAdmin: TestAccount;

  beforeAll(async () => {
    api = await startTestApi('staff-actions');
    [admin, otherAdmin, networkAdmin] = await Promise.all([
      createAccount({
        role: 'garden-admin',
        gardenId: api.gardenId,
        firstName: 'Claire',
        lastName: 'Martin',
      }),
      createAccount({ role: 'garden-admin', gardenId: api.otherGardenId }),
      createAccount({ role: 'network-admin' }),
    ]);
  });
  afterAll(async () => {
    await deleteAccounts([admin, otherAdmin, networkAdmin].filter(Boolean));
    await api?.close();
  });

  const gardenUrl = (suffix: string, gardenId = api.gardenId) => `/api/gardens/${gardenId}${suffix}`;
  const journal = async (query = '', account: TestAccount = admin) => {
    const response = await api.call(account, 'GET', gardenUrl(`/staff-actions${query}`));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ entries: Entry[]; nextCursor?: string }>().entries;
  };

  it('shows a depot edit with who, before and after, and where it came from', async () => {
    const depot = (await api.store.depots.get(api.gardenId, api.depotId)) as Depot;
    const { id: _id, gardenId: _garden, version, ...input } = depot;
    const response = await api.call(
      api.accounts.staff,
      'PUT',
      gardenUrl(`/depots/${api.depotId}`),
      { ...input, capacity: depot.capacity + 5, version },
      { 'user-agent': 'Mozilla/5.0 (Test) Firefox/140.0' },
    );
    expect(response.statusCode, response.body).toBe(200);

    const [entry] = await journal();
    expect(entry).toMatchObject({
      kind: 'depot.updated',
      subject: { kind: 'depot', id: api.depotId },
      actor: { name: 'Camille M.', role: 'staff' },
      changes: [{ field: 'capacity', before: depot.capacity, after: depot.capacity + 5 }],
      origin: { ip: '127.0.0.1', userAgent: 'Mozilla/5.0 (Test) Firefox/140.0' },
      source: { type: 'action' },
    });
    expect(entry?.text.fr).toBe(
      `Point de dépôt modifié « ${depot.name} » par Camille M. : Capacité ${depot.capacity} → ${depot.capacity + 5}`,
    );

    // A stale edit is refused and logs nothing.
    const stale = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/depots/${api.depotId}`), {
      ...input,
      capacity: 1,
      version,
    });
    expect(stale.statusCode).toBe(409);
    expect((await journal()).map((logged) => logged.id)).toEqual([entry?.id]);
  });

  it('says which price changed, and filters by subject, person and words', async () => {
    const pricing = (await api.call(admin, 'GET', gardenUrl('/pricing'))).json<Pricing>();
    const { version, ...input } = pricing;
    const saved = await api.call(admin, 'PUT', gardenUrl('/pricing'), {
      ...input,
      basketPrices: { ...input.basketPrices, medium: input.basketPrices.medium + 50 },
      version,
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const [latest] = await journal();
    expect(latest?.kind).toBe('pricing.updated');
    expect(latest?.text.fr.replace(/[\u00a0\u202f]/g, ' ')).toMatch(
      /^Prix du panier moyen modifié par Claire M\. : \d+,\d\d € → \d+,\d\d €$/,
    );
    expect((await journal('?subjectKind=depot')).map((entry) => entry.kind)).toEqual(['depot.updated']);
    expect((await journal(`?actorId=${admin.userId}`)).map((entry) => entry.kind)).toEqual([
      'pricing.updated',
    ]);
    expect((await journal('?q=PANIER%20moyen')).map((entry) => entry.kind)).toEqual(['pricing.updated']);
    expect((await journal(`?q=${api.depotId}`)).map((entry) => entry.kind)).toEqual(['depot.updated']);
    expect(await journal('?from=2000-01-01&to=2000-12-31')).toEqual([]);

    const first = await api.call(admin, 'GET', gardenUrl('/staff-actions?limit=1'));
    const page = first.json<{ entries: Entry[]; nextCursor?: string }>();
    expect(page.entries.map((entry) => entry.kind)).toEqual(['pricing.updated']);
    const second = await journal(`?limit=1&cursor=${page.nextCursor ?? ''}`);
    expect(second.map((entry) => entry.kind)).toEqual(['depot.updated']);

    expect(await verifyActionChain(api.store, api.gardenId)).toMatchObject({ ok: true, count: 2 });
  });

  it('exports CSV a spreadsheet opens safely', async () => {
    const depot = (await api.store.depots.get(api.gardenId, api.depotId)) as Depot;
    const { id: _id, gardenId: _garden, version, ...input } = depot;
    await api.call(
      admin,
      'PUT',
      gardenUrl(`/depots/${api.depotId}`),
      { ...input, notes: 'Portail vert', version },
      { 'user-agent': '=HYPERLINK("http://example.org")' },
    );
    const response = await api.call(admin, 'GET', gardenUrl('/staff-actions?format=csv'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body.startsWith('\ufeffDate;N°;Action;Texte;Par;')).toBe(true);
    const lines = response.body.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    // The user agent starting with « = » is text, never a formula.
    expect(lines[1]).toContain(`;"'=HYPERLINK(""http://example.org"")"`);
    expect(lines[1]).toContain('Point de dépôt modifié');
  });

  it('logs team changes (Keycloak) before they are made, and says when one was not', async () => {
    const email = `chauffeur-${api.gardenId}@example.org`.toLowerCase();
    const invitation = { firstName: 'Paul', lastName: 'Roux', email, role: 'driver' };
    const invited = await api.call(admin, 'POST', gardenUrl('/team/invitations'), invitation);
    expect(invited.statusCode, invited.body).toBe(201);
    const { id: userId } = invited.json<{ id: string }>();
    const role = await api.call(admin, 'PUT', gardenUrl(`/team/${userId}/role`), { role: 'staff' });
    expect(role.statusCode, role.body).toBe(200);
    const again = await api.call(admin, 'POST', gardenUrl('/team/invitations'), invitation);
    expect(again.statusCode).toBe(409);

    const entries = await journal('?subjectKind=account');
    expect(entries.map((entry) => entry.kind)).toEqual([
      'account.change-failed',
      'account.invited',
      'account.role-changed',
      'account.invited',
    ]);
    expect(entries[2]).toMatchObject({
      subject: { kind: 'account', id: userId },
      actor: { name: 'Claire M.', role: 'garden-admin' },
      changes: [{ field: 'role', before: 'driver', after: 'staff' }],
    });
    expect(entries[0]?.changes).toEqual([expect.objectContaining({ after: entries[1]?.source.seq })]);
  });

  it('logs golden cases added and removed with the extension', async () => {
    const added = await api.call(admin, 'POST', gardenUrl('/extensions/golden-cases'), {
      hook: 'solidarity-price',
      name: 'plein tarif',
      input: {
        basketSize: 'small',
        frequency: 'weekly',
        household: { quotientFamilial: 1500 },
        prices: { basketPrices: { small: 1200, medium: 1700, large: 2300 }, solidarityTiers: [] },
      },
      output: { tierId: null, basketPrice: 1200 },
    });
    expect(added.statusCode, added.body).toBe(201);
    const { id } = added.json<{ id: string }>();
    const removed = await api.call(
      admin,
      'DELETE',
      gardenUrl(`/extensions/golden-cases/solidarity-price/${id}`),
    );
    expect(removed.statusCode).toBe(204);
    expect(
      (await api.call(admin, 'DELETE', gardenUrl(`/extensions/golden-cases/solidarity-price/${id}`)))
        .statusCode,
    ).toBe(404);
    const entries = await journal('?subjectKind=extension');
    expect(entries.map((entry) => [entry.kind, entry.text.fr])).toEqual([
      ['extension.golden-case-deleted', 'Cas de référence supprimé « plein tarif » par Claire M.'],
      ['extension.golden-case-saved', 'Cas de référence enregistré « plein tarif » par Claire M.'],
    ]);
    expect(await verifyActionChain(api.store, api.gardenId)).toMatchObject({ ok: true });
  });

  it("logs a household's solidarity tier with the reason given", async () => {
    const given = await api.call(
      api.accounts.staff,
      'PUT',
      gardenUrl(`/members/${api.member.id}/pricing-tier`),
      {
        tierId: 'solidaire',
        reason: 'Quotient familial sous 700',
        version: 0,
      },
    );
    expect(given.statusCode, given.body).toBe(200);
    const [entry] = await journal('?subjectKind=member');
    expect(entry).toMatchObject({
      kind: 'member.tier-given',
      subject: { kind: 'member', id: api.member.id },
      reason: 'Quotient familial sous 700',
      text: { fr: 'Tarif solidaire accordé par Camille M.' },
    });
    expect(entry?.changes).toContainEqual(expect.objectContaining({ field: 'tier', before: null }));
  });

  it('is for garden administrators; staff only when the garden allows it', async () => {
    for (const [who, account] of [
      ['staff', api.accounts.staff],
      ['member', api.accounts.member],
      ['driver', api.accounts.driver],
      // Another garden's token is refused by the garden guard before anything is read (403,
      // as on every garden route).
      ["another garden's admin", otherAdmin],
    ] as const) {
      const response = await api.call(account, 'GET', gardenUrl('/staff-actions'));
      expect(response.statusCode, `${who}: ${response.body}`).toBe(403);
    }
    // Its own garden's log holds nothing of ours.
    const ownLog = await api.call(otherAdmin, 'GET', gardenUrl('/staff-actions', api.otherGardenId));
    expect(ownLog.json<{ entries: Entry[] }>().entries).toEqual([]);

    const rules = await api.store.settings.rules(api.gardenId);
    const { version, ...current } = rules;
    await api.store.settings.saveRules(api.gardenId, { ...current, journalForStaff: true }, version);
    expect((await journal('', api.accounts.staff)).length).toBeGreaterThan(0);
    expect((await api.call(api.accounts.driver, 'GET', gardenUrl('/staff-actions'))).statusCode).toBe(403);
  });

  it('is read by a network admin only once they opened the garden, with a reason', async () => {
    for (const format of ['json', 'csv']) {
      const refused = await api.call(networkAdmin, 'GET', gardenUrl(`/staff-actions?format=${format}`));
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.body).toContain('Ouvrez d’abord ce jardin depuis la vue d’ensemble du réseau');
    }
    const opened = await api.call(networkAdmin, 'POST', `/api/network/gardens/${api.gardenId}/open`, {
      reason: 'Ticket 7 : vérification du journal',
    });
    expect(opened.statusCode, opened.body).toBe(204);
    const [entry, ...earlier] = await journal('', networkAdmin);
    expect(entry).toMatchObject({ kind: 'garden.opened', reason: 'Ticket 7 : vérification du journal' });
    expect(earlier.length).toBeGreaterThan(0);
    // Opening this garden opens no other.
    const other = await api.call(networkAdmin, 'GET', gardenUrl('/staff-actions', api.otherGardenId));
    expect(other.statusCode, other.body).toBe(403);
  });

  it("logs staff's changes to a member's record, with before and after; a stale edit logs nothing", async () => {
    const memberUrl = gardenUrl(`/members/${api.member.id}`);
    const read = (await api.call(api.accounts.staff, 'GET', memberUrl)).json<Member>();
    const {
      id: _id,
      gardenId: _garden,
      createdAt: _c,
      updatedAt: _u,
      version,
      location: _l,
      ...fields
    } = read;
    const input = Object.fromEntries(
      Object.entries(fields).filter(([name]) => !['termsAcceptedAt', 'pricingTier'].includes(name)),
    );
    const edited = await api.call(api.accounts.staff, 'PUT', memberUrl, {
      ...input,
      lastName: 'Michel-Roux',
      version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const [entry] = await journal('?subjectKind=member');
    expect(entry).toMatchObject({
      kind: 'member.updated',
      subject: { kind: 'member', id: api.member.id },
      actor: { name: 'Camille M.', role: 'staff' },
      changes: [{ field: 'lastName', before: read.lastName, after: 'Michel-Roux' }],
    });
    expect(entry?.text.fr).toBe(
      `Fiche adhérent modifiée « ${read.email} » par Camille M. : Nom ${read.lastName} → Michel-Roux`,
    );

    const stale = await api.call(api.accounts.staff, 'PUT', memberUrl, { ...input, lastName: 'X', version });
    expect(stale.statusCode).toBe(409);
    expect((await journal('?subjectKind=member'))[0]?.id).toBe(entry?.id);

    const located = await api.call(admin, 'PUT', `${memberUrl}/location`, { lat: 45.76, lng: 4.84 });
    expect(located.statusCode, located.body).toBe(200);
    const [placed] = await journal('?subjectKind=member');
    expect(placed).toMatchObject({
      kind: 'member.located',
      subject: { kind: 'member', id: api.member.id },
      actor: { name: 'Claire M.' },
      changes: [{ field: 'location', after: { lat: 45.76, lng: 4.84 } }],
    });

    const created = await api.call(api.accounts.staff, 'POST', gardenUrl('/members'), {
      firstName: 'Jean',
      lastName: 'Jaurès',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id: newId } = created.json<Member>();
    const [registered] = await journal('?subjectKind=member');
    expect(registered).toMatchObject({ kind: 'member.created', subject: { kind: 'member', id: newId } });
    expect(registered?.changes).toContainEqual(
      expect.objectContaining({ field: 'lastName', after: 'Jaurès' }),
    );
    expect(await verifyActionChain(api.store, api.gardenId)).toMatchObject({ ok: true });
  });
});
