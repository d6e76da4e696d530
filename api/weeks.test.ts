import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, type IsoDate } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { cutoffOf } from '../domain/delivery-calendar.ts';
import { type CompositionInput, type WeekComposition } from '../domain/delivery-week.ts';
import { mondayOfWeek } from '../domain/iso-weeks.ts';
import type { Product } from '../domain/products.ts';
import type { BasketSize } from '../domain/subscription.ts';
import { weekPreparationId } from '../workflows/week/contract.ts';
import { applyAsStaff, approveAsStaff, startTestApi, type TestApi } from '../tests/support/api.ts';
import { ensureTestSender } from '../tests/support/moto.ts';
import type { TestAccount } from '../tests/support/keycloak.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// The test reads today (this week, next week) once, then runs against services on the real
// clock: it starts clear of the garden's midnight, when they would move on to the next day.
await clearOfMidnight();

type Counts = Record<BasketSize, number>;

interface WeekView {
  week: string;
  progress?: {
    phase: string;
    planned: number;
    total: number;
    deadline?: string;
    approval?: { by: { userId: string; name: string }; at: string };
  };
  counts?: { total: Counts; byDepot: Record<string, Counts> };
  overCapacity: Array<{ depotId: string; baskets: number; capacity: number }>;
  absences: number;
  composition?: WeekComposition;
  documents: Array<{ name: string; title: string; depotId?: string }>;
}

interface BasketLine {
  date: string;
  depotId: string;
  memberId: string;
  memberName: string;
  basketSize: BasketSize;
  baskets: number;
  state: 'planned' | 'absent';
  notes?: string;
}

const paris = 'Europe/Paris';
const poll = { timeout: 30_000, interval: 300 };

/**
 * The garden's product catalogue through the API, on the real stack: who may change it,
 * versions, validation.
 */
