// Demo data for `npm start`: two gardens with depots, members and subscriptions in every
// state, created through the application's own code (store and subscription workflows).
// Seeding twice changes nothing: every record has a fixed id and every write is conditional.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.ts';
import { readConfiguration } from '../../domain/configuration.ts';
import { ActivitySettings, activityDepsFrom } from '../../temporal/activity-deps.ts';
import { createStore, type Store } from '../../adapters/store/index.ts';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { isCocagneError } from '../../domain/errors.ts';
import { gardenTaskQueue } from '../../domain/garden.ts';
import { normalizeMemberInput } from '../../domain/member.ts';
import { createSubscriptionCommands, type SubscriptionCommands } from '../../temporal/subscription-client.ts';
import { createWeekSchedules } from '../../temporal/week-schedules.ts';
import { createRetentionSchedules } from '../../temporal/retention-schedules.ts';
import { createBillingCommands } from '../../temporal/billing-client.ts';
import { createPaymentCommands } from '../../temporal/payment-client.ts';
import { createWeekCommands, type WeekCommands } from '../../temporal/week-client.ts';
import { createRoundCommands, type RoundCommands } from '../../temporal/round-client.ts';
import { dataConverterFrom, TemporalSettings } from '../../temporal/settings.ts';
import { workflowsPath } from '../../temporal/workflow-source.ts';
import { demoCalendar, demoContacts, demoDepots, demoGardens } from '../demo/demo-gardens.ts';
import { seedDemoLegalPages } from '../demo/demo-legal.ts';
import { demoMembers, type DemoMember } from '../demo/demo-members.ts';
import { demoAftermathStep } from '../demo/demo-steps.ts';
import {
  demoFleets,
  demoHomeDeliveryDepots,
  demoHomeHouseholds,
  type DemoHousehold,
} from '../demo/demo-rounds.ts';
import { demoCompositions, demoProducts } from '../demo/demo-products.ts';
import { say, warn } from './log.ts';
import { useLocalCredentials } from './provision.ts';
import { seedPaymentMeans } from './seed-payment-means.ts';
import { seedExtensions } from './seed-extensions.ts';
import { createExtensionCommands } from '../../temporal/extension-client.ts';
import { demoExtensions } from '../demo/demo-extensions.ts';

/** The stack's payload keys, as the app's clients and workers read them (temporal/settings.ts). */
const payloadConverterOf = (env: Record<string, string>) =>
  dataConverterFrom(readConfiguration(TemporalSettings, env));

const seedMarker = { pk: 'DEMO', sk: 'seed-v4' };
/** The rounds' demo (fleet, home-delivery depot and households), added after the first demo data. */
const roundsMarker = { pk: 'DEMO', sk: 'rounds-v1' };
const demoStaff = { userId: 'demo-equipe-doubs', name: 'Julien Cuenot' };

const membersByGarden: Record<
  string,
  { count: number; prefix: string; first: { firstName: string; lastName: string } }
> = {
  'val-du-doubs': { count: 60, prefix: 'm-demo', first: { firstName: 'Sophie', lastName: 'Girardot' } },
  'pays-de-vesoul': { count: 8, prefix: 'm-vesoul', first: { firstName: 'Marc', lastName: 'Petitjean' } },
};

/** The garden's saved calendar; on a first start, the demo calendar around today, saved. */
async function demoGardenCalendar(store: Store, gardenId: string, today: string) {
  const calendar = await store.settings.calendar(gardenId);
  if (calendar.version > 0) return calendar;
  return store.settings.saveCalendar(gardenId, demoCalendar(today), 0, new Date().toISOString());
}

/** Each demo garden's contact and payment instructions, unless the garden has set its own. */
async function seedContacts(store: Store): Promise<void> {
  for (const garden of demoGardens) {
    const contact = demoContacts[garden.id];
    if (!contact || !(await store.gardens.get(garden.id))) continue;
    if ((await store.settings.contact(garden.id, garden)).version === 0) {
      await store.settings.saveContact(garden.id, contact, 0);
    }
  }
}

/**
 * A third of the demo households with a card or SEPA mandate saved (no call to Stripe), so the
 * billing page shows charges to come beside payments by hand; also on a stack seeded before.
 */
async function seedDemoPaymentMeans(store: Store): Promise<void> {
  for (const [gardenId, { count, prefix }] of Object.entries(membersByGarden)) {
    const ids = Array.from(
      { length: count },
      (_, index) => `${prefix}-${String(index + 1).padStart(4, '0')}`,
    );
    const saved = await seedPaymentMeans(store, gardenId, ids);
    if (saved > 0) say(`demo data: ${gardenId}: ${saved} households with a card or SEPA mandate saved`);
  }
}

