import type { Client } from '@temporalio/client';
import type { Store } from '../../adapters/store/index.ts';
import { scheduleContextOf, readGardenContext } from '../../adapters/store/garden-context.ts';
import { basketsOfWeek, countBaskets } from '../../domain/delivery-week.ts';
import { weekDays } from '../../domain/iso-weeks.ts';
import { stopIdOfDepot, stopIdOfHome } from '../../domain/rounds/stops.ts';
import { allMembers } from '../../infra/disaster-recovery/garden-records.ts';
import { sentEmails } from '../support/moto.ts';
import type { ChaosGarden, Ledger } from './garden-traffic.ts';
import type { StripeRecorder } from './stripe-recorder.ts';

/** The invariants of issue 18, each by name, and what broke each one (empty: it holds). */
export type InvariantReport = Record<string, string[]>;

export const invariantNames = [
  'accepted requests took effect exactly once',
  'invoice numbers have no gap and no double',
  'one PaymentIntent per attempt',
  'no message sent twice',
  'no workflow failed',
  "the weeks' baskets equal a recount",
  "each round carries its day's baskets",
] as const;

/**
 * Checks the garden against the ledger of what the traffic asked for. Every check reads the
 * records as they are now: the runner calls it again until it holds or its time is up (an
 * approval's effect, a webhook's payment, land a little after their answer).
 */
