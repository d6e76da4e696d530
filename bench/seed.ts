import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../adapters/store/index.ts';
import { addDays, type IsoDate } from '../domain/calendar.ts';
import { isoWeek, mondayOfWeek } from '../domain/iso-weeks.ts';
import type { Depot } from '../domain/depot.ts';
import { defaultGardenRules } from '../domain/garden-rules.ts';
import type { BasketSize, Frequency, Subscription, SubscriptionStatus } from '../domain/subscription.ts';
import { seededRandom as random } from '../tests/support/seeded-random.ts';

/**
 * Bench data: gardens of a thousand running subscriptions each, written straight into the
 * store (as the subscription workflows would have recorded them), with a realistic mix of
 * basket sizes, frequencies, depots, absences, pauses, changes, and some subscriptions that
 * no longer run. Deterministic: the same garden index always gives the same records.
 */

/** Bumped when the generated data changes, so an older seed is written again. */
const generatorVersion = 3;

export const benchActor = { userId: 'bench', name: 'Banc d’essai' };

function pick<T>(next: () => number, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (weighted.at(-1) as readonly [T, number])[0];
}

export const benchGardenId = (index: number) => `bench-g${String(index).padStart(3, '0')}`;

/** Six depots: four pick-up points on different days, a busy Saturday market, a home-delivery round. */
function depotsOf(gardenId: string): Depot[] {
  const depot = (
    id: string,
    name: string,
    weekday: number,
    capacity: number,
    homeDelivery = false,
  ): Depot => ({
    id,
    gardenId,
    name,
    address: { street: `${weekday} place du Marché`, postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.2 + weekday / 100, lng: 6 + weekday / 100 },
    deliveryWeekday: weekday,
    openingHours: '17 h – 19 h',
    pickupWindow: { start: '17:00', end: '19:00' },
    capacity,
    ...(homeDelivery ? { homeDelivery: true } : {}),
    version: 1,
  });
  return [
    depot('d-centre', 'Dépôt du centre', 2, 260),
    depot('d-gare', 'Biocoop de la gare', 2, 200),
    depot('d-mairie', 'Mairie de Saint-Vit', 3, 180),
    depot('d-ecole', 'École des Chaprais', 4, 150),
    depot('d-marche', 'Marché du samedi', 6, 140),
    depot('d-tournee', 'Tournée des villages', 5, 80, true),
  ];
}
const depotWeights: ReadonlyArray<readonly [number, number]> = [
  [0, 26],
  [1, 20],
  [2, 17],
  [3, 15],
  [4, 14],
  [5, 8],
];

export interface SeedPlan {
  /** The day the bench runs (garden time). */
  today: IsoDate;
  /** The week the bench prepares. */
  week: string;
  /** Running (active or paused) subscriptions per garden. */
  running: number;
}

/** The garden's calendar: one long season around today, two closed weeks in the past. */
export function benchCalendar(today: IsoDate) {
  return {
    seasons: [{ id: 'bench', start: addDays(today, -365), end: addDays(today, 300) }],
    closedWeeks: [isoWeek(addDays(today, -40)), isoWeek(addDays(today, -100))].sort(),
    cutoffHours: 48,
  };
}

