import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay, isoWeekday, type IsoDate } from '../../domain/calendar.ts';
import { preparableWeeks } from '../../domain/delivery-week.ts';
import { defaultPricing } from '../../domain/pricing.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { outstanding } from '../../domain/invoices.ts';
import type { BasketSize } from '../../domain/subscription.ts';
import { deliveryDayAhead } from '../support/delivery-days.ts';
import { addTestDepot, testGarden } from '../support/environment.ts';
import { addHomeDeliveryDepot, saveTestFleet, testFleet, testVehicle } from '../support/rounds.ts';
import { sampleUpload, testExtensionServices } from '../support/extensions.ts';
import { createAccount, type TestAccount } from '../support/keycloak.ts';
import type { StripeRecorder } from './stripe-recorder.ts';

/** How a request ended, from the caller's side. */
export type Outcome =
  /** Answered 2xx: its effect must be there, exactly once. */
  | 'accepted'
  /** Answered 4xx: nothing changed. */
  | 'refused'
  /** No answer, or a 5xx: the effect may or may not be there, but never twice. */
  | 'unknown';

/** What the traffic asked for and how each request ended: what the invariants check. */
export interface Ledger {
  /** By email (each sign-up has its own). */
  members: Map<string, { outcome: Outcome; id?: string; pays: 'cheque' | 'sepa' | 'card' }>;
  /** By member id: each member applies once. */
  applications: Map<string, { outcome: Outcome; subscriptionId?: string }>;
  approvals: Map<string, Outcome>;
  absences: Array<{ subscriptionId: string; date: IsoDate; outcome: Outcome }>;
  /** A basket size change, at most one per subscription. */
  changes: Map<string, { basketSize: BasketSize; outcome: Outcome }>;
  /** By idempotency key. */
  cheques: Map<string, { invoiceNumber: number; outcome: Outcome }>;
  /** By PaymentIntent id: its `succeeded` webhook, sent until answered. */
  webhooks: Map<string, { invoiceNumber: number; eventId: string; outcome: Outcome }>;
  billedMonths: Map<string, Outcome>;
  /** Overdue invoices taken over from the old software, by number: their collection started. */
  overdue: Set<number>;
  preparedWeeks: Set<string>;
  requests: number;
}

export function emptyLedger(): Ledger {
  return {
    members: new Map(),
    applications: new Map(),
    approvals: new Map(),
    absences: [],
    changes: new Map(),
    cheques: new Map(),
    webhooks: new Map(),
    billedMonths: new Map(),
    overdue: new Set(),
    preparedWeeks: new Set(),
    requests: 0,
  };
}

export interface ChaosGarden {
  gardenId: string;
  depotId: string;
  /** Home deliveries, the same day: their households' doors are stops of the day's round. */
  homeDepotId: string;
  /** Both depots' ISO weekday: two days after the garden was made, whatever day a long run reaches. */
  deliveryWeekday: number;
  /** Where members' emails go: one domain per run, so that moto's log is read for this run only. */
  emailDomain: string;
  staff: TestAccount;
}

const today = () => gardenDay(new Date());

/**
 * A garden for a chaos run: one depot delivering two days from now (so that this week's and next
 * week's preparations have baskets), a season around today, invoices due on the day they are
 * issued, a staff account, and the absence-policy extension (absences-ete): every absence
 * reported goes through a WASM extension call. Its van makes a round on the delivery day (the
 * depot, and the doors of the households delivered at home), planned by the week's preparation
 * with the built-in optimiser (VROOM).
 */
export async function createChaosGarden(store: Store, gardenId: string): Promise<ChaosGarden> {
  await store.gardens.register(testGarden(gardenId));
  const deliveryWeekday = isoWeekday(addDays(today(), 2));
  const depotId = await addTestDepot(store, gardenId, {
    id: 'd-chaos',
    name: 'Dépôt <b>du chaos</b>',
    address: { street: '1 place Pasteur', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2378, lng: 6.0241 },
    deliveryWeekday,
    capacity: 100_000,
  });
  const homeDepotId = await addHomeDeliveryDepot(store, gardenId, { deliveryWeekday, capacity: 100_000 });
  await saveTestFleet(store, gardenId, testFleet([testVehicle({ id: 'v-chaos', capacity: 10_000 })]));
  const calendar = await store.settings.calendar(gardenId);
  await store.settings.saveCalendar(
    gardenId,
    {
      seasons: [{ id: 'saison', start: addDays(today(), -400), end: addDays(today(), 400) }],
      closedWeeks: [],
      cutoffHours: 24,
    },
    calendar.version,
    new Date().toISOString(),
  );
  const pricing = await store.settings.pricing(gardenId);
  const { version: _version, ...input } = { ...defaultPricing, ...pricing };
  await store.settings.savePricing(gardenId, { ...input, paymentTermDays: 0 }, pricing.version);
  const extensions = testExtensionServices(store);
  const upload = await sampleUpload('absences-ete');
  const at = new Date().toISOString();
  await extensions.catalogue.upload(gardenId, upload, { by: { userId: 'u-chaos', name: 'Chaos' }, at });
  await extensions.catalogue.activate(gardenId, upload.manifest.name, upload.manifest.version, { at });
  await extensions.close();
  const staff = await createAccount({ role: 'staff', gardenId, firstName: 'Chaos', lastName: 'Équipe' });
  return { gardenId, depotId, homeDepotId, deliveryWeekday, emailDomain: `${gardenId}.example.org`, staff };
}

