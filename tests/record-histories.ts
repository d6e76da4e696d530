// Records the histories that temporal/replay.test.ts replays, by running each scenario on the
// time-skipping test server with the current workflow code. Run it when a workflow gains a
// new path worth guarding (a `patched()` id in temporal/patches.ts), then commit the new files:
//   npm run stack up && sh infra/local/bin/cocagne exec node tests/record-histories.ts
// It never overwrites a recorded history: a replay failure means running workflows would
// break, and must be fixed in the workflow (with patched()), not by recording again.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { addDays, gardenDay } from '../domain/calendar.ts';
import { createTestGarden, testActivities, testStore } from './support/environment.ts';
import { uniqueEmail } from './support/moto.ts';
import { basketsAt, planTestBaskets, saveTestFleet, testFleet, testVehicle } from './support/rounds.ts';
import { timeSkippingEnvironment, workflowBundle } from './support/temporal.ts';
import {
  gardenSettingsBroadcastId,
  gardenSettingsBroadcastType,
} from '../workflows/garden-settings/contract.ts';
import { retryNowSignal } from '../workflows/incidents/contract.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import {
  approveRoundUpdate,
  deliveryRoundType,
  roundProcessId,
  roundStatusQuery,
  stopMarkedSignal,
} from '../workflows/round/contract.ts';
import { roundEvening } from '../domain/rounds/collect.ts';
import {
  basketsChangedSignal,
  weekPreparationId,
  weekPreparationType,
  weekProgressQuery,
} from '../workflows/week/contract.ts';
import {
  cancelUpdate,
  changeTermsUpdate,
  decideUpdate,
  pauseUpdate,
  reportAbsencesUpdate,
  withdrawAbsenceUpdate,
  subscriptionWorkflowId,
  subscriptionWorkflowType,
  type SubscriptionWorkflowInput,
} from '../workflows/subscription/contract.ts';
import { testDataConverter } from './support/environment.ts';

const staff = { userId: 'u-staff', name: 'Julien Cuenot' };
const env = await timeSkippingEnvironment();
const store = await testStore();
const { gardenId, depotId } = await createTestGarden(store, 'history');
const taskQueue = `history-${randomUUID()}`;
/** While true, the identity provider (Keycloak admin) is down; while `mailDown`, the mail service. */
let providerDown = false;
let mailDown = false;
const real = testActivities(store);
const worker = await Worker.create({
  dataConverter: testDataConverter(),
  connection: env.nativeConnection,
  taskQueue,
  workflowBundle: await workflowBundle(),
  activities: {
    ...real,
    // No account in the local Keycloak: linking is played, as the tests do.
    linkMemberAccount: async () => {
      if (providerDown) throw new Error('Keycloak admin GET /users answered 503');
    },
    notifyMember: async (input: Parameters<typeof real.notifyMember>[0]) => {
      if (mailDown) throw new Error('SES: Service Unavailable');
      return real.notifyMember(input);
    },
  },
});
const today = gardenDay(new Date(await env.currentTimeMs()));
// The depot delivers on Tuesdays: the first Tuesday at least a week ahead.
let startDate = addDays(today, 7);
while (new Date(`${startDate}T00:00:00Z`).getUTCDay() !== 2) startDate = addDays(startDate, 1);

async function scenario(
  name: string,
  memberId: string,
  steps: (handle: Awaited<ReturnType<typeof start>>) => Promise<void>,
  options: Pick<SubscriptionWorkflowInput, 'linkAccount' | 'acknowledge'> = {},
) {
  const target = new URL(`../temporal/histories/${name}.json`, import.meta.url);
  if (existsSync(target)) {
    console.log(`kept ${target.pathname} (already recorded)`);
    return;
  }
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Test', lastName: memberId, email: uniqueEmail(memberId) },
    new Date().toISOString(),
  );
  const handle = await start(memberId, options);
  await steps(handle);
  const history = await handle.fetchHistory();
  await writeFile(target, historyToJSON(history));
  console.log(`recorded ${target.pathname}`);
}

function start(memberId: string, options: Pick<SubscriptionWorkflowInput, 'linkAccount' | 'acknowledge'>) {
  const input: SubscriptionWorkflowInput = {
    ...options,
    gardenId,
    subscriptionId: `${memberId}.${startDate}`,
    request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate },
    requested: { by: staff, at: new Date().toISOString() },
  };
  return env.client.workflow.start(subscriptionWorkflowType, {
    taskQueue,
    workflowId: subscriptionWorkflowId(gardenId, input.subscriptionId),
    args: [input],
  });
}

