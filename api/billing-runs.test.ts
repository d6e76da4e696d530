import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatMonth, gardenDay } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { invoicePaymentProcessId } from '../domain/process-ids.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { billingRunId, billingRunType } from '../workflows/billing/contract.ts';
import { clearOfMidnight } from '../tests/support/garden-clock.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

const poll = { timeout: 30_000, interval: 250 };
const today = gardenDay(new Date());
const thisMonth = today.slice(0, 7);
const lastMonth = addDays(`${thisMonth}-01`, -1).slice(0, 7);
const monthBeforeLast = addDays(`${lastMonth}-01`, -1).slice(0, 7);
const runUrl = (api: TestApi, month: string) => `/api/gardens/${api.gardenId}/billing/runs/${month}`;

/** The year the test gardens' season started: the one before last month's. */
const seasonYear = String(Number(lastMonth.slice(0, 4)) - 1);

/**
 * A season that started in September of the year before last month's (as many gardens run
 * theirs) and goes on after today: its membership year is never the billed month's.
 */
async function seasonStartedTheYearBefore(api: TestApi): Promise<void> {
  await api.store.settings.saveCalendar(
    api.gardenId,
    {
      seasons: [{ id: 'saison-longue', start: `${seasonYear}-09-01`, end: addDays(today, 200) }],
      closedWeeks: [],
      cutoffHours: 48,
    },
    0,
    new Date().toISOString(),
  );
}

/** Staff start last month's run, which is then followed until it is done. */
async function runLastMonth(api: TestApi): Promise<void> {
  const started = await api.call(api.accounts.staff, 'POST', runUrl(api, lastMonth));
  expect(started.statusCode, started.body).toBe(202);
  await expect
    .poll(
      async () =>
        (await api.call(api.accounts.staff, 'GET', runUrl(api, lastMonth))).json<{ phase: string }>().phase,
      poll,
    )
    .toBe('done');
}

/** Every invoice printed (a PDF) and handed to its own payment workflow, waiting for its due date. */
async function expectCollecting(api: TestApi): Promise<void> {
  for (const invoice of await api.store.invoices.list(api.gardenId)) {
    expect(invoice.documentKey).toMatch(/\/invoices\/F-\d{6}\.pdf$/);
    const pdf = await api.app.documents.get(invoice.documentKey ?? '');
    expect(Buffer.from(pdf.bytes.slice(0, 5)).toString()).toBe('%PDF-');
    await expect
      .poll(async () => (await api.app.payments.collection.state(api.gardenId, invoice.number))?.phase, poll)
      .toBe('scheduled');
  }
}

/** Stops the workflows a test started, then the test API. */
async function closeBilling(api: TestApi | undefined): Promise<void> {
  for (const invoice of (await api?.store.invoices.list(api.gardenId)) ?? []) {
    await api?.client.workflow
      .getHandle(invoicePaymentProcessId(api.gardenId, invoice.number))
      .terminate('test over')
      .catch(() => undefined);
  }
  await api?.client.workflow
    .getHandle(billingRunId(api.gardenId, lastMonth))
    .terminate('test over')
    .catch(() => undefined);
  await api?.close();
}

/** Billing a month that has ended, through the API, on the real stack (Temporal, DynamoDB, S3). */
describe('billing runs', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('billing');
    await seasonStartedTheYearBefore(api);
    // Two baskets delivered to Louise last month (as the week workflows recorded them), one absent.
    const day = `${lastMonth}-10`;
    const second = `${lastMonth}-17`;
    for (const [date, state] of [
      [day, 'planned'],
      [second, 'planned'],
      [`${lastMonth}-24`, 'absent'],
    ] as const) {
      const week = isoWeek(date);
      await api.store.weeks.replaceBaskets(
        api.gardenId,
        week,
        [`s-${date}`],
        [
          {
            week,
            subscriptionId: `s-${date}`,
            memberId: api.member.id,
            date,
            depotId: api.depotId,
            basketSize: 'medium',
            baskets: state === 'planned' ? 1 : 0,
            state,
          },
        ],
      );
    }
  });

  afterAll(() => closeBilling(api));

  it('answers 503 in words when the run is there but nobody answers for it', async () => {
    // A run of a month long past, on a task queue no worker polls: it exists, its query waits.
    const month = '2019-01';
    await api.client.workflow.start(billingRunType, {
      workflowId: billingRunId(api.gardenId, month),
      taskQueue: `nobody-polls-${api.gardenId}`,
      args: [{ gardenId: api.gardenId, month }],
    });
    try {
      const answer = await api.call(api.accounts.staff, 'GET', runUrl(api, month));
      expect(answer.statusCode, answer.body).toBe(503);
      expect(answer.json()).toMatchObject({
        error: 'unavailable',
        message: expect.stringMatching(/La facturation ne répond pas/),
      });
    } finally {
      await api.client.workflow.getHandle(billingRunId(api.gardenId, month)).terminate('test over');
    }
  });

  it('refuses a month not over yet (422 in French) and other roles (403), starting nothing', async () => {
    const current = await api.call(api.accounts.staff, 'POST', runUrl(api, thisMonth));
    expect(current.statusCode, current.body).toBe(422);
    expect(current.json<{ message: string }>().message).toMatch(/^Seul un mois terminé peut être facturé/);
    for (const account of [api.accounts.member, api.accounts.driver, api.accounts.otherStaff]) {
      const refused = await api.call(account, 'POST', runUrl(api, lastMonth));
      expect(refused.statusCode, refused.body).toBe(403);
    }
    const malformed = await api.call(api.accounts.staff, 'POST', runUrl(api, '2026-13'));
    expect(malformed.statusCode).toBe(400);
    expect(await api.store.invoices.list(api.gardenId)).toEqual([]);
    expect((await api.call(api.accounts.staff, 'GET', runUrl(api, lastMonth))).statusCode).toBe(404);
  });

  it("bills the baskets delivered, with the membership fee of the season's year, prints them and starts collecting each", async () => {
    await runLastMonth(api);
    const invoices = await api.store.invoices.list(api.gardenId);
    expect(invoices.map((invoice) => [invoice.number, invoice.subject, invoice.total])).toEqual([
      [1, `Adhésion ${seasonYear}`, 2000],
      [2, expect.stringMatching(/^Paniers livrés en /), 3400],
    ]);
    expect(invoices[1]?.lines).toEqual([
      expect.objectContaining({ quantity: 2, unitPrice: 1700, amount: 3400 }),
    ]);
    await expectCollecting(api);

    // Running the month again issues nothing new.
    await runLastMonth(api);
    expect((await api.store.invoices.list(api.gardenId)).map((invoice) => invoice.number)).toEqual([1, 2]);
  });
});