/** The subscriptions of a garden: `plan.running` running ones, and one in ten more that ended or wait. */
export function subscriptionsOf(gardenIndex: number, plan: SeedPlan): Subscription[] {
  const gardenId = benchGardenId(gardenIndex);
  const next = random(0x5eed + gardenIndex * 7919);
  const depots = depotsOf(gardenId);
  const monday = mondayOfWeek(plan.week);
  const seasonStart = benchCalendar(plan.today).seasons[0]?.start as IsoDate;
  const seasonEnd = benchCalendar(plan.today).seasons[0]?.end as IsoDate;
  const subscriptions: Subscription[] = [];
  const others = Math.round(plan.running / 10);

  for (let index = 0; index < plan.running + others; index++) {
    const running = index < plan.running;
    const memberId = `m-b${gardenIndex}x${index}`;
    const depot = depots[pick(next, depotWeights)] as Depot;
    const basketSize = pick<BasketSize>(next, [
      ['small', 30],
      ['medium', 45],
      ['large', 25],
    ]);
    const frequency = pick<Frequency>(next, [
      ['weekly', 75],
      ['fortnightly', 25],
    ]);
    const startDate = addDays(seasonStart, Math.floor(next() * 330));
    const deliveryDay = (weekMonday: IsoDate, weekday = depot.deliveryWeekday) =>
      addDays(weekMonday, weekday - 1);
    const subscription: Subscription = {
      id: `${memberId}.${startDate}`,
      gardenId,
      memberId,
      basketSize,
      frequency,
      depotId: depot.id,
      startDate,
      status: 'active',
      requested: { by: benchActor, at: `${addDays(startDate, -10)}T09:00:00.000Z` },
      decision: { by: benchActor, at: `${addDays(startDate, -8)}T09:00:00.000Z`, outcome: 'approved' },
      changes: [],
      absences: [],
      endDate: seasonEnd,
      seasonId: 'bench',
      updatedAt: `${plan.today}T06:00:00.000Z`,
      revision: 3,
    };

    if (running) {
      // Past absences (a few for a third of the members), and one in twelve away this very week.
      const pastAbsences = next() < 0.33 ? 1 + Math.floor(next() * 3) : 0;
      const absent = new Set<IsoDate>();
      for (let count = 0; count < pastAbsences; count++) {
        const day = deliveryDay(addDays(monday, -7 * (1 + Math.floor(next() * 20))));
        if (day > startDate) absent.add(day);
      }
      if (next() < 0.08) absent.add(deliveryDay(monday));
      subscription.absences = [...absent]
        .sort()
        .map((date) => ({ date, reported: { by: benchActor, at: `${addDays(date, -5)}T20:00:00.000Z` } }));

      const roll = next();
      if (roll < 0.03) {
        // Paused over the week.
        subscription.status = 'paused';
        subscription.pause = {
          from: addDays(monday, -7),
          until: addDays(monday, 14),
          requested: { by: benchActor, at: `${addDays(monday, -10)}T20:00:00.000Z` },
        };
      } else if (roll < 0.05) {
        // A pause to come, after the week.
        subscription.pause = {
          from: addDays(monday, 21),
          until: addDays(monday, 35),
          requested: { by: benchActor, at: `${addDays(monday, -3)}T20:00:00.000Z` },
        };
      }
      const change = next();
      if (change < 0.05) {
        subscription.changes = [
          {
            effectiveFrom: addDays(startDate, 30 + Math.floor(next() * 100)),
            basketSize: basketSize === 'large' ? 'medium' : 'large',
            requested: { by: benchActor, at: `${startDate}T12:00:00.000Z` },
          },
        ];
      } else if (change < 0.09) {
        const other = depots[pick(next, depotWeights)] as Depot;
        if (other.id !== depot.id) {
          subscription.changes = [
            {
              effectiveFrom: addDays(startDate, 20 + Math.floor(next() * 100)),
              depotId: other.id,
              requested: { by: benchActor, at: `${startDate}T12:00:00.000Z` },
            },
          ];
        }
      }
    } else {
      // Ended, cancelled, refused, or still waiting for a decision: no basket.
      const status = pick<SubscriptionStatus>(next, [
        ['ended', 4],
        ['cancelled', 3],
        ['pending', 2],
        ['rejected', 1],
      ]);
      subscription.status = status;
      if (status === 'ended' || status === 'cancelled') {
        subscription.endDate = addDays(plan.today, -Math.floor(1 + next() * 60));
      }
      if (status === 'pending' || status === 'rejected') delete subscription.decision;
    }
    // A subscription ends with its last day: make sure a start after it does not happen.
    if (subscription.endDate && subscription.endDate < subscription.startDate) {
      subscription.startDate = addDays(subscription.endDate, -60);
      subscription.id = `${memberId}.${subscription.startDate}`;
    }
    subscriptions.push(subscription);
  }
  return subscriptions;
}

/** The item the subscription store writes for a subscription (see SubscriptionStore.record). */
function subscriptionItem(subscription: Subscription) {
  return {
    pk: subscription.gardenId,
    sk: `SUBSCRIPTION#${subscription.id}`,
    gsi1pk: `${subscription.gardenId}#MEMBER#${subscription.memberId}`,
    gsi1sk: `SUBSCRIPTION#${subscription.startDate}#${subscription.id}`,
    entity: 'subscription',
    ...subscription,
  };
}

