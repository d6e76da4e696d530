import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  formatDay,
  gardenDay,
  gardenTimeZone,
  isoWeekday,
  type IsoDate,
} from '../domain/calendar.ts';
import { changeDeadline } from '../domain/change-deadline.ts';
import { cutoffOf, seasonOf, type DeliveryCalendar, type Season } from '../domain/delivery-calendar.ts';
import {
  absenceRefusal,
  firstChangeableDelivery,
  upcomingDeliveries,
  type ScheduleContext,
  type ScheduledDelivery,
} from '../domain/delivery-schedule.ts';
import { defaultGardenRules } from '../domain/garden-rules.ts';
import type { Subscription } from '../domain/subscription.ts';
import { approvedSubscription, startTestApi, type TestApi } from '../tests/support/api.ts';
import { addThursdayDepot } from '../tests/support/environment.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../tests/support/keycloak.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// The test reads today (this week, next week) once, then runs against services on the real
// clock: it starts clear of the garden's midnight, when they would move on to the next day.
await clearOfMidnight();

type Delivery = ScheduledDelivery & { depotName?: string };

/**
 * What members and staff do to a running subscription, through the API, against the real
 * workflows: who may act, what is refused and why, and that a refusal changes nothing.
 */
describe('actions on a subscription', () => {
  let api: TestApi;
  let otherMember: TestAccount;
  const thursdayDepot = 'd-jeudi';
  const today = gardenDay(new Date());
  // A season around today and the next one, so season subscriptions can renew once.
  const seasonOne: Season = { id: 'saison-1', start: addDays(today, -60), end: addDays(today, 150) };
  const seasonTwo: Season = { id: 'saison-2', start: addDays(today, 151), end: addDays(today, 500) };
  // A week's cutoff: the first coming delivery is always fixed already.
  const cutoffHours = 168;
  let context: ScheduleContext;

  beforeAll(async () => {
    api = await startTestApi('actions');
    await addThursdayDepot(api.store, api.gardenId);
    const current = await api.store.settings.calendar(api.gardenId);
    const calendar = await api.store.settings.saveCalendar(
      api.gardenId,
      { seasons: [seasonOne, seasonTwo], closedWeeks: [], cutoffHours },
      current.version,
      new Date().toISOString(),
    );
    context = {
      calendar,
      depotWeekdays: { [api.depotId]: 2, [thursdayDepot]: 4 },
      absencePolicy: defaultGardenRules.absencePolicy,
    };
    const someoneElse = await api.createMember({ firstName: 'Jean', lastName: 'Moulin' });
    otherMember = await createAccount({ role: 'member', gardenId: api.gardenId, memberId: someoneElse.id });
  });
  afterAll(async () => {
    if (otherMember) await deleteAccounts([otherMember]);
    await api?.close();
  });

  const url = (id: string, action: string) => `/api/gardens/${api.gardenId}/subscriptions/${id}/${action}`;
  const stored = async (id: string) => (await api.store.subscriptions.get(api.gardenId, id)) as Subscription;
  let nextStart = 0;
  /** A start day no other subscription of the member uses (the id is member + start day). */
  const freshStart = () => addDays(today, nextStart++);

  /** A weekly subscription of the test's member, applied for by staff and approved. */
  async function activeSubscription(startDate: IsoDate = freshStart()): Promise<Subscription> {
    const id = await approvedSubscription(api, api.member.id, startDate);
    const subscription = await stored(id);
    expect(subscription).toMatchObject({ status: 'active' });
    return subscription;
  }

  /** The coming deliveries that can still be changed for a good while (an hour at least). */
  function openDeliveries(subscription: Subscription): ScheduledDelivery[] {
    const now = new Date();
    return upcomingDeliveries(subscription, context, now, 12).filter(
      (delivery) => Date.parse(delivery.changeableUntil) > now.getTime() + 3_600_000,
    );
  }

  async function nextDeliveries(account: TestAccount, id: string, count = 8): Promise<Delivery[]> {
    const response = await api.call(account, 'GET', `${url(id, 'next-deliveries')}?count=${count}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Delivery[]>();
  }

  /** Runs a call that must change nothing, and checks the stored subscription stayed the same. */
  async function unchanged<T>(id: string, call: () => Promise<T>): Promise<T> {
    const before = await stored(id);
    const result = await call();
    expect(await stored(id)).toEqual(before);
    return result;
  }

  async function expectRefused(id: string, action: string, body: unknown, message: string | RegExp) {
    const response = await unchanged(id, () => api.call(api.accounts.member, 'POST', url(id, action), body));
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'refused',
      message: typeof message === 'string' ? message : expect.stringMatching(message),
    });
  }

  describe('absences', () => {
    it('lets the member and staff report absences, which next-deliveries shows', async () => {
      const subscription = await activeSubscription();
      const [first, second] = openDeliveries(subscription);
      expect(first && second, 'two coming deliveries still open').toBeTruthy();

      const byMember = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [first!.date],
      });
      expect(byMember.statusCode, byMember.body).toBe(200);
      expect(byMember.json()).toMatchObject({
        id: subscription.id,
        depotName: 'Dépôt du centre',
        absences: [{ date: first!.date, reported: { by: { userId: api.accounts.member.userId } } }],
      });

      const byStaff = await api.call(api.accounts.staff, 'POST', url(subscription.id, 'absences'), {
        dates: [second!.date],
      });
      expect(byStaff.statusCode, byStaff.body).toBe(200);
      expect(byStaff.json<Subscription>().absences?.at(-1)).toMatchObject({
        date: second!.date,
        reported: { by: { userId: api.accounts.staff.userId, name: 'Camille Martin' } },
      });
      expect(await stored(subscription.id)).toMatchObject({
        revision: subscription.revision + 2,
        absences: [{ date: first!.date }, { date: second!.date }],
      });

      const next = await nextDeliveries(api.accounts.member, subscription.id);
      const state = (date: string) => next.find((delivery) => delivery.date === date);
      expect(state(first!.date)).toMatchObject({ state: 'absent', baskets: 0, depotName: 'Dépôt du centre' });
      expect(state(second!.date)).toMatchObject({ state: 'absent', baskets: 0 });
      expect(next.filter((delivery) => delivery.state === 'delivery').length).toBeGreaterThan(0);
      // Staff read the same.
      expect(await nextDeliveries(api.accounts.staff, subscription.id)).toEqual(next);
    });

    it('refuses an absence after the cutoff, on a day without delivery, or twice (422), changing nothing', async () => {
      const subscription = await activeSubscription();
      const now = new Date();
      const fixed = upcomingDeliveries(subscription, context, now, 4).find(
        (delivery) => Date.parse(delivery.changeableUntil) <= now.getTime(),
      );
      expect(fixed, 'a coming delivery past its cutoff').toBeDefined();
      const late = absenceRefusal(subscription, context, defaultGardenRules, fixed!.date, now);
      expect(late?.fr).toMatch(
        /^Trop tard : une absence pour cette livraison pouvait être signalée jusqu'au \S+ \d+ \S+ inclus\.$/,
      );
      await expectRefused(subscription.id, 'absences', { dates: [fixed!.date] }, late!.fr);

      const [open] = openDeliveries(subscription);
      const wednesday = addDays(open!.date, 1);
      const noDelivery = absenceRefusal(subscription, context, defaultGardenRules, wednesday, now);
      expect(noDelivery?.fr).toMatch(/^Aucune livraison n'est prévue pour vous le mercredi /);
      await expectRefused(subscription.id, 'absences', { dates: [wednesday] }, noDelivery!.fr);

      // One bad date among good ones: nothing is noted.
      await expectRefused(subscription.id, 'absences', { dates: [open!.date, wednesday] }, noDelivery!.fr);

      const noted = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [open!.date],
      });
      expect(noted.statusCode, noted.body).toBe(200);
      await expectRefused(
        subscription.id,
        'absences',
        { dates: [open!.date] },
        'Cette absence est déjà notée.',
      );
      expect((await stored(subscription.id)).absences).toHaveLength(1);
    });

    it("refuses more absences than the garden's maximum for the season (422), noting none", async () => {
      const subscription = await activeSubscription();
      const open = openDeliveries(subscription).slice(0, defaultGardenRules.maxAbsencesPerSeason + 1);
      expect(open).toHaveLength(defaultGardenRules.maxAbsencesPerSeason + 1);
      await expectRefused(
        subscription.id,
        'absences',
        { dates: open.map((delivery) => delivery.date) },
        `Vous avez déjà signalé ${defaultGardenRules.maxAbsencesPerSeason} absences cette saison : c'est le maximum prévu par le jardin.`,
      );
      // Up to the maximum, in one go, and the same day twice counts once.
      const allowed = open.slice(0, -1).map((delivery) => delivery.date);
      const response = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [...allowed, allowed[0]],
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<Subscription>().absences?.map((absence) => absence.date)).toEqual(allowed);
    });

    it('answers a date that does not exist with a readable refusal, not a server error', async () => {
      const subscription = await activeSubscription();
      const response = await unchanged(subscription.id, () =>
        api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), { dates: ['2026-13-01'] }),
      );
      // The subscription still takes a good date afterwards.
      const [open] = openDeliveries(subscription);
      const good = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [open!.date],
      });
      expect(good.statusCode, good.body).toBe(200);
      expect([400, 422], response.body).toContain(response.statusCode);
      expect(response.json<{ message: string }>().message).not.toMatch(/erreur inattendue/);
    });
  });

  describe('taking an absence back', () => {
    const absence = (id: string, date: string) =>
      `/api/gardens/${api.gardenId}/subscriptions/${id}/absences/${date}`;

    it('lets the member take back an absence before the cutoff; next-deliveries shows the basket again', async () => {
      const subscription = await activeSubscription();
      const [first, second] = openDeliveries(subscription);
      const noted = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [first!.date, second!.date],
      });
      expect(noted.statusCode, noted.body).toBe(200);

      const back = await api.call(api.accounts.member, 'DELETE', absence(subscription.id, first!.date));
      expect(back.statusCode, back.body).toBe(200);
      expect(back.json()).toMatchObject({
        id: subscription.id,
        absences: [{ date: second!.date }],
        withdrawnAbsences: [
          {
            date: first!.date,
            reported: { by: { userId: api.accounts.member.userId } },
            withdrawn: { by: { userId: api.accounts.member.userId } },
          },
        ],
      });
      expect(await stored(subscription.id)).toMatchObject({
        revision: subscription.revision + 2,
        absences: [{ date: second!.date }],
        withdrawnAbsences: [{ date: first!.date }],
      });
      const next = await nextDeliveries(api.accounts.member, subscription.id);
      expect(next.find((delivery) => delivery.date === first!.date)).toMatchObject({
        state: 'delivery',
        baskets: 1,
      });
      expect(next.find((delivery) => delivery.date === second!.date)).toMatchObject({ state: 'absent' });

      // Staff may take one back for the member, too.
      const byStaff = await api.call(api.accounts.staff, 'DELETE', absence(subscription.id, second!.date));
      expect(byStaff.statusCode, byStaff.body).toBe(200);
      expect(byStaff.json<Subscription>().withdrawnAbsences?.at(-1)).toMatchObject({
        date: second!.date,
        withdrawn: { by: { userId: api.accounts.staff.userId, name: 'Camille Martin' } },
      });
    });

    it('refuses a day without an absence, or past the cutoff, in French (422), changing nothing', async () => {
      const subscription = await activeSubscription();
      const [open] = openDeliveries(subscription);
      const none = await unchanged(subscription.id, () =>
        api.call(api.accounts.member, 'DELETE', absence(subscription.id, open!.date)),
      );
      expect(none.statusCode, none.body).toBe(422);
      expect(none.json()).toMatchObject({
        error: 'refused',
        message: `Aucune absence n'est notée pour le ${formatDay(open!.date, 'fr')} : rien à annuler.`,
      });

      // An absence noted while it could be, whose cutoff has passed since: here the garden
      // lengthens its notice to two weeks, so the delivery is fixed now.
      const noted = await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), {
        dates: [open!.date],
      });
      expect(noted.statusCode, noted.body).toBe(200);
      const calendarUrl = `/api/gardens/${api.gardenId}/calendar`;
      const saveCutoff = async (hours: number) => {
        const current = (await api.call(api.accounts.staff, 'GET', calendarUrl)).json<DeliveryCalendar>();
        const saved = await api.call(api.accounts.staff, 'PUT', calendarUrl, {
          seasons: current.seasons,
          closedWeeks: current.closedWeeks,
          cutoffHours: hours,
          version: current.version,
        });
        expect(saved.statusCode, saved.body).toBe(200);
      };
      const fixedAt = cutoffOf(open!.date, 336, gardenTimeZone);
      expect(fixedAt.getTime()).toBeLessThan(Date.now());
      await saveCutoff(336);
      try {
        await expect
          .poll(
            async () =>
              (await nextDeliveries(api.accounts.member, subscription.id)).find(
                (delivery) => delivery.date === open!.date,
              )?.changeableUntil,
            { timeout: 15_000, interval: 500 },
          )
          .toBe(fixedAt.toISOString());
        const late = await unchanged(subscription.id, () =>
          api.call(api.accounts.member, 'DELETE', absence(subscription.id, open!.date)),
        );
        expect(late.statusCode, late.body).toBe(422);
        expect(late.json()).toMatchObject({
          error: 'refused',
          message: `Trop tard : cette absence pouvait être annulée ${changeDeadline(fixedAt.toISOString()).fr}. Le panier de ce jour-là est déjà prévu sans vous.`,
        });
        expect(late.json<{ message: string }>().message).toMatch(/jusqu'au \S+ \d+ \S+ inclus\./);
      } finally {
        await saveCutoff(cutoffHours);
      }
    });

    it('hides another household’s subscription (404) and refuses a malformed day (400) in French', async () => {
      const subscription = await activeSubscription();
      const [open] = openDeliveries(subscription);
      await api.call(api.accounts.member, 'POST', url(subscription.id, 'absences'), { dates: [open!.date] });
      for (const account of [otherMember, api.accounts.driver]) {
        const response = await unchanged(subscription.id, () =>
          api.call(account, 'DELETE', absence(subscription.id, open!.date)),
        );
        expect(response.statusCode, response.body).toBe(404);
        expect(response.json()).toMatchObject({ error: 'not_found', message: 'Abonnement introuvable.' });
      }
      const malformed = await unchanged(subscription.id, () =>
        api.call(api.accounts.member, 'DELETE', absence(subscription.id, '08-12-2026')),
      );
      expect(malformed.statusCode, malformed.body).toBe(400);
      expect(malformed.json()).toMatchObject({
        error: 'invalid_input',
        message: "« Date » n'a pas le bon format.",
      });
    });
  });

  describe('pause', () => {
    it('lets the member pause from the first changeable delivery; next-deliveries shows it', async () => {
      const subscription = await activeSubscription();
      const first = firstChangeableDelivery(subscription, context, new Date());
      const from = first!.date;
      const until = addDays(from, 14);
      const response = await api.call(api.accounts.member, 'POST', url(subscription.id, 'pause'), {
        from,
        until,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'active',
        pause: { from, until, requested: { by: { userId: api.accounts.member.userId } } },
      });
      expect(await stored(subscription.id)).toMatchObject({
        pause: { from, until },
        revision: subscription.revision + 1,
      });

      const next = await nextDeliveries(api.accounts.member, subscription.id);
      const byDate = new Map(next.map((delivery) => [delivery.date, delivery]));
      expect(byDate.get(from)).toMatchObject({ state: 'paused', baskets: 0 });
      expect(byDate.get(addDays(from, 7))).toMatchObject({ state: 'paused', baskets: 0 });
      // Deliveries resume on the day given.
      expect(byDate.get(until)).toMatchObject({ state: 'delivery', baskets: 1 });
    });

    it('lets staff pause a member’s subscription', async () => {
      const subscription = await activeSubscription();
      const from = firstChangeableDelivery(subscription, context, new Date())!.date;
      const response = await api.call(api.accounts.staff, 'POST', url(subscription.id, 'pause'), {
        from,
        until: addDays(from, 7),
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        pause: { from, until: addDays(from, 7), requested: { by: { userId: api.accounts.staff.userId } } },
      });
    });

    it('refuses a pause too long, ending before it starts, or starting too soon (422), changing nothing', async () => {
      const subscription = await activeSubscription();
      const from = firstChangeableDelivery(subscription, context, new Date())!.date;
      await expectRefused(
        subscription.id,
        'pause',
        { from, until: addDays(from, 183) },
        "Une pause dure au plus 26 semaines ; au-delà, parlez-en à l'équipe du jardin.",
      );
      await expectRefused(
        subscription.id,
        'pause',
        { from, until: from },
        'La reprise doit être après le début de la pause.',
      );
      // A day that does not exist is not a date at all: the description refuses it (400).
      const impossible = await unchanged(subscription.id, () =>
        api.call(api.accounts.member, 'POST', url(subscription.id, 'pause'), {
          from: '2027-02-30',
          until: '2027-03-09',
        }),
      );
      expect(impossible.statusCode, impossible.body).toBe(400);
      await expectRefused(
        subscription.id,
        'pause',
        { from: addDays(from, -7), until: addDays(from, 7) },
        /^La pause peut commencer au plus tôt le mardi .* : les livraisons d'ici là sont déjà préparées\.$/,
      );
    });
  });

  describe('changes of depot and basket', () => {
    it('moves the member to another depot from the first changeable delivery; next-deliveries follows', async () => {
      const subscription = await activeSubscription();
      const from = firstChangeableDelivery(subscription, context, new Date())!.date;
      expect(isoWeekday(from)).toBe(2);
      const response = await api.call(api.accounts.member, 'POST', url(subscription.id, 'changes'), {
        depotId: thursdayDepot,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<Subscription>().changes).toEqual([
        {
          effectiveFrom: from,
          depotId: thursdayDepot,
          requested: {
            by: expect.objectContaining({ userId: api.accounts.member.userId }),
            at: expect.any(String),
          },
        },
      ]);

      const next = await nextDeliveries(api.accounts.member, subscription.id);
      const before = next.filter((delivery) => delivery.date < from);
      const after = next.filter((delivery) => delivery.date >= from);
      expect(before.every((delivery) => delivery.depotId === api.depotId)).toBe(true);
      expect(after.length).toBeGreaterThan(0);
      for (const delivery of after) {
        expect(delivery).toMatchObject({ depotId: thursdayDepot, depotName: 'Dépôt du jeudi' });
        expect(isoWeekday(delivery.date)).toBe(4);
      }
      // The Thursday of the week the change takes effect.
      expect(after[0]?.date).toBe(addDays(from, 2));
    });

    it('lets staff change the basket size', async () => {
      const subscription = await activeSubscription();
      const response = await api.call(api.accounts.staff, 'POST', url(subscription.id, 'changes'), {
        basketSize: 'large',
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json<Subscription>().changes?.at(-1)).toMatchObject({
        basketSize: 'large',
        requested: { by: { userId: api.accounts.staff.userId } },
      });
      const from = response.json<Subscription>().changes?.at(-1)?.effectiveFrom ?? '';
      const next = await nextDeliveries(api.accounts.staff, subscription.id);
      expect(next.filter((delivery) => delivery.date >= from).every((d) => d.basketSize === 'large')).toBe(
        true,
      );
      expect(next.filter((delivery) => delivery.date < from).every((d) => d.basketSize === 'medium')).toBe(
        true,
      );
    });

    it('refuses an unknown depot and an empty change (422), changing nothing', async () => {
      const subscription = await activeSubscription();
      await expectRefused(
        subscription.id,
        'changes',
        { depotId: 'd-nulle-part' },
        "Ce point de dépôt n'existe pas.",
      );
      await expectRefused(subscription.id, 'changes', {}, 'Rien à changer.');
    });
  });

  describe('renewal', () => {
    it('renews a season subscription into the next season, by the member or staff, once', async () => {
      const mine = await activeSubscription();
      expect(mine).toMatchObject({ seasonId: seasonOne.id, endDate: seasonOne.end });
      const renewed = await api.call(api.accounts.member, 'POST', url(mine.id, 'renewal'), {});
      expect(renewed.statusCode, renewed.body).toBe(200);
      expect(renewed.json()).toMatchObject({ seasonId: seasonTwo.id, endDate: seasonTwo.end });
      expect(await stored(mine.id)).toMatchObject({
        seasonId: seasonTwo.id,
        endDate: seasonTwo.end,
        revision: mine.revision + 1,
      });
      // No third season: a second renewal is refused.
      await expectRefused(
        mine.id,
        'renewal',
        {},
        "La saison suivante n'est pas encore ouverte par le jardin : réessayez un peu plus tard.",
      );

      const byStaff = await activeSubscription();
      const response = await api.call(api.accounts.staff, 'POST', url(byStaff.id, 'renewal'), {});
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ seasonId: seasonTwo.id, endDate: seasonTwo.end });
    });

    it('refuses to renew when the garden has not opened the next season (422)', async () => {
      const lastSeason = await activeSubscription(seasonTwo.start);
      expect(seasonOf(context.calendar, lastSeason.startDate)?.id).toBe(seasonTwo.id);
      expect(lastSeason).toMatchObject({ seasonId: seasonTwo.id, endDate: seasonTwo.end });
      await expectRefused(lastSeason.id, 'renewal', {}, /^La saison suivante n'est pas encore ouverte/);
    });
  });

  describe('cancellation', () => {
    it('lets the member cancel online after the notice; a second cancellation is refused', async () => {
      const subscription = await activeSubscription();
      const response = await api.call(api.accounts.member, 'POST', url(subscription.id, 'cancellation'), {});
      expect(response.statusCode, response.body).toBe(200);
      const effectiveDate = addDays(gardenDay(new Date()), defaultGardenRules.cancellationNoticeDays);
      expect(response.json()).toMatchObject({
        status: 'active',
        endDate: effectiveDate,
        cancellation: { origin: 'member', effectiveDate, by: { userId: api.accounts.member.userId } },
      });
      expect(await stored(subscription.id)).toMatchObject({ cancellation: { origin: 'member' } });
      await expectRefused(
        subscription.id,
        'cancellation',
        {},
        /^Cet abonnement est déjà résilié : il prend fin le /,
      );
    });

    it('asks staff for a reason, then records a staff cancellation with it', async () => {
      const subscription = await activeSubscription();
      const noReason = await unchanged(subscription.id, () =>
        api.call(api.accounts.staff, 'POST', url(subscription.id, 'cancellation'), {}),
      );
      expect(noReason.statusCode, noReason.body).toBe(422);
      expect(noReason.json()).toMatchObject({
        error: 'refused',
        message: 'Indiquez le motif de la résiliation : il sera communiqué à l’adhérent.',
      });
      const response = await api.call(api.accounts.staff, 'POST', url(subscription.id, 'cancellation'), {
        reason: 'Déménagement hors du secteur',
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        cancellation: {
          origin: 'staff',
          reason: 'Déménagement hors du secteur',
          by: { userId: api.accounts.staff.userId, name: 'Camille Martin' },
        },
      });
    });

    it('lets a member withdraw an application still waiting for a decision', async () => {
      const applied = await api.call(
        api.accounts.staff,
        'POST',
        `/api/gardens/${api.gardenId}/subscriptions`,
        {
          memberId: api.member.id,
          basketSize: 'small',
          frequency: 'fortnightly',
          depotId: api.depotId,
          startDate: freshStart(),
        },
      );
      expect(applied.statusCode, applied.body).toBe(201);
      const { id } = applied.json<{ id: string }>();
      const response = await api.call(api.accounts.member, 'POST', url(id, 'cancellation'), {});
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ status: 'cancelled', cancellation: { origin: 'member' } });
      expect(await stored(id)).toMatchObject({ status: 'cancelled' });

      // Its process is over: any further action is refused, and changes nothing.
      const later = addDays(today, 30);
      await expectRefused(
        id,
        'pause',
        { from: later, until: addDays(later, 7) },
        /^Cet abonnement n'est (plus|pas) en cours/,
      );
      await expectRefused(
        id,
        'cancellation',
        {},
        /^Cet abonnement (n'est (plus|pas) en cours|est déjà résilié)/,
      );
      expect(await nextDeliveries(api.accounts.member, id)).toEqual([]);
    });
  });

  describe('who may act', () => {
    /** Every action route, with a body that would be accepted from the right person. */
    function routes(subscription: Subscription) {
      const open = openDeliveries(subscription)[0]!.date;
      return [
        { method: 'POST' as const, action: 'absences', body: { dates: [open] } },
        { method: 'POST' as const, action: 'pause', body: { from: open, until: addDays(open, 14) } },
        { method: 'POST' as const, action: 'changes', body: { basketSize: 'large' } },
        { method: 'POST' as const, action: 'renewal', body: {} },
        { method: 'POST' as const, action: 'cancellation', body: { reason: 'Pour voir' } },
        { method: 'GET' as const, action: 'next-deliveries', body: undefined },
      ];
    }

    it('hides it from another member and a driver (404, as if missing) and refuses another garden’s staff (403), changing nothing', async () => {
      const subscription = await activeSubscription();
      const callers = [
        ['another member', otherMember, 404, { error: 'not_found', message: 'Abonnement introuvable.' }],
        ['a driver', api.accounts.driver, 404, { error: 'not_found', message: 'Abonnement introuvable.' }],
        [
          "another garden's staff",
          api.accounts.otherStaff,
          403,
          { error: 'forbidden', message: expect.stringMatching(/Votre compte/) },
        ],
      ] as const;
      for (const { method, action, body } of routes(subscription)) {
        for (const [who, account, status, answer] of callers) {
          const response = await unchanged(subscription.id, () =>
            api.call(account, method, url(subscription.id, action), body),
          );
          expect(response.statusCode, `${who} → ${action}: ${response.body}`).toBe(status);
          expect(response.json()).toMatchObject(answer);
        }
      }
    });

    it('refuses a call without a token (401), changing nothing', async () => {
      const subscription = await activeSubscription();
      for (const { method, action, body } of routes(subscription)) {
        const response = await unchanged(subscription.id, () =>
          api.call(undefined, method, url(subscription.id, action), body),
        );
        expect(response.statusCode, `${action}: ${response.body}`).toBe(401);
        expect(response.json()).toMatchObject({
          error: 'unauthenticated',
          message: expect.stringMatching(/Connectez-vous/),
        });
      }
    });

    it('answers an unknown subscription with 404', async () => {
      const response = await api.call(
        api.accounts.staff,
        'POST',
        url(`${api.member.id}.2020-01-07`, 'renewal'),
        {},
      );
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ message: 'Abonnement introuvable.' });
    });
  });

  describe('invalid input', () => {
    it('refuses malformed bodies on every action with a sentence in French (400), changing nothing', async () => {
      const subscription = await activeSubscription();
      const open = openDeliveries(subscription)[0]!.date;
      const cases: Array<[string, unknown, string | RegExp]> = [
        ['absences', { dates: ['01/12/2026'] }, "« Dates » n'a pas le bon format."],
        ['absences', { dates: [] }, /« Dates »/],
        ['absences', {}, '« Dates » est obligatoire.'],
        ['absences', { dates: [open], note: 'vacances' }, 'Champ inconnu : note.'],
        ['pause', { from: 'demain', until: addDays(open, 7) }, "« Début » n'a pas le bon format."],
        ['pause', { from: open }, '« Reprise » est obligatoire.'],
        ['pause', { from: open, until: addDays(open, 7), why: 'vacances' }, 'Champ inconnu : why.'],
        [
          'changes',
          { basketSize: 'énorme' },
          /^« Taille de panier » doit être l'une de ces valeurs : small, medium, large\.$/,
        ],
        ['changes', { depot: thursdayDepot }, 'Champ inconnu : depot.'],
        ['renewal', { season: 'saison-2' }, 'Champ inconnu : season.'],
        ['cancellation', { reason: 'x'.repeat(501) }, '« Motif » ne peut pas dépasser 500 caractères.'],
        ['cancellation', { reason: 'Départ', when: 'now' }, 'Champ inconnu : when.'],
      ];
      for (const [action, body, message] of cases) {
        for (const account of [api.accounts.member, api.accounts.staff]) {
          const response = await unchanged(subscription.id, () =>
            api.call(account, 'POST', url(subscription.id, action), body),
          );
          expect(response.statusCode, `${action} ${JSON.stringify(body)}: ${response.body}`).toBe(400);
          expect(response.json()).toMatchObject({
            error: 'invalid_input',
            message: typeof message === 'string' ? message : expect.stringMatching(message),
          });
        }
      }
      for (const count of ['0', '53', 'beaucoup']) {
        const response = await api.call(
          api.accounts.member,
          'GET',
          `${url(subscription.id, 'next-deliveries')}?count=${count}`,
        );
        expect(response.statusCode, `count=${count}: ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({
          error: 'invalid_input',
          message: expect.stringMatching(/« Nombre de livraisons »/),
        });
      }
    });
  });
});