export async function checkInvariants(input: {
  store: Store;
  client: Client;
  garden: ChaosGarden;
  ledger: Ledger;
  stripe: StripeRecorder;
}): Promise<InvariantReport> {
  const { store, client, garden, ledger, stripe } = input;
  const gardenId = garden.gardenId;
  const [members, subscriptions, invoices] = await Promise.all([
    allMembers(store, gardenId),
    store.subscriptions.list(gardenId),
    store.invoices.list(gardenId),
  ]);
  const report: InvariantReport = Object.fromEntries(invariantNames.map((name) => [name, [] as string[]]));
  const broke = (name: (typeof invariantNames)[number], what: string) => report[name]!.push(what);

  // 1. Exactly once for what was accepted; at most once for what got no answer.
  const effects = 'accepted requests took effect exactly once';
  const once = (what: string, count: number, outcome: string) => {
    if (outcome === 'accepted' && count !== 1) broke(effects, `${what}: accepted, found ${count} times`);
    if (outcome !== 'accepted' && count > 1) broke(effects, `${what}: ${outcome}, found ${count} times`);
  };
  for (const [email, asked] of ledger.members) {
    once(`member ${email}`, members.filter((member) => member.email === email).length, asked.outcome);
  }
  for (const [memberId, asked] of ledger.applications) {
    const theirs = subscriptions.filter((subscription) => subscription.memberId === memberId);
    once(`application of ${memberId}`, theirs.length, asked.outcome);
    if (asked.subscriptionId && !theirs.some((subscription) => subscription.id === asked.subscriptionId))
      broke(effects, `application of ${memberId}: answered ${asked.subscriptionId}, not recorded`);
  }
  for (const [subscriptionId, outcome] of ledger.approvals) {
    const status = subscriptions.find((subscription) => subscription.id === subscriptionId)?.status;
    if (outcome === 'accepted' && status !== 'active')
      broke(effects, `approval of ${subscriptionId}: accepted, subscription ${status ?? 'missing'}`);
  }
  for (const asked of ledger.absences) {
    const subscription = subscriptions.find((candidate) => candidate.id === asked.subscriptionId);
    const count = (subscription?.absences ?? []).filter((absence) => absence.date === asked.date).length;
    once(`absence ${asked.subscriptionId} on ${asked.date}`, count, asked.outcome);
  }
  for (const [subscriptionId, asked] of ledger.changes) {
    const subscription = subscriptions.find((candidate) => candidate.id === subscriptionId);
    const count = (subscription?.changes ?? []).filter(
      (change) => change.basketSize === asked.basketSize,
    ).length;
    once(`change of ${subscriptionId} to ${asked.basketSize}`, count, asked.outcome);
  }
  for (const [key, asked] of ledger.cheques) {
    const invoice = invoices.find((candidate) => candidate.number === asked.invoiceNumber);
    const count = (invoice?.payments ?? []).filter((payment) => payment.id === `p-${key}`).length;
    once(`cheque ${key}`, count, asked.outcome);
  }
  for (const [intentId, sent] of ledger.webhooks) {
    const invoice = invoices.find((candidate) => candidate.number === sent.invoiceNumber);
    const count = (invoice?.payments ?? []).filter((payment) => payment.reference === intentId).length;
    once(`SEPA debit ${intentId} of invoice ${sent.invoiceNumber}`, count, sent.outcome);
    if (sent.outcome === 'refused') broke(effects, `webhook for ${intentId}: refused`);
  }
  for (const invoice of invoices) {
    const paid = invoice.payments.reduce((sum, payment) => sum + payment.amount, 0);
    if (paid > invoice.total) broke(effects, `invoice ${invoice.number}: ${paid} paid for ${invoice.total}`);
  }

  // 2. Invoice numbers: 1, 2, 3… one invoice each, one invoice per household and subject.
  const numbering = 'invoice numbers have no gap and no double';
  const numbers = invoices.map((invoice) => invoice.number).sort((a, b) => a - b);
  numbers.forEach((number, index) => {
    if (number !== index + 1) broke(numbering, `invoice at position ${index + 1} has number ${number}`);
  });
  const subjects = new Map<string, number>();
  for (const invoice of invoices) {
    const key = `${invoice.memberId} ${invoice.subject}`;
    subjects.set(key, (subjects.get(key) ?? 0) + 1);
  }
  for (const [key, count] of subjects) if (count > 1) broke(numbering, `${count} invoices for ${key}`);

  // 3. Stripe: one idempotency key (one PaymentIntent) per attempt of a collection.
  const byAttempt = new Map<string, Set<string>>();
  for (const creation of stripe.creations) {
    if (!creation.workflowId.startsWith(`${gardenId}/`)) continue;
    const attempt = `${creation.workflowId} attempt ${creation.attempt}`;
    const keys = byAttempt.get(attempt) ?? new Set<string>();
    keys.add(`${creation.idempotencyKey ?? 'no key'} for ${creation.amount}`);
    byAttempt.set(attempt, keys);
  }
  for (const [attempt, keys] of byAttempt) {
    if (keys.size > 1) broke('one PaymentIntent per attempt', `${attempt}: ${[...keys].join(', ')}`);
  }

  // 4. Messages: nobody gets the same message twice.
  const sent = new Map<string, number>();
  for (const email of await sentEmails()) {
    for (const to of email.destinations.ToAddresses ?? []) {
      if (!to.endsWith(`@${garden.emailDomain}`)) continue;
      const key = `${to} « ${email.subject} »\n${email.body}`;
      sent.set(key, (sent.get(key) ?? 0) + 1);
    }
  }
  for (const [key, count] of sent) {
    if (count > 1) broke('no message sent twice', `${count} times to ${key.split('\n')[0]}`);
  }

  // 5. Workflows: running, completed or waiting on a person; none failed, timed out or ended by force.
  for await (const execution of client.workflow.list({ query: `GardenId = '${gardenId}'` })) {
    const status = execution.status.name;
    if (status === 'FAILED' || status === 'TIMED_OUT' || status === 'TERMINATED')
      broke('no workflow failed', `${execution.workflowId} (${execution.type}): ${status}`);
  }

  // 6. Each prepared week's baskets: the subscriptions' schedules, counted again here.
  const context = await readGardenContext(store, gardenId);
  const schedule = scheduleContextOf(context);
  const running = subscriptions.filter(
    (subscription) => subscription.status === 'active' || subscription.status === 'paused',
  );
  for (const week of ledger.preparedWeeks) {
    const recount = canonical(
      countBaskets(running.flatMap((subscription) => basketsOfWeek(subscription, schedule, week))),
    );
    const stored = canonical(countBaskets(await store.weeks.baskets(gardenId, week)));
    if (stored !== recount)
      broke("the weeks' baskets equal a recount", `${week}: prepared ${stored}, recounted ${recount}`);
  }

  // 7. Each delivery day's round: a stop per depot and per door delivered at home, with its baskets.
  for (const week of ledger.preparedWeeks) {
    const days = weekDays(week);
    const rounds = await store.rounds.between(gardenId, days[0]!, days[6]!);
    const planned = (await store.weeks.baskets(gardenId, week)).filter(
      (basket) => basket.state === 'planned' && basket.baskets > 0,
    );
    for (const date of [...new Set(planned.map((basket) => basket.date))]) {
      const expected = new Map<string, number>();
      for (const basket of planned.filter((candidate) => candidate.date === date)) {
        const stopId =
          basket.depotId === garden.homeDepotId
            ? stopIdOfHome(basket.subscriptionId)
            : stopIdOfDepot(basket.depotId);
        expected.set(stopId, (expected.get(stopId) ?? 0) + basket.baskets);
      }
      const round = rounds.find((candidate) => candidate.date === date);
      const carried = new Map(
        (round?.stops ?? [])
          .map((stop) => [stop.id, stop.baskets.small + stop.baskets.medium + stop.baskets.large] as const)
          .filter(([, baskets]) => baskets > 0),
      );
      const describe = (stops: Map<string, number>) =>
        JSON.stringify(Object.fromEntries([...stops].sort(([a], [b]) => a.localeCompare(b))));
      if (describe(carried) !== describe(expected))
        broke(
          "each round carries its day's baskets",
          `${date}: round ${round ? describe(carried) : 'missing'}, baskets ${describe(expected)}`,
        );
    }
  }
  return report;
}

/** Counts as JSON with their depots in one order, so that two equal counts read the same. */
function canonical(counts: ReturnType<typeof countBaskets>): string {
  const byDepot = Object.keys(counts.byDepot)
    .sort()
    .map((depotId) => [depotId, counts.byDepot[depotId]]);
  return JSON.stringify({ byDepot: Object.fromEntries(byDepot), total: counts.total });
}

export function violationsOf(report: InvariantReport): string[] {
  return Object.entries(report).flatMap(([name, broken]) => broken.map((what) => `${name}: ${what}`));
}
