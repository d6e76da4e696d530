import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, isoWeekday } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import type { ScheduledDelivery } from '../domain/delivery-schedule.ts';
import type { Depot, DepotInput } from '../domain/depot.ts';
import type { Member } from '../domain/member.ts';
import type { BasketSize } from '../domain/subscription.ts';
import { weekPreparationId } from '../workflows/week/contract.ts';
import { applyAsStaff, approveAsStaff, startTestApi, type TestApi } from '../tests/support/api.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// The test reads today (this week, next week) once, then runs against services on the real
// clock: it starts clear of the garden's midnight, when they would move on to the next day.
await clearOfMidnight();

const poll = { timeout: 30_000, interval: 500 };

/** Depots and members' places on the map through the API, and how running subscriptions follow a depot. */
describe('depots', () => {
  let api: TestApi;
  const today = gardenDay(new Date());

  beforeAll(async () => {
    api = await startTestApi('depots');
    // A season around the coming weeks: subscriptions here end with their season, and the
    // default calendar's ends with February, which would leave too few deliveries to follow.
    const current = await api.store.settings.calendar(api.gardenId);
    await api.store.settings.saveCalendar(
      api.gardenId,
      {
        seasons: [{ id: 'saison-test', start: addDays(today, -30), end: addDays(today, 200) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      current.version,
      new Date().toISOString(),
    );
  });
  /** Weeks this test prepared: their workflows would otherwise run until the end of the week. */
  const preparedWeeks: string[] = [];
  const week = isoWeek(addDays(today, 7));
  afterAll(async () => {
    for (const prepared of preparedWeeks) {
      await api?.client.workflow
        .getHandle(weekPreparationId(api.gardenId, prepared))
        .terminate('test over')
        .catch(() => undefined);
    }
    await api?.close();
  });

  const gardenUrl = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;

  const input = (changes: Partial<DepotInput> = {}): DepotInput => ({
    name: 'Marché couvert',
    address: { street: '12 rue Battant', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2406, lng: 6.0194 },
    deliveryWeekday: 3,
    openingHours: '16 h – 18 h 30',
    pickupWindow: { start: '16:00', end: '18:30' },
    capacity: 25,
    contact: 'Mme Girard, 03 81 00 00 00',
    notes: 'Sonner au portail vert.',
    ...changes,
  });

  async function create(changes: Partial<DepotInput> = {}): Promise<Depot> {
    const response = await api.call(api.accounts.staff, 'POST', gardenUrl('/depots'), input(changes));
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Depot>();
  }

  /**
   * A new household's weekly subscription at the depot from today, applied for and approved by
   * staff; returns its id.
   */
  async function runningSubscription(
    household: { firstName: string; lastName: string },
    basketSize: BasketSize,
    depotId: string,
  ): Promise<string> {
    const { id: memberId } = await api.createMember(household);
    const applied = await applyAsStaff(api, { memberId, basketSize, depotId, startDate: today });
    expect(applied.statusCode, applied.body).toBe(201);
    const { id } = applied.json<{ id: string }>();
    const approved = await approveAsStaff(api, id);
    expect(approved.statusCode, approved.body).toBe(200);
    return id;
  }

  async function depots(): Promise<Depot[]> {
    const response = await api.call(api.accounts.staff, 'GET', gardenUrl('/depots'));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Depot[]>();
  }

  async function member(id: string): Promise<Member> {
    const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/members/${id}`));
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Member>();
  }

  it('creates a depot (201 with its id, version 1), which the garden lists', async () => {
    const depot = await create({ name: '  Marché couvert  ' });
    expect(depot).toEqual({
      ...input(),
      id: expect.stringMatching(/^d-/),
      gardenId: api.gardenId,
      version: 1,
    });
    expect(await depots()).toContainEqual(depot);
    // Every role of the garden reads the depots (members choose theirs).
    for (const account of [api.accounts.member, api.accounts.driver]) {
      const response = await api.call(account, 'GET', gardenUrl('/depots'));
      expect(response.statusCode, response.body).toBe(200);
    }
    // A home-delivery round, with no pick-up window.
    const round = await create({ name: 'Tournée des villages', homeDelivery: true, pickupWindow: undefined });
    expect(round).toMatchObject({ homeDelivery: true, version: 1 });
    expect(round.pickupWindow).toBeUndefined();
    expect(round.id).not.toBe(depot.id);
  });

  it('updates a depot with the version read; stale is 409 and unknown 404, changing nothing', async () => {
    const depot = await create();
    const url = gardenUrl(`/depots/${depot.id}`);
    const updated = await api.call(api.accounts.staff, 'PUT', url, {
      ...input({ capacity: 40, openingHours: '17 h – 19 h', pickupWindow: { start: '17:00', end: '19:00' } }),
      version: 1,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toEqual({
      ...input({ capacity: 40, openingHours: '17 h – 19 h', pickupWindow: { start: '17:00', end: '19:00' } }),
      id: depot.id,
      gardenId: api.gardenId,
      version: 2,
    });

    const stale = await api.call(api.accounts.staff, 'PUT', url, { ...input({ capacity: 5 }), version: 1 });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/^Quelqu'un d'autre a modifié cette fiche entre-temps/),
    });
    expect((await depots()).find((entry) => entry.id === depot.id)).toMatchObject({
      capacity: 40,
      version: 2,
    });

    const unknown = await api.call(api.accounts.staff, 'PUT', gardenUrl('/depots/d-nulle-part'), {
      ...input(),
      version: 1,
    });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found', message: 'Point de dépôt introuvable.' });
    expect((await depots()).some((entry) => entry.id === 'd-nulle-part')).toBe(false);
  });

  /** Malformed depots, with the French sentence each one gets. */
  const malformed: Array<[string, DepotInput | Record<string, unknown>, RegExp | string]> = [
    ['latitude 200', input({ location: { lat: 200, lng: 6 } }), /ne peut pas dépasser 90\.$/],
    ['longitude -181', input({ location: { lat: 47, lng: -181 } }), /doit être au moins -180\.$/],
    ['weekday 8', input({ deliveryWeekday: 8 }), /ne peut pas dépasser 7\.$/],
    ['weekday 0', input({ deliveryWeekday: 0 }), /doit être au moins 1\.$/],
    ['weekday 2.5', input({ deliveryWeekday: 2.5 }), /n'est pas du bon type\.$/],
    [
      'pick-up window "5pm"',
      input({ pickupWindow: { start: '5pm', end: '19:00' } }),
      /n'a pas le bon format\.$/,
    ],
    ['pick-up window without end', { ...input(), pickupWindow: { start: '17:00' } }, /est obligatoire\.$/],
    [
      'pick-up window with an extra field',
      { ...input(), pickupWindow: { start: '17:00', end: '19:00', day: 'mardi' } },
      'Champ inconnu : day.',
    ],
    ['negative capacity', input({ capacity: -1 }), /doit être au moins 0\.$/],
    ['blank name', input({ name: '   ' }), '« Nom » est obligatoire.'],
    [
      'postal code of four digits',
      input({ address: { street: '1 rue Haute', postalCode: '2500', city: 'Besançon' } }),
      "« Code postal » n'a pas le bon format.",
    ],
    ['unknown field', { ...input(), colour: 'vert' }, 'Champ inconnu : colour.'],
  ];

  it('refuses malformed depots (400) with a French sentence, creating or changing nothing', async () => {
    const existing = await create({ name: 'Dépôt à ne pas abîmer' });
    const before = await depots();
    for (const [what, body, message] of malformed) {
      const created = await api.call(api.accounts.staff, 'POST', gardenUrl('/depots'), body);
      expect(created.statusCode, `POST ${what}: ${created.body}`).toBe(400);
      expect(created.json(), `POST ${what}`).toMatchObject({
        error: 'invalid_input',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
      const updated = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/depots/${existing.id}`), {
        ...body,
        version: existing.version,
      });
      expect(updated.statusCode, `PUT ${what}: ${updated.body}`).toBe(400);
      expect(updated.json(), `PUT ${what}`).toMatchObject({
        error: 'invalid_input',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    }
    expect(await depots()).toEqual(before);
  });

  it('names the refused depot field in French, not by its property name', async () => {
    // The validation messages promise « Nom » rather than "lastName" (domain/field-labels.ts).
    const cases: Array<[string, DepotInput]> = [
      ['latitude 200', input({ location: { lat: 200, lng: 6 } })],
      ['weekday 8', input({ deliveryWeekday: 8 })],
      ['pick-up window "5pm"', input({ pickupWindow: { start: '5pm', end: '19:00' } })],
      ['negative capacity', input({ capacity: -1 })],
    ];
    const messages: string[] = [];
    for (const [what, body] of cases) {
      const response = await api.call(api.accounts.staff, 'POST', gardenUrl('/depots'), body);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(400);
      messages.push(response.json<{ message: string }>().message);
    }
    expect(
      messages.filter((message) => /« (lat|lng|deliveryWeekday|start|end|capacity) »/.test(message)),
    ).toEqual([]);
  });

  it('is for staff only: members, drivers and other gardens get 403, changing nothing', async () => {
    const depot = await create({ name: 'Dépôt gardé' });
    const before = await depots();
    for (const [who, account] of [
      ['member', api.accounts.member],
      ['driver', api.accounts.driver],
      ["another garden's staff", api.accounts.otherStaff],
    ] as const) {
      const created = await api.call(account, 'POST', gardenUrl('/depots'), input());
      expect(created.statusCode, `${who}: ${created.body}`).toBe(403);
      const updated = await api.call(account, 'PUT', gardenUrl(`/depots/${depot.id}`), {
        ...input({ capacity: 1 }),
        version: 1,
      });
      expect(updated.statusCode, `${who}: ${updated.body}`).toBe(403);
    }
    expect((await api.call(undefined, 'POST', gardenUrl('/depots'), input())).statusCode).toBe(401);
    expect(await depots()).toEqual(before);
  });

  describe("a member's place on the map", () => {
    const locationUrl = (memberId: string) => gardenUrl(`/members/${memberId}/location`);

    it('is set by staff (the version moves on); members and drivers get 403', async () => {
      const household = await api.createMember({ firstName: 'Victor', lastName: 'Hugo' });
      const placed = await api.call(api.accounts.staff, 'PUT', locationUrl(household.id), {
        lat: 47.2372,
        lng: 6.0232,
      });
      expect(placed.statusCode, placed.body).toBe(200);
      expect(placed.json()).toMatchObject({
        id: household.id,
        location: { lat: 47.2372, lng: 6.0232 },
        version: household.version + 1,
      });
      expect((await member(household.id)).location).toEqual({ lat: 47.2372, lng: 6.0232 });

      // Not even members on their own record: only staff place homes.
      for (const [who, account, id] of [
        ['member, own record', api.accounts.member, api.member.id],
        ['member, other record', api.accounts.member, household.id],
        ['driver', api.accounts.driver, household.id],
        ["another garden's staff", api.accounts.otherStaff, household.id],
      ] as const) {
        const response = await api.call(account, 'PUT', locationUrl(id), { lat: 1, lng: 1 });
        expect(response.statusCode, `${who}: ${response.body}`).toBe(403);
      }
      expect((await member(household.id)).location).toEqual({ lat: 47.2372, lng: 6.0232 });
      expect((await member(api.member.id)).location).toBeUndefined();

      const unknown = await api.call(api.accounts.staff, 'PUT', locationUrl('m-inconnu'), {
        lat: 47,
        lng: 6,
      });
      expect(unknown.statusCode, unknown.body).toBe(404);
      expect(unknown.json()).toMatchObject({ message: 'Adhérent introuvable.' });
      const invalid = await api.call(api.accounts.staff, 'PUT', locationUrl(household.id), {
        lat: 91,
        lng: 6,
      });
      expect(invalid.statusCode, invalid.body).toBe(400);
      expect(invalid.json()).toMatchObject({
        error: 'invalid_input',
        message: expect.stringMatching(/ne peut pas dépasser 90\.$/),
      });
    });

    it("stays, with the member's contact preferences, when staff later save the member's details", async () => {
      const own = await api.call(
        api.accounts.member,
        'PUT',
        gardenUrl(`/members/${api.member.id}/contact-preferences`),
        { email: false, sms: false },
      );
      expect(own.statusCode, own.body).toBe(200);
      const placed = await api.call(api.accounts.staff, 'PUT', locationUrl(api.member.id), {
        lat: 47.25,
        lng: 6.03,
      });
      expect(placed.statusCode, placed.body).toBe(200);

      const current = await member(api.member.id);
      const saved = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/members/${api.member.id}`), {
        firstName: current.firstName,
        lastName: current.lastName,
        email: current.email,
        notes: 'Portail vert, au fond de la cour',
        householdSize: 3,
        version: current.version,
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json()).toMatchObject({
        notes: 'Portail vert, au fond de la cour',
        householdSize: 3,
        location: { lat: 47.25, lng: 6.03 },
        contactPreferences: { email: false, sms: false },
        version: current.version + 1,
      });
      expect(await member(api.member.id)).toMatchObject({
        location: { lat: 47.25, lng: 6.03 },
        contactPreferences: { email: false, sms: false },
      });

      // A save from the version before the location was set is a conflict, not a silent loss.
      const stale = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/members/${api.member.id}`), {
        firstName: current.firstName,
        lastName: current.lastName,
        version: current.version - 1,
      });
      expect(stale.statusCode, stale.body).toBe(409);
      expect((await member(api.member.id)).location).toEqual({ lat: 47.25, lng: 6.03 });
    });
  });

  it("moves running subscriptions to the depot's new delivery day", async () => {
    const depot = await create({ name: 'Dépôt du mardi', deliveryWeekday: 2 });
    const id = await runningSubscription({ firstName: 'George', lastName: 'Sand' }, 'medium', depot.id);

    const weekdays = async () => {
      const response = await api.call(
        api.accounts.staff,
        'GET',
        gardenUrl(`/subscriptions/${id}/next-deliveries?count=4`),
      );
      expect(response.statusCode, response.body).toBe(200);
      return response.json<ScheduledDelivery[]>().map((delivery) => isoWeekday(delivery.date));
    };
    expect(await weekdays()).toEqual([2, 2, 2, 2]);

    const moved = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/depots/${depot.id}`), {
      ...input({ name: 'Dépôt du mardi', deliveryWeekday: 5 }),
      version: depot.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ deliveryWeekday: 5, version: depot.version + 1 });
    // The garden's running subscriptions hear of it through their workflows.
    await expect.poll(weekdays, poll).toEqual([5, 5, 5, 5]);
  });

  it("moves the baskets of a week already prepared to the depot's new delivery day", async () => {
    const depot = await create({ name: 'Dépôt du mercredi', deliveryWeekday: 3 });
    const id = await runningSubscription({ firstName: 'Jules', lastName: 'Verne' }, 'large', depot.id);

    // Next week is prepared: its baskets are planned, the composition awaits.
    const started = await api.call(api.accounts.staff, 'POST', gardenUrl(`/weeks/${week}/preparation`));
    expect(started.statusCode, started.body).toBe(202);
    preparedWeeks.push(week);
    const phase = async () =>
      (await api.call(api.accounts.staff, 'GET', gardenUrl(`/weeks/${week}`))).json<{
        progress?: { phase: string };
      }>().progress?.phase;
    await expect.poll(phase, poll).toBe('awaiting-composition');
    const basketDays = async () => {
      const response = await api.call(api.accounts.staff, 'GET', gardenUrl(`/weeks/${week}/baskets`));
      expect(response.statusCode, response.body).toBe(200);
      return response
        .json<Array<{ depotId: string; date: string }>>()
        .filter((basket) => basket.depotId === depot.id)
        .map((basket) => isoWeekday(basket.date));
    };
    expect(await basketDays()).toEqual([3]);

    const moved = await api.call(api.accounts.staff, 'PUT', gardenUrl(`/depots/${depot.id}`), {
      ...input({ name: 'Dépôt du mercredi', deliveryWeekday: 5 }),
      version: depot.version,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    // The subscription follows at once…
    await expect
      .poll(async () => {
        const response = await api.call(
          api.accounts.staff,
          'GET',
          gardenUrl(`/subscriptions/${id}/next-deliveries?count=2`),
        );
        return response.json<ScheduledDelivery[]>().map((delivery) => isoWeekday(delivery.date));
      }, poll)
      .toEqual([5, 5]);
    // …and so should the week's baskets, sheets and counts (it is still before the cutoff).
    await expect.poll(basketDays, poll).toEqual([5]);
  });
});
