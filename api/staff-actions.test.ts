import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Depot } from '../domain/depot.ts';
import type { GardenRulesInput } from '../domain/garden-rules.ts';
import type { Pricing } from '../domain/pricing.ts';
import { verifyActionChain } from '../adapters/store/action-log.ts';
import { gardenPrefix, gardenScope } from './plugins/garden-scope.ts';
import { staffActionRoutes } from './routes/staff-actions.ts';
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

  beforeAll(async () => {
    api = await startTestApi('staff-actions');
    // Until api/app.ts registers the route (asked of the lead), the test registers it in the
    // garden scope, behind the same guard.
    if (!readFileSync(new URL('./app.ts', import.meta.url), 'utf8').includes('staffActionRoutes')) {
      await api.app.register(gardenScope, {
        prefix: `/api${gardenPrefix}`,
        routes: async (garden) => {
          await garden.register(staffActionRoutes);
        },
      });
    }
    [admin, otherAdmin] = await Promise.all([
      createAccount({
        role: 'garden-admin',
        gardenId: api.gardenId,
        firstName: 'Claire',
        lastName: 'Martin',
      }),
      createAccount({ role: 'garden-admin', gardenId: api.otherGardenId }),
    ]);
  });
  afterAll(async () => {
    await deleteAccounts([admin, otherAdmin].filter(Boolean));
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
    const allowing = { ...current, journalForStaff: true } as GardenRulesInput;
    await api.store.settings.saveRules(api.gardenId, allowing, version);
    expect((await journal('', api.accounts.staff)).length).toBeGreaterThan(0);
    expect((await api.call(api.accounts.driver, 'GET', gardenUrl('/staff-actions'))).statusCode).toBe(403);
  });
});