async function alreadySeeded(store: Store, marker = seedMarker): Promise<boolean> {
  const { Item } = await store.db.send(new GetCommand({ TableName: store.tables.control, Key: marker }));
  return Item !== undefined;
}

async function markSeeded(store: Store, marker: { pk: string; sk: string }): Promise<void> {
  await store.db.send(
    new PutCommand({
      TableName: store.tables.control,
      Item: { ...marker, seededAt: new Date().toISOString() },
    }),
  );
}

/** Each demo garden's vehicles and drivers, unless its administrators have set their own. */
async function seedFleets(store: Store): Promise<void> {
  for (const [gardenId, fleet] of Object.entries(demoFleets)) {
    if (!(await store.gardens.get(gardenId))) continue;
    if ((await store.fleet.get(gardenId)).version === 0) {
      await store.fleet.put(gardenId, fleet, 0, new Date().toISOString());
      say(`demo data: ${gardenId}: ${fleet.vehicles.length} vehicles and drivers for the rounds`);
    }
  }
}

/** The households delivered at home, by garden, their dates from the garden's calendar on `today`. */
async function homeDeliveryPlans(store: Store, today: string): Promise<Map<string, DemoHousehold[]>> {
  const plans = new Map<string, DemoHousehold[]>();
  for (const gardenId of Object.keys(demoHomeDeliveryDepots)) {
    const calendar = await demoGardenCalendar(store, gardenId, today);
    plans.set(gardenId, demoHomeHouseholds(gardenId, today, calendar));
  }
  return plans;
}

/**
 * On a stack seeded before the rounds existed: the home-delivery depot, its households with
 * their subscriptions (approved, so the weeks to come plan their baskets) and the fleet.
 */
async function seedRoundsOnSeededStack(env: Record<string, string>, store: Store): Promise<void> {
  const plans = await homeDeliveryPlans(store, gardenDay(new Date()));
  await seedRecords(store, plans, new Date().toISOString());
  await seedFleets(store);
  await seedSubscriptions(env, store, plans, { weeksAndBilling: false });
  await markSeeded(store, roundsMarker);
}

async function seedRecords(store: Store, plans: Map<string, DemoMember[]>, now: string): Promise<void> {
  for (const garden of demoGardens) {
    await store.gardens.register(garden);
    for (const { id, ...product } of demoProducts) {
      if (!(await store.products.get(garden.id, id))) await store.products.create(garden.id, id, product);
    }
    for (const depot of [...(demoDepots[garden.id] ?? []), ...(demoHomeDeliveryDepots[garden.id] ?? [])]) {
      await store.depots.createIfAbsent({ ...depot, gardenId: garden.id, version: 1 });
    }
    for (const member of plans.get(garden.id) ?? []) {
      let stored = await store.members.get(garden.id, member.id);
      if (!stored) {
        const normalized = normalizeMemberInput(member.input, 'en');
        if (!normalized.ok)
          throw new Error(`Demo member ${member.id} is invalid: ${normalized.issues[0]?.message}`);
        stored = await store.members.create(garden.id, member.id, normalized.value, now);
      }
      // Households delivered at home are placed on the map, as staff would place them.
      if ('location' in member && !stored.location) {
        await store.members.setLocation(garden.id, member.id, (member as DemoHousehold).location, now);
      }
    }
  }
}