describe('products', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi('products');
  });
  afterAll(() => api?.close());

  const productsUrl = (suffix = '') => `/api/gardens/${api.gardenId}/products${suffix}`;

  async function create(name: string, unit: Product['unit'], active = true): Promise<Product> {
    const response = await api.call(api.accounts.staff, 'POST', productsUrl(), { name, unit, active });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Product>();
  }

  async function list(account: TestAccount = api.accounts.staff): Promise<Product[]> {
    const response = await api.call(account, 'GET', productsUrl());
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Product[]>();
  }

  it('creates products (201, trimmed, version 1) and lists them by name, the French way', async () => {
    const leeks = await create('  Poireaux  ', 'bunch');
    expect(leeks).toEqual({
      id: expect.stringMatching(/^p-/),
      gardenId: api.gardenId,
      name: 'Poireaux',
      unit: 'bunch',
      active: true,
      version: 1,
    });
    await create('Échalotes', 'kg');
    await create('carottes', 'kg');
    await create('Courge butternut', 'piece', false);
    await create('Betteraves', 'kg');
    expect((await list()).map((product) => product.name)).toEqual([
      'Betteraves',
      'carottes',
      'Courge butternut',
      'Échalotes',
      'Poireaux',
    ]);
  });

  it('updates a product with the version read; a stale version is a conflict (409) and changes nothing', async () => {
    const product = await create('Radis', 'bunch');
    const url = productsUrl(`/${product.id}`);
    const updated = await api.call(api.accounts.staff, 'PUT', url, {
      name: ' Radis noirs ',
      unit: 'piece',
      active: false,
      version: 1,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toEqual({
      ...product,
      name: 'Radis noirs',
      unit: 'piece',
      active: false,
      version: 2,
    });

    const stale = await api.call(api.accounts.staff, 'PUT', url, {
      name: 'Radis roses',
      unit: 'bunch',
      active: true,
      version: 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/^Quelqu'un d'autre a modifié cette fiche entre-temps/),
    });
    expect((await list()).find((entry) => entry.id === product.id)).toMatchObject({
      name: 'Radis noirs',
      version: 2,
    });

    const unknown = await api.call(api.accounts.staff, 'PUT', productsUrl('/p-inconnu'), {
      name: 'Navets',
      unit: 'kg',
      active: true,
      version: 1,
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found', message: 'Produit introuvable.' });
    expect((await list()).some((entry) => entry.id === 'p-inconnu')).toBe(false);
  });

  it('refuses unknown fields and malformed products (400), creating nothing', async () => {
    const before = await list();
    const cases: Array<[unknown, string | RegExp]> = [
      [{ name: 'Navets', unit: 'kg', active: true, price: 3 }, 'Champ inconnu : price.'],
      [{ name: '   ', unit: 'kg', active: true }, '« Nom » est obligatoire.'],
      [
        { name: 'Navets', unit: 'tonne', active: true },
        /doit être l'une de ces valeurs : kg, bunch, piece\.$/,
      ],
      [{ name: 'Navets', unit: 'kg' }, /est obligatoire\.$/],
    ];
    for (const [body, message] of cases) {
      const response = await api.call(api.accounts.staff, 'POST', productsUrl(), body);
      expect(response.statusCode, `${JSON.stringify(body)}: ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({
        error: 'invalid_input',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    }
    const product = before[0] as Product;
    const extra = await api.call(api.accounts.staff, 'PUT', productsUrl(`/${product.id}`), {
      name: product.name,
      unit: product.unit,
      active: product.active,
      version: product.version,
      gardenId: 'ailleurs',
    });
    expect(extra.statusCode, extra.body).toBe(400);
    expect(extra.json()).toMatchObject({ error: 'invalid_input', message: 'Champ inconnu : gardenId.' });
    expect(await list()).toEqual(before);
  });

  it('is for staff only: members, drivers and other gardens get 403, and nothing changes', async () => {
    const product = (await list())[0] as Product;
    const before = await list();
    const calls = [
      { method: 'GET' as const, url: productsUrl(), body: undefined },
      { method: 'POST' as const, url: productsUrl(), body: { name: 'Navets', unit: 'kg', active: true } },
      {
        method: 'PUT' as const,
        url: productsUrl(`/${product.id}`),
        body: { name: 'Volé', unit: 'kg', active: true, version: product.version },
      },
    ];
    for (const { method, url, body } of calls) {
      for (const [who, account] of [
        ['member', api.accounts.member],
        ['driver', api.accounts.driver],
        ["another garden's staff", api.accounts.otherStaff],
      ] as const) {
        const response = await api.call(account, method, url, body);
        expect(response.statusCode, `${who} ${method} ${url}: ${response.body}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'forbidden' });
      }
      expect((await api.call(undefined, method, url, body)).statusCode).toBe(401);
    }
    // Staff of this garden cannot reach another garden's catalogue either.
    const elsewhere = await api.call(api.accounts.staff, 'GET', `/api/gardens/${api.otherGardenId}/products`);
    expect(elsewhere.statusCode, elsewhere.body).toBe(403);
    expect(await list()).toEqual(before);
  });
});

/**
 * A whole delivery week through the API, against the real workflows: subscriptions approved,
 * the week prepared, counted, shown in the inbox, its composition saved and approved, the
 * documents printed, a late absence absorbed.
 */