type WriteRequest =
  { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** Writes items 25 at a time, `parallel` batches in flight, retrying what DynamoDB leaves unprocessed. */
export async function batchPut(
  store: Store,
  items: ReadonlyArray<Record<string, unknown>>,
  parallel = 4,
): Promise<void> {
  await batchWrite(
    store,
    items.map((Item) => ({ PutRequest: { Item } })),
    parallel,
  );
}

async function batchWrite(store: Store, requests: readonly WriteRequest[], parallel: number): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let index = 0; index < requests.length; index += 25) batches.push(requests.slice(index, index + 25));
  let nextBatch = 0;
  async function lane(): Promise<void> {
    while (nextBatch < batches.length) {
      let pending = batches[nextBatch++] as WriteRequest[];
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 2000)));
        const answer = await store.db.send(
          new BatchWriteCommand({ RequestItems: { [store.tables.gardens]: pending } }),
        );
        pending = (answer.UnprocessedItems?.[store.tables.gardens] ?? []) as WriteRequest[];
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, lane));
}

/** Deletes everything a garden has in the bench tables (an older seed, its baskets and weeks). */
export async function clearGarden(store: Store, gardenId: string): Promise<number> {
  const keys: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tables.gardens,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': gardenId },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }),
    );
    keys.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  await batchWrite(
    store,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    4,
  );
  return keys.length;
}

/**
 * Makes sure garden `index` exists with its depots, calendar, rules and subscriptions; skips
 * the subscriptions when this plan was already written. Returns how many records it wrote.
 */
export async function seedGarden(store: Store, index: number, plan: SeedPlan): Promise<number> {
  const gardenId = benchGardenId(index);
  const marker = { pk: gardenId, sk: 'BENCH#SEED' };
  const signature = `${generatorVersion}/${plan.today}/${plan.week}/${plan.running}`;
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.tables.gardens, Key: marker, ConsistentRead: true }),
  );
  if (Item?.signature === signature) return 0;
  // Another day's seed (or a seed cut short) has other ids, as start dates follow today:
  // start from an empty garden.
  await clearGarden(store, gardenId);

  await store.gardens.register({
    id: gardenId,
    name: `Jardin de banc d’essai ${index}`,
    city: 'Besançon',
    contactEmail: `${gardenId}@example.org`,
    timeZone: 'Europe/Paris',
    createdAt: `${plan.today}T00:00:00.000Z`,
  });
  const depots = depotsOf(gardenId);
  await batchPut(
    store,
    depots.map((depot) => ({ pk: gardenId, sk: `DEPOT#${depot.id}`, entity: 'depot', ...depot })),
  );
  const now = `${plan.today}T00:00:00.000Z`;
  // Settings are written over whatever an older seed left (the bench tables are the bench's own).
  await store.db.send(
    new PutCommand({
      TableName: store.tables.gardens,
      Item: {
        pk: gardenId,
        sk: 'SETTINGS#CALENDAR',
        ...benchCalendar(plan.today),
        gardenId,
        updatedAt: now,
        version: 1,
      },
    }),
  );
  await store.db.send(
    new PutCommand({
      TableName: store.tables.gardens,
      Item: {
        pk: gardenId,
        sk: 'SETTINGS#RULES',
        ...defaultGardenRules,
        // Half the gardens give absent members' baskets away, half make them up later.
        absencePolicy: index % 2 === 0 ? 'donated' : 'compensated',
        version: 1,
      },
    }),
  );
  const subscriptions = subscriptionsOf(index, plan);
  await batchPut(store, subscriptions.map(subscriptionItem));
  await store.db.send(
    new PutCommand({
      TableName: store.tables.gardens,
      Item: { ...marker, signature, subscriptions: subscriptions.length },
    }),
  );
  return subscriptions.length + depots.length + 2;
}

/**
 * Turns the garden's day-before reminders off: the seed makes no members, so each reminder a
 * running subscription workflow sent would fail (and retry) beside what a bench measures.
 */
export async function withoutDayBeforeReminders(store: Store, gardenId: string): Promise<void> {
  const { version, dayBeforeReminderHour, ...quiet } = await store.settings.rules(gardenId);
  if (dayBeforeReminderHour !== undefined) await store.settings.saveRules(gardenId, quiet, version);
}