async function seedSubscriptions(
  env: Record<string, string>,
  store: Store,
  plans: Map<string, DemoMember[]>,
  { weeksAndBilling = true } = {},
) {
  // The seeding worker's state changes are not news to the person starting the app.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = env.TEMPORAL_ADDRESS ?? '';
  const namespace = env.TEMPORAL_NAMESPACE ?? '';
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const dataConverter = payloadConverterOf(env);
  const client = new Client({ connection, namespace, dataConverter });
  const commands = createSubscriptionCommands(client);
  // Every garden prepares next week's baskets on its own schedule, and applies its retention
  // periods every night (workflows/retention).
  const schedules = createWeekSchedules(client);
  const retention = createRetentionSchedules(client);
  for (const garden of demoGardens) {
    await schedules.ensure(garden.id, await store.settings.rules(garden.id), garden.timeZone);
    await retention.ensure(garden.id, garden.timeZone);
  }
  // Decisions need a worker: run one for the demo gardens while seeding.
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: silent });
  const activities = createActivities({
    ...activityDepsFrom(readConfiguration(ActivitySettings, env)),
    store,
  });
  const gardens = demoGardens.filter((garden) => plans.has(garden.id));
  const workers = await Promise.all(
    gardens.map((garden) =>
      Worker.create({
        connection: nativeConnection,
        namespace,
        taskQueue: gardenTaskQueue(garden.id),
        workflowBundle: { code },
        activities,
        ...(dataConverter ? { dataConverter } : {}),
      }),
    ),
  );
  const running = workers.map((worker) => worker.run());
  try {
    for (const garden of gardens) {
      let started = 0;
      for (const member of plans.get(garden.id) ?? []) {
        if (member.plan.state === 'none') continue;
        const request = {
          memberId: member.id,
          basketSize: member.basketSize,
          frequency: member.frequency,
          depotId: member.depotId,
          startDate: member.plan.startDate,
        };
        try {
          await commands.apply(garden.id, request, demoStaff, new Date().toISOString());
          started++;
        } catch (error) {
          // Started by an earlier seeding that stopped half-way: take it on from where it is.
          if (!isCocagneError(error) || error.code !== 'duplicate') throw error;
        }
        await demoStep(`${garden.name}: ${member.id}`, () => bringToPlan(commands, garden.id, member));
      }
      say(`demo data: ${garden.name}: ${started} subscriptions started`);
      if (!weeksAndBilling) continue;
      await demoStep(`${garden.name}: weeks`, () =>
        seedWeeks(garden.id, activities, createWeekCommands(client), store),
      );
      await demoStep(`${garden.name}: rounds`, () =>
        seedRounds(garden.id, createRoundCommands(client), store),
      );
      await demoStep(`${garden.name}: billing`, () =>
        seedBilling(garden.id, garden.timeZone, activities, client, store),
      );
    }
  } finally {
    for (const worker of workers) worker.shutdown();
    await Promise.all(running);
    await nativeConnection.close();
    await connection.close();
  }
}

/**
 * Baskets of the last six weeks (for the dashboard), this week prepared and approved (its
 * documents printed), next week prepared and waiting for its composition in the inbox.
 */