/** Retries a write straight to the store (the runner's own set-up) while a peer is down. */
async function untilDone<T>(what: () => Promise<T>, tries = 60): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await what();
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * A garden's busy weeks, through the real API over HTTP: sign-ups and approvals, absences, week
 * preparations, billing runs, SEPA collections answered by webhooks, cheques. Each request is
 * made once, as a person would, and its outcome written in the ledger; the idempotent ones
 * (preparing a week, a cheque with its key, a webhook Stripe delivers again) are sent again
 * until answered.
 */
export function gardenTraffic(options: {
  apiUrl: string;
  store: Store;
  garden: ChaosGarden;
  stripe: StripeRecorder;
  webhookSecret: string;
  ledger: Ledger;
  random: () => number;
  /** Starts an invoice's collection (temporal/payment-client.ts `collect`; twice is once). */
  collect: (input: { gardenId: string; invoiceNumber: number; memberId: string }) => Promise<unknown>;
}) {
  const { apiUrl, store, garden, stripe, ledger, random } = options;
  const base = `/api/gardens/${garden.gardenId}`;
  let signUps = 0;

  async function call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ outcome: Outcome; status: number; json: () => unknown }> {
    ledger.requests++;
    try {
      const token = await garden.staff.token();
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const outcome: Outcome =
        response.status < 300 ? 'accepted' : response.status < 500 ? 'refused' : 'unknown';
      return { outcome, status: response.status, json: () => JSON.parse(text) as unknown };
    } catch {
      return { outcome: 'unknown', status: 0, json: () => undefined };
    }
  }

  async function signUp(): Promise<void> {
    signUps++;
    const tag = randomUUID().slice(0, 6);
    const email = `membre-${signUps}-${tag}@${garden.emailDomain}`;
    // A third of the households pay by cheque, a third by SEPA debit, a third by card.
    const pays = (['cheque', 'sepa', 'card'] as const)[signUps % 3]!;
    const names = [
      { firstName: '<img src=x onerror=alert(1)>', lastName: 'Dupont' },
      { firstName: 'constructor', lastName: '__proto__' },
      { firstName: 'Élise', lastName: 'Reclus & fils' },
    ];
    const name = names[signUps % names.length]!;
    const created = await call('POST', `${base}/members`, { ...name, email });
    const id =
      created.outcome === 'accepted' ? (created.json() as { id: string } | undefined)?.id : undefined;
    ledger.members.set(email, { outcome: created.outcome, pays, ...(id ? { id } : {}) });
    if (!id) return;
    if (pays !== 'cheque') {
      // A card or mandate saved earlier, as the payment-method page leaves it.
      await untilDone(async () => {
        const profile = await store.billingProfiles.get(garden.gardenId, id);
        await store.billingProfiles.save(profile, {
          stripeCustomerId: `cus_chaos_${id}`,
          paymentMethod:
            pays === 'card'
              ? { id: `pm_card_chaos_${id}`, kind: 'card', label: 'Visa •••• 4242' }
              : { id: `pm_sepa_chaos_${id}`, kind: 'sepa', label: 'SEPA •••• 3000' },
        });
      });
    }
    // One household in four is delivered at home: staff place its door on the map first.
    const atHome = signUps % 4 === 0;
    if (atHome) {
      const placed = await call('PUT', `${base}/members/${encodeURIComponent(id)}/location`, {
        lat: 47.22 + random() * 0.06,
        lng: 5.98 + random() * 0.08,
      });
      if (placed.outcome !== 'accepted') return;
    }
    const calendar = await untilDone(() => store.settings.calendar(garden.gardenId));
    const startDate = deliveryDayAhead(calendar, garden.deliveryWeekday, { changeableForMs: 2 * 3_600_000 });
    const applied = await call('POST', `${base}/subscriptions`, {
      memberId: id,
      basketSize: (['small', 'medium', 'large'] as const)[Math.floor(signUps / 2) % 3],
      frequency: 'weekly',
      depotId: atHome ? garden.homeDepotId : garden.depotId,
      startDate,
    });
    const subscriptionId =
      applied.outcome === 'accepted' ? (applied.json() as { id: string } | undefined)?.id : undefined;
    ledger.applications.set(id, {
      outcome: applied.outcome,
      ...(subscriptionId ? { subscriptionId } : {}),
    });
  }

  /** Staff approve the applications that wait (as the inbox lists them), one request each. */
  async function approveWaiting(): Promise<void> {
    const waiting = await untilDone(() => store.subscriptions.list(garden.gardenId, 'pending'));
    for (const subscription of waiting) {
      if (ledger.approvals.get(subscription.id) === 'accepted') continue;
      const decided = await call(
        'POST',
        `${base}/subscriptions/${encodeURIComponent(subscription.id)}/decision`,
        { decision: 'approve' },
      );
      if (decided.outcome !== 'refused' || !ledger.approvals.has(subscription.id))
        ledger.approvals.set(subscription.id, decided.outcome);
    }
  }

  /** A member away: an absence on one of their next deliveries still open to changes. */
  async function reportAbsence(): Promise<void> {
    const active = await untilDone(() => store.subscriptions.list(garden.gardenId, 'active'));
    const subscription = active[Math.floor(random() * active.length)];
    if (!subscription) return;
    const path = `${base}/subscriptions/${encodeURIComponent(subscription.id)}`;
    const next = await call('GET', `${path}/next-deliveries?count=4`);
    if (next.outcome !== 'accepted') return;
    const open = (next.json() as Array<{ date: IsoDate; changeableUntil: string; absent?: boolean }>).filter(
      (delivery) =>
        Date.parse(delivery.changeableUntil) > Date.now() + 10 * 60_000 &&
        !(subscription.absences ?? []).some((absence) => absence.date === delivery.date) &&
        !ledger.absences.some(
          (asked) => asked.subscriptionId === subscription.id && asked.date === delivery.date,
        ),
    );
    const date = open[Math.floor(random() * open.length)]?.date;
    if (!date) return;
    const reported = await call('POST', `${path}/absences`, { dates: [date] });
    ledger.absences.push({ subscriptionId: subscription.id, date, outcome: reported.outcome });
  }

  /** A household takes another basket size from its next open delivery (once per subscription). */
  async function changeBasket(): Promise<void> {
    const active = await untilDone(() => store.subscriptions.list(garden.gardenId, 'active'));
    const unchanged = active.filter((subscription) => !ledger.changes.has(subscription.id));
    const subscription = unchanged[Math.floor(random() * unchanged.length)];
    if (!subscription) return;
    const basketSize = (['small', 'medium', 'large'] as const).find(
      (size) => size !== subscription.basketSize,
    )!;
    const changed = await call(
      'POST',
      `${base}/subscriptions/${encodeURIComponent(subscription.id)}/changes`,
      { basketSize },
    );
    ledger.changes.set(subscription.id, { basketSize, outcome: changed.outcome });
  }

  /** Staff prepare this week and the next (twice is once): sent until answered. */
  async function prepareWeeks(options: { onlyMissing?: boolean } = {}): Promise<void> {
    for (const week of preparableWeeks(today())) {
      if (options.onlyMissing && ledger.preparedWeeks.has(week)) continue;
      const prepared = await call('POST', `${base}/weeks/${week}/preparation`);
      if (prepared.outcome === 'accepted') ledger.preparedWeeks.add(week);
    }
  }

  /**
   * The billing run of a past month: first the baskets its households were handed that month,
   * as the week workflows record them (one each), then the run, started through the API.
   */
  async function billMonth(month: string): Promise<void> {
    if (ledger.billedMonths.get(month) === 'accepted') return;
    if (!ledger.billedMonths.has(month)) {
      const households = [...ledger.members.values()].flatMap((member) => (member.id ? [member.id] : []));
      const date = `${month}-14`;
      const week = isoWeek(date);
      await untilDone(async () => {
        const existing = await store.weeks.baskets(garden.gardenId, week);
        const ids = households.map((memberId) => `s-past-${memberId}`);
        await store.weeks.replaceBaskets(
          garden.gardenId,
          week,
          ids,
          households.map((memberId) => ({
            week,
            subscriptionId: `s-past-${memberId}`,
            memberId,
            date,
            depotId: garden.depotId,
            basketSize: 'medium' as const,
            baskets: 1,
            state: 'planned' as const,
          })),
          existing,
        );
      });
    }
    const started = await call('POST', `${base}/billing/runs/${month}`);
    ledger.billedMonths.set(month, started.outcome);
  }

  /**
   * An overdue invoice of a household paying by card or SEPA, taken over from the old software
   * (due yesterday), and its collection started, as the billing run starts each invoice's. The
   * billing run's own invoices are due the day they are issued and collected at 8 a.m. on that
   * day: these are collected at once, at any hour the run happens.
   */
  async function takeOverOverdueInvoice(): Promise<void> {
    const paying = [...ledger.members.values()].filter((member) => member.pays !== 'cheque' && member.id);
    const member = paying[Math.floor(random() * paying.length)];
    if (!member?.id) return;
    const memberId = member.id;
    const total = 1_000 + Math.floor(random() * 4_000);
    const sourceKey = `chaos/${memberId}/${ledger.overdue.size + 1}`;
    const invoice = await untilDone(async () => {
      const existing = await store.invoices.bySource(garden.gardenId, sourceKey);
      return (
        existing ??
        store.invoices.issue(
          {
            gardenId: garden.gardenId,
            memberId,
            subject: `Reprise de l'ancien logiciel n° ${ledger.overdue.size + 1}`,
            issuedOn: addDays(today(), -30),
            dueOn: addDays(today(), -1),
            lines: [{ label: 'Paniers (reprise)', quantity: 1, unitPrice: total, amount: total }],
            total,
          },
          sourceKey,
        )
      );
    });
    await untilDone(() =>
      options.collect({ gardenId: garden.gardenId, invoiceNumber: invoice.number, memberId }),
    );
    ledger.overdue.add(invoice.number);
  }

  /** The households without a mandate pay their open invoices by cheque, each with its key. */
  async function payByCheque(): Promise<void> {
    const withCard = new Set(
      [...ledger.members.values()].flatMap((member) =>
        member.pays !== 'cheque' && member.id ? [member.id] : [],
      ),
    );
    const invoices = await untilDone(() => store.invoices.list(garden.gardenId));
    for (const invoice of invoices) {
      if (withCard.has(invoice.memberId) || invoice.status !== 'open') continue;
      const key = `cheque-${invoice.number}`;
      if (ledger.cheques.get(key)?.outcome === 'accepted') continue;
      const due = outstanding(invoice);
      if (due <= 0) continue;
      const paid = await call(
        'POST',
        `${base}/invoices/${invoice.number}/payments`,
        { method: 'cheque', amount: due, receivedOn: today(), reference: `CHQ ${invoice.number}` },
        { 'idempotency-key': key },
      );
      // A retry after an unknown outcome that finds it recorded answers 201 again (same key).
      ledger.cheques.set(key, { invoiceNumber: invoice.number, outcome: paid.outcome });
    }
  }

  /** Stripe tells of each SEPA debit that came in, until the API answers (as Stripe retries). */
  async function deliverWebhooks(): Promise<void> {
    for (const intent of stripe.intents()) {
      const sent = ledger.webhooks.get(intent.id);
      if (sent?.outcome === 'accepted') continue;
      const succeeded = stripe.succeed(intent.id)!;
      const eventId = sent?.eventId ?? `evt_chaos_${intent.id.slice('pi_chaos_'.length)}`;
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: '2026-10-28.endive',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: 'payment_intent.succeeded',
        data: { object: succeeded },
      });
      ledger.requests++;
      let outcome: Outcome;
      try {
        const response = await fetch(`${apiUrl}/api/stripe/webhook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'stripe-signature': Stripe.webhooks.generateTestHeaderString({
              payload,
              secret: options.webhookSecret,
            }),
          },
          body: payload,
          signal: AbortSignal.timeout(30_000),
        });
        await response.text();
        outcome = response.status < 300 ? 'accepted' : response.status < 500 ? 'refused' : 'unknown';
      } catch {
        outcome = 'unknown';
      }
      ledger.webhooks.set(intent.id, {
        invoiceNumber: Number(succeeded.metadata.invoiceNumber),
        eventId,
        outcome,
      });
    }
  }

  return {
    signUp,
    approveWaiting,
    reportAbsence,
    changeBasket,
    prepareWeeks,
    billMonth,
    takeOverOverdueInvoice,
    payByCheque,
    deliverWebhooks,
  };
}
export type GardenTraffic = ReturnType<typeof gardenTraffic>;