/** A garden billing by season: each running subscription's season in installments. */
describe('billing runs, season in installments', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi('billing-season');
    const { version: _version, ...pricing } = await api.store.settings.pricing(api.gardenId);
    await api.store.settings.savePricing(api.gardenId, { ...pricing, billing: 'season', installments: 3 }, 0);
    await seasonStartedTheYearBefore(api);
    const season = (await api.store.settings.calendar(api.gardenId)).seasons.find(
      (candidate) => candidate.start <= today && today <= candidate.end,
    );
    if (!season) throw new Error('the test calendar has no season today');
    const requested = { by: { userId: 'staff', name: 'Camille Martin' }, at: new Date().toISOString() };
    await api.store.subscriptions.record({
      id: `${api.member.id}.season`,
      gardenId: api.gardenId,
      memberId: api.member.id,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: season.start,
      endDate: season.end,
      seasonId: season.id,
      status: 'active',
      requested,
      changes: [],
      absences: [],
      updatedAt: requested.at,
      revision: 2,
    });
  });

  afterAll(() => closeBilling(api));

  it('refuses a closed month (2019-05, the month before last) in words: no invoice, no run', async () => {
    for (const month of ['2019-05', monthBeforeLast]) {
      const closed = await api.call(api.accounts.staff, 'POST', runUrl(api, month));
      expect(closed.statusCode, closed.body).toBe(422);
      expect(closed.json<{ message: string }>().message).toBe(
        `Le mois « ${formatMonth(month)} » est clos : un mois se facture au plus tard le mois suivant, ` +
          `par le calendrier du jardin ou par l'équipe. Seul « ${formatMonth(lastMonth)} » peut encore être facturé.`,
      );
      expect((await api.call(api.accounts.staff, 'GET', runUrl(api, month))).statusCode).toBe(404);
    }
    expect(await api.store.invoices.list(api.gardenId)).toEqual([]);
  });

  it("bills the season in three installments a month apart, and the membership fee of the season's year, once", async () => {
    await runLastMonth(api);
    const invoices = await api.store.invoices.list(api.gardenId);
    const membership = invoices.filter((invoice) => invoice.subject.startsWith('Adhésion'));
    expect(membership.map((invoice) => [invoice.subject, invoice.total])).toEqual([
      [`Adhésion ${seasonYear}`, 2000],
    ]);
    const parts = invoices
      .filter((invoice) => invoice.subject.startsWith('Saison'))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn));
    expect(parts.map((invoice) => invoice.subject.replace(/^Saison [^ ]+ — /, ''))).toEqual([
      'échéance 1 sur 3',
      'échéance 2 sur 3',
      'échéance 3 sur 3',
    ]);
    // The season's baskets at the medium price, split to the cent, the first due after the
    // payment term and the next ones a month later.
    const baskets = Number(/× (\d+) livraisons/.exec(parts[0]?.lines[0]?.label ?? '')?.[1]);
    expect(baskets).toBeGreaterThan(20);
    const total = parts.reduce((sum, invoice) => sum + invoice.total, 0);
    expect(total).toBe(baskets * 1700);
    expect(
      Math.max(...parts.map((p) => p.total)) - Math.min(...parts.map((p) => p.total)),
    ).toBeLessThanOrEqual(1);
    const monthNumber = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
    expect(parts[0]?.dueOn).toBe(addDays(today, 10));
    expect(parts.map((invoice) => monthNumber(invoice.dueOn) - monthNumber(parts[0]?.dueOn ?? ''))).toEqual([
      0, 1, 2,
    ]);
    await expectCollecting(api);

    // Next month's run (here: the same run again) bills the season no second time.
    await runLastMonth(api);
    expect(await api.store.invoices.list(api.gardenId)).toHaveLength(4);
  });
});