describe('a delivery week', () => {
  let api: TestApi;
  const today = gardenDay(new Date());
  /** Next week: already prepared weeks (this one and the next) hear of late absences. */
  const week = isoWeek(addDays(today, 7));
  const nextWeek = isoWeek(addDays(today, 14));
  const previousWeek = isoWeek(addDays(today, 0));
  const notPrepared = isoWeek(addDays(today, 21));
  const tuesday: IsoDate = addDays(mondayOfWeek(week), 1);
  const thursday: IsoDate = addDays(mondayOfWeek(week), 3);
  /** A short cutoff, so that next week's deliveries are still open to absences whatever the day. */
  const cutoffHours = 24;
  let thursdayDepot: string;
  const products: Record<'carrots' | 'leeks' | 'squash', string> = { carrots: '', leeks: '', squash: '' };
  /** The running subscriptions, with what they are expected to get this week. */
  const subscriptions: Array<{ id: string; name: string; basketSize: BasketSize; depotId: string }> = [];
  let pendingId: string;

  const gardenUrl = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;
  const weekUrl = (suffix = '', which = week) => gardenUrl(`/weeks/${which}${suffix}`);

  async function readWeek(which = week): Promise<WeekView> {
    const response = await api.call(api.accounts.staff, 'GET', weekUrl('', which));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<WeekView>();
  }

  async function apply(memberId: string, basketSize: BasketSize, depotId: string): Promise<string> {
    const applied = await applyAsStaff(api, { memberId, basketSize, depotId, startDate: today });
    expect(applied.statusCode, applied.body).toBe(201);
    return applied.json<{ id: string }>().id;
  }

  async function activeSubscription(
    member: { id: string; name: string },
    basketSize: BasketSize,
    depotId: string,
  ): Promise<void> {
    const id = await apply(member.id, basketSize, depotId);
    const approved = await approveAsStaff(api, id);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'active' });
    subscriptions.push({ id, name: member.name, basketSize, depotId });
  }

  async function putComposition(
    baskets: CompositionInput,
    version: number,
    which = week,
    account: TestAccount = api.accounts.staff,
  ) {
    return api.call(account, 'PUT', weekUrl('/composition', which), { ...baskets, version });
  }

  const composition = (): CompositionInput => ({
    small: [
      { productId: products.carrots, quantity: 0.5 },
      { productId: products.leeks, quantity: 1 },
    ],
    medium: [
      { productId: products.carrots, quantity: 1 },
      { productId: products.leeks, quantity: 1 },
    ],
    large: [
      { productId: products.carrots, quantity: 1.5 },
      { productId: products.leeks, quantity: 2 },
      { productId: products.squash, quantity: 1 },
    ],
  });

  beforeAll(async () => {
    api = await startTestApi('weeks');
    // The week's workflow may remind staff by email at once (early in the week): moto must accept it.
    await ensureTestSender();

    // A season around the coming weeks, whatever the default calendar covers.
    const calendar = await api.call(api.accounts.staff, 'GET', gardenUrl('/calendar'));
    const saved = await api.call(api.accounts.staff, 'PUT', gardenUrl('/calendar'), {
      seasons: [{ id: 'saison-test', start: addDays(today, -30), end: addDays(today, 200) }],
      closedWeeks: [],
      cutoffHours,
      version: calendar.json<{ version: number }>().version,
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const depot = await api.call(api.accounts.staff, 'POST', gardenUrl('/depots'), {
      name: 'Épicerie du jeudi',
      address: { street: '3 rue de la Fontaine', postalCode: '25410', city: 'Saint-Vit' },
      location: { lat: 47.18, lng: 5.81 },
      deliveryWeekday: 4,
      openingHours: '17 h – 19 h',
      capacity: 30,
    });
    expect(depot.statusCode, depot.body).toBe(201);
    thursdayDepot = depot.json<{ id: string }>().id;

    for (const [key, name, unit] of [
      ['carrots', 'Carottes', 'kg'],
      ['leeks', 'Poireaux', 'bunch'],
      ['squash', 'Courge', 'piece'],
    ] as const) {
      const created = await api.call(api.accounts.staff, 'POST', gardenUrl('/products'), {
        name,
        unit,
        active: true,
      });
      expect(created.statusCode, created.body).toBe(201);
      products[key] = created.json<Product>().id;
    }

    // The test's member (who has an account, to report an absence) and four more households.
    await activeSubscription({ id: api.member.id, name: 'Louise Michel' }, 'small', api.depotId);
    const people: Array<[string, string, BasketSize, string]> = [
      ['Jean', 'Jaurès', 'medium', api.depotId],
      ['Olympe', 'de Gouges', 'large', api.depotId],
      ['Simone', 'Weil', 'medium', thursdayDepot],
      ['Lucie', 'Aubrac', 'large', thursdayDepot],
    ];
    for (const [firstName, lastName, size, depotId] of people) {
      const member = await api.createMember({ firstName, lastName });
      await activeSubscription({ id: member.id, name: `${firstName} ${lastName}` }, size, depotId);
    }
    // An application nobody decided on yet: no basket.
    const waiting = await api.createMember({ firstName: 'Rosa', lastName: 'Bonheur' });
    pendingId = await apply(waiting.id, 'large', api.depotId);
  });

  afterAll(async () => {
    // The week's workflow would run until the end of the week: end it with the test.
    for (const prepared of [week, nextWeek]) {
      await api?.client.workflow
        .getHandle(weekPreparationId(api.gardenId, prepared))
        .terminate('test over')
        .catch(() => undefined);
    }
    await api?.close();
  });

  const expectedCounts = () => ({
    [api.depotId]: { small: 1, medium: 1, large: 1 },
    [thursdayDepot]: { small: 0, medium: 1, large: 1 },
  });

  it('shows a week nobody prepared yet without progress nor counts', async () => {
    expect(await readWeek(notPrepared)).toEqual({
      week: notPrepared,
      overCapacity: [],
      absences: 0,
      documents: [],
    });
  });

  it('starts the preparation once (202, then started:false) and counts the running subscriptions', async () => {
    const first = await api.call(api.accounts.staff, 'POST', weekUrl('/preparation'));
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toEqual({ started: true });
    const second = await api.call(api.accounts.staff, 'POST', weekUrl('/preparation'));
    expect(second.statusCode, second.body).toBe(202);
    expect(second.json()).toEqual({ started: false });

    await expect.poll(async () => (await readWeek()).progress?.phase, poll).toBe('awaiting-composition');
    const view = await readWeek();
    expect(view.progress).toEqual({
      phase: 'awaiting-composition',
      planned: 5,
      total: 5,
      deadline: cutoffOf(tuesday, cutoffHours, paris).toISOString(),
    });
    expect(view.counts).toEqual({ total: { small: 1, medium: 2, large: 2 }, byDepot: expectedCounts() });
    expect(view).toMatchObject({ overCapacity: [], absences: 0, documents: [] });
    expect(view.composition).toBeUndefined();
    // The pending application has no basket.
    expect(subscriptions.some((subscription) => subscription.id === pendingId)).toBe(false);
  });

  it('puts the week in the staff inbox while its composition waits', async () => {
    const weekItem = async () => {
      const response = await api.call(api.accounts.staff, 'GET', gardenUrl('/inbox'));
      expect(response.statusCode, response.body).toBe(200);
      return response
        .json<{ items: Array<{ kind: string; week?: { week: string } }> }>()
        .items.find((item) => item.kind === 'week-composition');
    };
    await expect.poll(weekItem, poll).toBeDefined();
    expect(await weekItem()).toEqual({
      kind: 'week-composition',
      since: expect.any(String),
      week: {
        week,
        deadline: cutoffOf(tuesday, cutoffHours, paris).toISOString(),
        total: { small: 1, medium: 2, large: 2 },
      },
    });
  });

  it('refuses to approve an empty composition (422) in French, and nothing changes', async () => {
    const before = await readWeek();
    const response = await api.call(api.accounts.staff, 'POST', weekUrl('/approval'));
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message: 'Le panier petit de la semaine est vide : composez-le avant de valider.',
    });
    expect(await readWeek()).toEqual(before);
    expect(before.progress?.approval).toBeUndefined();

    // A week whose preparation has not started cannot be approved.
    const early = await api.call(api.accounts.staff, 'POST', weekUrl('/approval', notPrepared));
    expect(early.statusCode, early.body).toBe(404);
    expect(early.json()).toMatchObject({
      error: 'not_found',
      message: "La préparation de cette semaine n'a pas encore commencé.",
    });
  });

  it('has nothing to copy while last week has no composition (404)', async () => {
    const response = await api.call(api.accounts.staff, 'POST', weekUrl('/composition/copy-previous'));
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json()).toMatchObject({
      error: 'not_found',
      message: "La semaine précédente n'a pas de composition à reprendre.",
    });
    expect((await readWeek()).composition).toBeUndefined();
  });

  it('saves the composition with versions: 0 → 1, stale 409, unknown product 404', async () => {
    const created = await putComposition(composition(), 0);
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json()).toEqual({
      gardenId: api.gardenId,
      week,
      baskets: composition(),
      updatedAt: expect.any(String),
      updatedBy: { userId: api.accounts.staff.userId, name: 'Camille Martin' },
      version: 1,
    });

    const stale = await putComposition({ ...composition(), small: [] }, 0);
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'conflict' });

    const unknown = await putComposition(
      { ...composition(), medium: [{ productId: 'p-inconnu', quantity: 1 }] },
      1,
    );
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found', message: 'Produit p-inconnu introuvable.' });

    const malformed = await putComposition(
      { ...composition(), small: [{ productId: products.carrots, quantity: 0 }] },
      1,
    );
    expect(malformed.statusCode, malformed.body).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'invalid_input' });

    expect((await readWeek()).composition).toMatchObject({ version: 1, baskets: composition() });
  });

  it("starts a week's composition from last week's when there is one", async () => {
    // Last week of `nextWeek` is the prepared week, which now has a composition.
    const copied = await api.call(
      api.accounts.staff,
      'POST',
      weekUrl('/composition/copy-previous', nextWeek),
    );
    expect(copied.statusCode, copied.body).toBe(200);
    expect(copied.json()).toMatchObject({ week: nextWeek, baskets: composition(), version: 1 });
    // Only while the week has none: a second copy would overwrite it.
    const again = await api.call(api.accounts.staff, 'POST', weekUrl('/composition/copy-previous', nextWeek));
    expect(again.statusCode, again.body).toBe(409);
    expect((await readWeek(nextWeek)).composition).toMatchObject({ version: 1 });

    // This week's own previous week (the current one) still has none.
    expect((await readWeek(previousWeek)).composition).toBeUndefined();
  });

  it('approves the composition: documents printed (PDF), one sheet per depot, inbox cleared', async () => {
    const response = await api.call(api.accounts.staff, 'POST', weekUrl('/approval'));
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json<{ phase: string; documents: Array<{ name: string; title: string }> }>();
    expect(answer.phase).toBe('ready');
    expect(answer.documents.map((document) => document.name).sort()).toEqual(
      ['recolte.pdf', `emargement-${api.depotId}.pdf`, `emargement-${thursdayDepot}.pdf`].sort(),
    );
    expect(answer.documents.find((document) => document.name === 'recolte.pdf')?.title).toMatch(
      new RegExp(`^Liste de récolte — semaine ${week.slice(6)} `),
    );
    expect(
      answer.documents.find((document) => document.name === `emargement-${thursdayDepot}.pdf`)?.title,
    ).toBe("Feuille d'émargement — Épicerie du jeudi");

    const view = await readWeek();
    expect(view.progress).toMatchObject({
      phase: 'ready',
      approval: { by: { userId: api.accounts.staff.userId, name: 'Camille Martin' }, at: expect.any(String) },
    });
    expect(view.documents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'recolte.pdf' }),
        expect.objectContaining({ name: `emargement-${api.depotId}.pdf`, depotId: api.depotId }),
        expect.objectContaining({ name: `emargement-${thursdayDepot}.pdf`, depotId: thursdayDepot }),
      ]),
    );
    expect(view.documents).toHaveLength(3);

    for (const { name } of view.documents) {
      const file = await api.call(api.accounts.staff, 'GET', weekUrl(`/documents/${name}`));
      expect(file.statusCode, `${name}: ${file.body.slice(0, 200)}`).toBe(200);
      expect(file.headers['content-type']).toMatch(/^application\/pdf/);
      expect(file.rawPayload.subarray(0, 4).toString('latin1')).toBe('%PDF');
      expect(file.rawPayload.length).toBeGreaterThan(500);
    }
    const missing = await api.call(api.accounts.staff, 'GET', weekUrl('/documents/autre.pdf'));
    expect(missing.statusCode, missing.body).toBe(404);

    // The week no longer waits on anyone.
    await expect
      .poll(async () => {
        const inbox = await api.call(api.accounts.staff, 'GET', gardenUrl('/inbox'));
        return inbox.json<{ items: Array<{ kind: string }> }>().items.map((item) => item.kind);
      }, poll)
      .not.toContain('week-composition');
  });

  it('refuses to change or approve again an approved composition (422), changing nothing', async () => {
    const before = await readWeek();
    const change = await putComposition({ ...composition(), small: [] }, 1);
    expect(change.statusCode, change.body).toBe(422);
    expect(change.json()).toMatchObject({
      error: 'refused',
      message: 'La composition de cette semaine est déjà validée : les documents sont imprimés.',
    });
    const twice = await api.call(api.accounts.staff, 'POST', weekUrl('/approval'));
    expect(twice.statusCode, twice.body).toBe(422);
    expect(twice.json()).toMatchObject({
      error: 'refused',
      message: 'La composition de cette semaine est déjà validée.',
    });
    expect(await readWeek()).toEqual(before);
  });

  it("lists the week's baskets with the members' names, by depot then name", async () => {
    const response = await api.call(api.accounts.staff, 'GET', weekUrl('/baskets'));
    expect(response.statusCode, response.body).toBe(200);
    const baskets = response.json<BasketLine[]>();
    const expected = subscriptions.map((subscription) => ({
      date: subscription.depotId === thursdayDepot ? thursday : tuesday,
      depotId: subscription.depotId,
      memberName: subscription.name,
      basketSize: subscription.basketSize,
      baskets: 1,
      state: 'planned',
    }));
    const byName = (a: { memberName: string }, b: { memberName: string }) =>
      a.memberName.localeCompare(b.memberName, 'fr');
    expect(baskets.map(({ memberId: _memberId, ...rest }) => rest).sort(byName)).toEqual(
      expected.sort(byName),
    );
    expect(baskets).toHaveLength(5);
    expect(baskets.find((line) => line.memberName === 'Louise Michel')?.memberId).toBe(api.member.id);
    const order = baskets.map((line) => `${line.depotId} ${line.memberName}`);
    const sorted = [...baskets]
      .sort((a, b) => a.depotId.localeCompare(b.depotId) || a.memberName.localeCompare(b.memberName, 'fr'))
      .map((line) => `${line.depotId} ${line.memberName}`);
    expect(order).toEqual(sorted);
  });

  it("takes a member's late absence off the week's counts, baskets and sheets", async () => {
    const louise = subscriptions[0]!;
    const sheet = async () =>
      (await api.call(api.accounts.staff, 'GET', weekUrl(`/documents/emargement-${api.depotId}.pdf`)))
        .rawPayload;
    const sheetBefore = await sheet();
    const reported = await api.call(
      api.accounts.member,
      'POST',
      gardenUrl(`/subscriptions/${louise.id}/absences`),
      { dates: [tuesday] },
    );
    expect(reported.statusCode, reported.body).toBe(200);

    // The subscription's workflow tells the prepared week, which plans that subscription again.
    await expect
      .poll(async () => (await readWeek()).counts?.byDepot[api.depotId], poll)
      .toEqual({ small: 0, medium: 1, large: 1 });
    const view = await readWeek();
    expect(view.counts?.total).toEqual({ small: 0, medium: 2, large: 2 });
    await expect.poll(async () => (await readWeek()).absences, poll).toBe(1);
    expect(view.progress?.phase).toBe('ready');

    const baskets = (await api.call(api.accounts.staff, 'GET', weekUrl('/baskets'))).json<BasketLine[]>();
    expect(baskets.find((line) => line.memberName === 'Louise Michel')).toMatchObject({
      state: 'absent',
      baskets: 0,
      date: tuesday,
    });
    // The sheets were printed again (without her), still one per depot.
    await expect.poll(async () => (await sheet()).equals(sheetBefore), poll).toBe(false);
    expect((await sheet()).subarray(0, 4).toString('latin1')).toBe('%PDF');
    expect((await readWeek()).documents).toHaveLength(3);
  });

  it('lists the prepared weeks, most recent first', async () => {
    const response = await api.call(api.accounts.staff, 'GET', gardenUrl('/weeks'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual([
      {
        week,
        total: { small: 0, medium: 2, large: 2 },
        byDepot: { ...expectedCounts(), [api.depotId]: { small: 0, medium: 1, large: 1 } },
        absences: 1,
      },
    ]);
    for (const limit of ['0', '53', 'beaucoup']) {
      const refused = await api.call(api.accounts.staff, 'GET', gardenUrl(`/weeks?limit=${limit}`));
      expect(refused.statusCode, `limit=${limit}: ${refused.body}`).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'invalid_input' });
    }
  });

  it('gives a basket in the prepared week to an application approved afterwards', async () => {
    const approved = await approveAsStaff(api, pendingId);
    expect(approved.statusCode, approved.body).toBe(200);
    await expect
      .poll(async () => (await readWeek()).counts?.byDepot[api.depotId], poll)
      .toEqual({ small: 0, medium: 1, large: 2 });
    const baskets = (await api.call(api.accounts.staff, 'GET', weekUrl('/baskets'))).json<BasketLine[]>();
    expect(baskets.find((line) => line.memberName === 'Rosa Bonheur')).toMatchObject({
      state: 'planned',
      basketSize: 'large',
      baskets: 1,
      date: tuesday,
    });
    expect(baskets).toHaveLength(6);
  });

  it('prepares only this week and the next (422 in French for a later week), starting nothing', async () => {
    const refused = await api.call(api.accounts.staff, 'POST', weekUrl('/preparation', nextWeek));
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json<{ message: string }>().message).toMatch(
      /^Seules la semaine en cours \(\d{4}-W\d{2}\) et la suivante/,
    );
    expect((await readWeek(nextWeek)).progress).toBeUndefined();
    const described = await api.client.workflow
      .getHandle(weekPreparationId(api.gardenId, nextWeek))
      .describe()
      .then(() => 'started')
      .catch(() => 'not started');
    expect(described).toBe('not started');
  });

  it('refuses weeks that do not exist on every route (404; 400 when not a week at all), starting nothing', async () => {
    const routes = (which: string) => [
      { method: 'GET' as const, url: weekUrl('', which), body: undefined },
      { method: 'PUT' as const, url: weekUrl('/composition', which), body: { ...composition(), version: 0 } },
      { method: 'POST' as const, url: weekUrl('/composition/copy-previous', which), body: undefined },
      { method: 'POST' as const, url: weekUrl('/preparation', which), body: undefined },
      { method: 'POST' as const, url: weekUrl('/approval', which), body: undefined },
      { method: 'GET' as const, url: weekUrl('/baskets', which), body: undefined },
    ];
    // 2027 has 52 weeks: its week 53 has the shape of a week, and is not found.
    for (const which of ['2026-W60', '2027-W53', '2026-W00']) {
      for (const { method, url, body } of routes(which)) {
        const response = await api.call(api.accounts.staff, method, url, body);
        const status = which === '2027-W53' ? 404 : 400;
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
        expect(response.json()).toMatchObject(
          status === 404
            ? { error: 'not_found', message: `La semaine ${which} n'existe pas.` }
            : { error: 'invalid_input' },
        );
      }
      const started = await api.client.workflow
        .getHandle(weekPreparationId(api.gardenId, which))
        .describe()
        .then(
          () => true,
          () => false,
        );
      expect(started, `a workflow for ${which}`).toBe(false);
    }
    for (const which of ['abc', '2026-49', '2026-W5']) {
      for (const { method, url, body } of routes(which)) {
        const response = await api.call(api.accounts.staff, method, url, body);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({ error: 'invalid_input' });
      }
    }
  });

  it('is for staff of the garden only: members, drivers, other gardens get 403, nothing changes', async () => {
    const before = await readWeek();
    const routes = (gardenId: string, which: string) => {
      const url = (suffix: string) => `/api/gardens/${gardenId}/weeks/${which}${suffix}`;
      return [
        { method: 'GET' as const, url: `/api/gardens/${gardenId}/weeks`, body: undefined },
        { method: 'GET' as const, url: url(''), body: undefined },
        { method: 'PUT' as const, url: url('/composition'), body: { ...composition(), version: 2 } },
        { method: 'POST' as const, url: url('/composition/copy-previous'), body: undefined },
        { method: 'POST' as const, url: url('/preparation'), body: undefined },
        { method: 'POST' as const, url: url('/approval'), body: undefined },
        { method: 'GET' as const, url: url('/baskets'), body: undefined },
        { method: 'GET' as const, url: url('/documents/recolte.pdf'), body: undefined },
      ];
    };
    const callers = [
      ['member', api.accounts.member, api.gardenId],
      ['driver', api.accounts.driver, api.gardenId],
      ["another garden's staff", api.accounts.otherStaff, api.gardenId],
      ['staff, in another garden', api.accounts.staff, api.otherGardenId],
    ] as const;
    for (const [who, account, gardenId] of callers) {
      for (const which of [week, notPrepared]) {
        for (const { method, url, body } of routes(gardenId, which)) {
          const response = await api.call(account, method, url, body);
          expect(response.statusCode, `${who} ${method} ${url}: ${response.body}`).toBe(403);
          expect(response.json()).toMatchObject({ error: 'forbidden' });
        }
      }
    }
    for (const { method, url, body } of routes(api.gardenId, notPrepared)) {
      expect((await api.call(undefined, method, url, body)).statusCode, `${method} ${url}`).toBe(401);
    }
    expect(await readWeek()).toEqual(before);
    expect(await readWeek(notPrepared)).toEqual({
      week: notPrepared,
      overCapacity: [],
      absences: 0,
      documents: [],
    });
  });
});