async function seedWeeks(
  gardenId: string,
  activities: ReturnType<typeof createActivities>,
  weeks: WeekCommands,
  store: Store,
): Promise<void> {
  const today = gardenDay(new Date());
  const ids = await activities.runningSubscriptionIds(gardenId);
  for (let offset = -6; offset <= 1; offset++) {
    const week = isoWeek(addDays(today, 7 * offset));
    const composition = demoCompositions[(offset + 12) % demoCompositions.length];
    if (composition && !(await store.weeks.composition(gardenId, week))) {
      await store.weeks.saveComposition(gardenId, week, composition, 0, demoStaff, new Date().toISOString());
    }
    if (offset < 0) {
      await activities.planWeekBaskets({ gardenId, week, subscriptionIds: ids });
      await activities.summarizeWeek({ gardenId, week });
    }
  }
  const thisWeek = isoWeek(today);
  await weeks.prepare(gardenId, thisWeek);
  await weeks.prepare(gardenId, isoWeek(addDays(today, 7)));
  for (let attempt = 0; attempt < 100; attempt++) {
    const progress = await weeks.progress(gardenId, thisWeek);
    if (progress?.phase === 'awaiting-composition') {
      await weeks.approve(gardenId, thisWeek, demoStaff);
      return;
    }
    if (progress?.phase === 'ready' || progress?.phase === 'done') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The rounds the prepared weeks started (gardens with vehicles): once each delivery day to come
 * is planned, the first one is approved and sent to its drivers (who see it on their phone),
 * the next ones wait for staff in the inbox.
 */
async function seedRounds(gardenId: string, rounds: RoundCommands, store: Store): Promise<void> {
  if ((await store.fleet.get(gardenId)).vehicles.length === 0) return;
  const today = gardenDay(new Date());
  const weeks = [isoWeek(today), isoWeek(addDays(today, 7))];
  const baskets = (await Promise.all(weeks.map((week) => store.weeks.baskets(gardenId, week)))).flat();
  const days = [
    ...new Set(
      baskets
        .filter((basket) => basket.state === 'planned' && basket.baskets > 0 && basket.date >= today)
        .map((basket) => basket.date),
    ),
  ].sort();
  if (days.length === 0) return;
  let planned: Awaited<ReturnType<Store['rounds']['between']>> = [];
  for (let attempt = 0; attempt < 300; attempt++) {
    planned = await store.rounds.between(gardenId, today, days.at(-1) as string);
    if (days.every((day) => planned.some((round) => round.date === day))) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const first = planned
    .filter(
      (round) =>
        round.phase === 'awaiting-approval' && round.solution?.routes.some((route) => route.stops.length > 0),
    )
    .sort((a, b) => a.date.localeCompare(b.date))[0];
  if (first) {
    // Every demo driver has a route to look at: when the optimiser left a van idle (one can
    // carry the day), the depots go to that van and the doors stay with the other, as staff
    // would share them out.
    const fleet = await store.fleet.get(gardenId);
    const busy = first.solution?.routes.find((route) => route.stops.length > 0);
    const idle = fleet.vehicles.find(
      (vehicle) =>
        vehicle.driverUsername &&
        !first.solution?.routes.some((route) => route.vehicleId === vehicle.id && route.stops.length > 0),
    );
    const depots = new Set(first.stops.filter((stop) => stop.kind === 'depot').map((stop) => stop.id));
    if (busy && idle && depots.size > 0 && depots.size < busy.stops.length) {
      await rounds.changePins(
        gardenId,
        first.date,
        demoStaff,
        busy.stops.map(({ stopId }) => ({
          stopId,
          vehicleId: depots.has(stopId) ? idle.id : busy.vehicleId,
        })),
      );
    }
    await rounds.approve(gardenId, first.date, demoStaff);
    say(
      `demo data: ${gardenId}: the round of ${first.date} sent to the drivers, ${planned.length - 1} more to approve`,
    );
  }
}

/**
 * Last month billed (its baskets come from the weeks above): one household on the solidarity
 * price, a few invoices paid by cheque, one in part, the others waiting for their due date.
 */
async function seedBilling(
  gardenId: string,
  timeZone: string,
  activities: ReturnType<typeof createActivities>,
  client: Client,
  store: Store,
): Promise<void> {
  const billing = createBillingCommands(client);
  const payments = createPaymentCommands(client);
  await billing.ensureSchedule(gardenId, timeZone);
  const today = gardenDay(new Date());
  const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
  const billed = await activities.monthlyBillables({ gardenId, month: lastMonth });
  const reduced = billed[3];
  if (reduced) {
    const profile = await store.billingProfiles.get(gardenId, reduced);
    if (!profile.tier) {
      await store.billingProfiles.save(profile, {
        tier: {
          id: 'solidaire',
          reason: 'Quotient familial (attestation CAF vue)',
          assigned: { by: demoStaff, at: new Date().toISOString() },
        },
      });
    }
  }
  await billing.run(gardenId, lastMonth, today);
  for (let attempt = 0; attempt < 300; attempt++) {
    if ((await billing.progress(gardenId, lastMonth))?.phase === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const invoices = (await store.invoices.list(gardenId)).filter((invoice) =>
    invoice.subject.startsWith('Paniers'),
  );
  const paidByCheque = invoices.slice(0, 4);
  for (const [index, invoice] of paidByCheque.entries()) {
    const inPart = paidByCheque.length > 1 && index === paidByCheque.length - 1;
    const amount = inPart ? Math.floor(invoice.total / 2) : invoice.total;
    await activities.recordManualPayment({
      gardenId,
      invoiceNumber: invoice.number,
      paymentId: `demo-cheque-${invoice.number}`,
      payment: {
        method: 'cheque',
        amount,
        receivedOn: today,
        reference: String(4_512_300 + invoice.number),
        bank: index % 2 === 0 ? 'Crédit Agricole Franche-Comté' : 'Banque Populaire BFC',
      },
      actor: demoStaff,
    });
    await payments.paymentRecorded(gardenId, invoice.number);
  }
  say(
    `demo data: ${gardenId}: ${invoices.length} invoices for ${lastMonth}, ${paidByCheque.length} paid by cheque (the last one in part)`,
  );
}

/**
 * Runs one step of the demo. A step the application refuses (a rule of the garden on this day)
 * is reported and skipped: the rest of the demo goes on. Anything else (a service down) stops
 * the seeding; the next start takes it on from where it stopped.
 */
async function demoStep(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (isCocagneError(error) && (error.code === 'refused' || error.code === 'invalid_input')) {
      warn(`demo data: ${what}: skipped, the application refused it: ${error.message}`);
      return;
    }
    throw error;
  }
}

/**
 * Takes a demo subscription from where it is to the state its plan says, as people would, and
 * asks only what is still missing: a seeding that stopped half-way resumes without repeating.
 */
async function bringToPlan(
  commands: SubscriptionCommands,
  gardenId: string,
  member: DemoMember,
): Promise<void> {
  const plan = member.plan;
  if (plan.state === 'none' || plan.state === 'pending') return;
  const id = `${member.id}.${plan.startDate}`;
  const memberActor = {
    userId: `demo-${member.id}`,
    name: `${member.input.firstName} ${member.input.lastName}`,
  };
  let current = await commands.current(gardenId, id);
  const awaiting = current.status === 'pending' || current.status === 'waitlisted';
  if (plan.state === 'rejected') {
    if (awaiting) await commands.decide(gardenId, id, { decision: 'reject', reason: plan.reason }, demoStaff);
    return;
  }
  if (plan.state === 'waitlisted') {
    if (current.status === 'pending')
      await commands.decide(gardenId, id, { decision: 'waitlist' }, demoStaff);
    return;
  }
  if (awaiting) current = await commands.decide(gardenId, id, { decision: 'approve' }, demoStaff);
  if (plan.state !== 'active' || !plan.then) return;
  const alreadyDone =
    plan.then === 'absences'
      ? (current.absences ?? []).length > 0
      : plan.then === 'pause'
        ? current.pause !== undefined
        : current.cancellation !== undefined;
  if (alreadyDone || (current.status !== 'active' && current.status !== 'paused')) return;
  const step = demoAftermathStep(plan.then, await commands.nextDeliveries(gardenId, id, 8), new Date());
  if (step.kind === 'skip') {
    warn(`demo data: ${member.id}: no ${plan.then} (${step.reason})`);
  } else if (step.kind === 'report-absences') {
    await commands.reportAbsences(gardenId, id, step.dates, memberActor);
  } else if (step.kind === 'pause') {
    await commands.pause(gardenId, id, step.from, step.until, memberActor);
  } else {
    await commands.cancel(gardenId, id, 'member', undefined, memberActor);
  }
}

/** Loads the demo gardens, members and subscriptions into the local stack, once. */
export async function seedDemoData(env: Record<string, string>): Promise<void> {
  useLocalCredentials(env);
  const store = createStore({
    region: env.AWS_REGION ?? 'eu-west-3',
    endpoint: env.DYNAMODB_ENDPOINT,
    tablePrefix: env.DYNAMODB_TABLE_PREFIX ?? 'cocagne',
  });
  try {
    // Added after the first demo data: a stack seeded before gets them at its next start too.
    await seedContacts(store);
    const legalPages = await seedDemoLegalPages(store, demoGardens);
    if (legalPages > 0) say(`demo data: ${legalPages} legal pages published (mentions légales, CGV…)`);
    await seedDemoPaymentMeans(store);
    await seedDemoExtensions(env, store);
    if (await alreadySeeded(store)) {
      if (!(await alreadySeeded(store, roundsMarker))) await seedRoundsOnSeededStack(env, store);
      say('demo data: already loaded');
      return;
    }
    const today = gardenDay(new Date());
    const plans = new Map<string, DemoMember[]>();
    for (const [gardenId, plan] of Object.entries(membersByGarden)) {
      // Members' dates follow the garden's calendar as it is saved (the demo one on a first start).
      const calendar = await demoGardenCalendar(store, gardenId, today);
      plans.set(gardenId, demoMembers(gardenId, plan.count, today, plan.prefix, plan.first, calendar));
    }
    // The households delivered at home join their garden's members, before the weeks are planned.
    for (const [gardenId, households] of await homeDeliveryPlans(store, today)) {
      plans.set(gardenId, [...(plans.get(gardenId) ?? []), ...households]);
    }
    await seedRecords(store, plans, new Date().toISOString());
    await seedContacts(store);
    // Again now that the gardens are registered: on a first start the call above found none.
    const gardenPages = await seedDemoLegalPages(store, demoGardens);
    if (gardenPages > 0) say(`demo data: ${gardenPages} garden legal pages published`);
    await seedDemoExtensions(env, store);
    await seedFleets(store);
    // Before the subscriptions and the billing run, as households save a card when they join.
    await seedDemoPaymentMeans(store);
    await seedSubscriptions(env, store, plans);
    await markSeeded(store, roundsMarker);
    await markSeeded(store, seedMarker);
    say('demo data: loaded');
  } finally {
    store.close();
  }
}

const silent = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/** The demo's sample extensions, active, each with a rollout so that admins can roll it back. */
async function seedDemoExtensions(env: Record<string, string>, store: Store): Promise<void> {
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS ?? '' });
  try {
    const extensions = createExtensionCommands(
      new Client({
        connection,
        namespace: env.TEMPORAL_NAMESPACE ?? '',
        dataConverter: payloadConverterOf(env),
      }),
    );
    await seedExtensions(env, store, demoExtensions, (gardenId, name, version) =>
      extensions.adopt(gardenId, name, version),
    );
  } finally {
    await connection.close();
  }
}