await worker.runUntil(async () => {
  await scenario('subscription-lifecycle-rejected', `m-${randomUUID().slice(0, 6)}`, async (handle) => {
    await handle.executeUpdate(decideUpdate, {
      args: [{ input: { decision: 'reject', reason: 'Dépôt complet' }, actor: staff }],
    });
    await handle.result();
  });
  await scenario('subscription-lifecycle-season', `m-${randomUUID().slice(0, 6)}`, async (handle) => {
    await handle
      .executeUpdate(decideUpdate, { args: [{ input: { decision: 'reject' }, actor: staff }] })
      .catch(() => undefined);
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'waitlist' }, actor: staff }] });
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
    await handle.executeUpdate(reportAbsencesUpdate, {
      args: [{ dates: [addDays(startDate, 7)], actor: staff }],
    });
    await handle.executeUpdate(pauseUpdate, {
      args: [{ from: addDays(startDate, 21), until: addDays(startDate, 35), actor: staff }],
    });
    await env.sleep('20 days');
    await handle.executeUpdate(changeTermsUpdate, { args: [{ basketSize: 'large', actor: staff }] });
    await handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: staff }] });
    await handle.result();
  });
  // Patches link-account-beside-application, incidents-after-bounded-retries,
  // legal-notices-until-sent and tell-prepared-weeks: a member applies online while the identity
  // provider is down; the application reaches staff all the same, who approve it (the contract
  // confirmation, which the law requires, goes out; the prepared weeks are told); the link is
  // an incident until staff press « Relancer maintenant » once the provider is back; staff
  // cancel at the member's request.
  providerDown = true;
  await scenario(
    'subscription-online-application-linked-later',
    `m-${randomUUID().slice(0, 6)}`,
    async (handle) => {
      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
      await env.sleep('20 minutes');
      providerDown = false;
      await handle.signal(retryNowSignal);
      await env.sleep('1 hour');
      await handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: staff }] });
      await handle.result();
    },
    { linkAccount: { userId: 'kc-history' } },
  );
  // Patch undelivered-notices-reported: staff reject an application while the mail service is
  // down; the notice is given up after two days and staff are told.
  mailDown = true;
  await scenario(
    'subscription-rejected-notice-undelivered',
    `m-${randomUUID().slice(0, 6)}`,
    async (handle) => {
      await handle.executeUpdate(decideUpdate, {
        args: [{ input: { decision: 'reject', reason: 'Dépôt complet' }, actor: staff }],
      });
      await handle.result();
    },
  );
  mailDown = false;
  // Patch application-acknowledged: a member applies online and is told at once that the
  // application is received; staff approve it later (the contract confirmation follows).
  providerDown = false;
  await scenario(
    'subscription-online-application-acknowledged',
    `m-${randomUUID().slice(0, 6)}`,
    async (handle) => {
      await env.sleep('1 hour');
      await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
      await env.sleep('1 hour');
      await handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: staff }] });
      await handle.result();
    },
    { linkAccount: { userId: 'kc-history-ack' }, acknowledge: true },
  );
  // Patch cutoff-last-day-included: a member reports an absence, takes it back before the
  // cutoff (the last day included), then cancels.
  await scenario('subscription-absence-taken-back', `m-${randomUUID().slice(0, 6)}`, async (handle) => {
    await handle.executeUpdate(decideUpdate, { args: [{ input: { decision: 'approve' }, actor: staff }] });
    await handle.executeUpdate(reportAbsencesUpdate, {
      args: [{ dates: [startDate], actor: staff }],
    });
    await env.sleep('1 hour');
    await handle.executeUpdate(withdrawAbsenceUpdate, { args: [{ date: startDate, actor: staff }] });
    await env.sleep('1 hour');
    await handle.executeUpdate(cancelUpdate, { args: [{ origin: 'member', actor: staff }] });
    await handle.result();
  });
  // Patch tell-prepared-weeks in the settings broadcast: the garden's calendar changed, the
  // prepared weeks and the running subscriptions hear of it.
  const broadcast = new URL('../temporal/histories/garden-settings-broadcast.json', import.meta.url);
  if (existsSync(broadcast)) {
    console.log(`kept ${broadcast.pathname} (already recorded)`);
  } else {
    const handle = await env.client.workflow.start(gardenSettingsBroadcastType, {
      taskQueue,
      workflowId: gardenSettingsBroadcastId(gardenId, 'calendar-history'),
      args: [{ gardenId }],
    });
    await handle.result();
    await writeFile(broadcast, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${broadcast.pathname}`);
  }
  // Patch week-plans-rounds: a garden with vehicles gets the round of each delivery day started
  // by its week, and the round plans again when the week hears of a change.
  const weekRounds = new URL('../temporal/histories/week-plans-rounds.json', import.meta.url);
  const roundHistory = new URL('../temporal/histories/round-planned-and-approved.json', import.meta.url);
  if (existsSync(weekRounds)) {
    console.log(`kept ${weekRounds.pathname} (already recorded)`);
  } else {
    await saveTestFleet(
      store,
      gardenId,
      testFleet([testVehicle({ id: 'v-kangoo', name: 'Kangoo', capacity: 40, workStart: '14:00' })]),
    );
    const memberId = `m-${randomUUID().slice(0, 6)}`;
    await store.members.create(
      gardenId,
      memberId,
      { firstName: 'Test', lastName: memberId },
      new Date().toISOString(),
    );
    await store.settings.saveCalendar(
      gardenId,
      {
        seasons: [{ id: 'saison', start: addDays(startDate, -70), end: addDays(startDate, 200) }],
        closedWeeks: [],
        cutoffHours: 48,
      },
      (await store.settings.calendar(gardenId)).version,
      new Date().toISOString(),
    );
    const subscriptionId = `${memberId}.start`;
    await store.subscriptions.record({
      id: subscriptionId,
      gardenId,
      memberId,
      basketSize: 'medium',
      frequency: 'weekly',
      depotId,
      startDate: addDays(startDate, -14),
      status: 'active',
      requested: { by: staff, at: new Date().toISOString() },
      changes: [],
      absences: [],
      updatedAt: new Date().toISOString(),
      revision: 2,
    });
    const week = isoWeek(startDate);
    const handle = await env.client.workflow.start(weekPreparationType, {
      taskQueue,
      workflowId: weekPreparationId(gardenId, week),
      args: [{ gardenId, week }],
    });
    const round = env.client.workflow.getHandle(roundProcessId(gardenId, startDate));
    const waitFor = async (check: () => Promise<boolean>) => {
      for (let tries = 0; tries < 200 && !(await check()); tries++)
        await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await waitFor(async () => (await store.rounds.get(gardenId, startDate))?.revision === 1);
    await handle.signal(basketsChangedSignal, subscriptionId);
    await waitFor(async () => (await handle.query(weekProgressQuery)).phase === 'awaiting-composition');
    await env.sleep('1 minute');
    await round.executeUpdate(approveRoundUpdate, { args: [{ actor: staff }] });
    await writeFile(weekRounds, historyToJSON(await handle.fetchHistory()));
    console.log(`recorded ${weekRounds.pathname}`);
    await writeFile(roundHistory, historyToJSON(await round.fetchHistory()));
    console.log(`recorded ${roundHistory.pathname}`);
    await round.terminate('recorded');
    await handle.terminate('recorded');
  }
  // Patch round-late-marks: after the evening report, a mark that comes late tells the member
  // and makes the report again, until the round's workflow ends two days later.
  const lateMarks = new URL('../temporal/histories/round-late-marks.json', import.meta.url);
  if (existsSync(lateMarks)) {
    console.log(`kept ${lateMarks.pathname} (already recorded)`);
  } else {
    const date = addDays(startDate, 7);
    await saveTestFleet(
      store,
      gardenId,
      testFleet([testVehicle({ id: 'v-kangoo', name: 'Kangoo', capacity: 40, workStart: '14:00' })]),
    );
    await planTestBaskets(store, gardenId, basketsAt(date, depotId, ['m-late-a', 'm-late-b'], 'medium'));
    const round = await env.client.workflow.start(deliveryRoundType, {
      taskQueue,
      workflowId: roundProcessId(gardenId, date),
      args: [{ gardenId, date, timeZone: 'Europe/Paris' }],
    });
    for (let tries = 0; tries < 200 && (await round.query(roundStatusQuery)).revision < 1; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await round.executeUpdate(approveRoundUpdate, { args: [{ actor: staff }] });
    const evening = roundEvening(date, 'Europe/Paris').getTime();
    await env.sleep(evening + 60_000 - (await env.currentTimeMs()));
    const mark = {
      markId: randomUUID(),
      stopId: `depot.${depotId}`,
      outcome: 'not-delivered' as const,
      reason: 'inaccessible' as const,
      markedAt: new Date(evening - 3_600_000).toISOString(),
      receivedAt: new Date(await env.currentTimeMs()).toISOString(),
      by: { userId: 'u-driver', name: 'Karim Haddad' },
    };
    await store.rounds.addMark(gardenId, date, mark);
    await round.signal(stopMarkedSignal, { markId: mark.markId, stopId: mark.stopId, outcome: mark.outcome });
    await env.sleep('20 minutes');
    await round.result();
    await writeFile(lateMarks, historyToJSON(await round.fetchHistory()));
    console.log(`recorded ${lateMarks.pathname}`);
  }
});
await env.teardown();
store.close();
