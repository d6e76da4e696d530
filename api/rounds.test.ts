import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay, nextWeekday, type IsoDate } from '../domain/calendar.ts';
import { isoWeek } from '../domain/iso-weeks.ts';
import { checkRoundSolution } from '../domain/rounds/feasibility.ts';
import type { DriverRoundSummary, DriverRouteView, RoundSummary, RoundView } from '../domain/rounds/views.ts';
import {
  addHomeDeliveryDepot,
  addHouseholds,
  basketsAt,
  planTestBaskets,
  saveTestFleet,
  testFleet,
  testVehicle,
} from '../tests/support/rounds.ts';
import { signCircuitWebhook } from '../adapters/routing/circuit-webhooks.ts';
import { startTestApi, type TestApi } from '../tests/support/api.ts';
import { ensureTestSender } from '../tests/support/moto.ts';

const poll = { timeout: 30_000, interval: 300 };
const homes = [
  { lat: 47.2501, lng: 6.0302 },
  { lat: 47.2312, lng: 6.0105 },
  { lat: 47.2455, lng: 6.0488 },
];
/** The smallest thing that starts as a JPEG does; the API checks the start only. */
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

/**
 * A day's round through the API on the real stack (Temporal dev server, VROOM, DynamoDB):
 * staff plan, move a stop, approve; the driver sees only their route, marks stops (a mark
 * sent twice is kept once), sends a photo, downloads the GPX; who may do what.
 */
describe('delivery rounds', () => {
  let api: TestApi;
  let date: IsoDate;
  const url = (suffix: string) => `/api/gardens/${api.gardenId}${suffix}`;

  beforeAll(async () => {
    api = await startTestApi('rounds');
    await ensureTestSender();
    const { store, gardenId, depotId } = api;
    date = nextWeekday(addDays(gardenDay(new Date()), 7), 2);
    await saveTestFleet(
      store,
      gardenId,
      testFleet([
        testVehicle({
          id: 'v-kangoo',
          name: 'Kangoo',
          driverPhone: '+33612345678',
          driverUsername: api.accounts.driver.username,
        }),
        testVehicle({ id: 'v-trafic', name: 'Trafic', driverName: 'Léa Martin' }),
      ]),
    );
    await addHomeDeliveryDepot(store, gardenId);
    const households = homes.map((location, index) => ({
      id: `m-home-${index}`,
      location,
      member: { firstName: `Foyer ${index}`, lastName: '<script>alert(1)</script>' },
    }));
    await addHouseholds(store, gardenId, households);
    await planTestBaskets(store, gardenId, [
      ...basketsAt(
        date,
        'd-domicile',
        households.map((household) => household.id),
      ),
      ...basketsAt(date, depotId, ['m-depot'], 'large', 6),
    ]);
  });
  afterAll(async () => {
    await api?.client.workflow
      .getHandle(`${api.gardenId}/round/${date}`)
      .terminate('test over')
      .catch(() => undefined);
    await api?.close();
  });

  it('lets only the garden’s staff plan and see rounds', async () => {
    const { driver, member, otherStaff, staff } = api.accounts;
    for (const account of [driver, member, otherStaff]) {
      expect((await api.call(account, 'GET', url(`/rounds/${date}`))).statusCode).toBe(403);
      expect((await api.call(account, 'POST', url(`/rounds/${date}/plan`))).statusCode).toBe(403);
    }
    expect((await api.call(undefined, 'GET', url(`/rounds/${date}`))).statusCode).toBe(401);
    const missing = await api.call(staff, 'GET', url(`/rounds/${date}`));
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ message: string }>().message).toMatch(/Tournée/);
    expect((await api.call(staff, 'GET', url('/rounds/2027-02-31'))).statusCode).toBe(400);
    expect((await api.call(staff, 'GET', url('/rounds/__proto__'))).statusCode).toBe(400);
    const past = await api.call(staff, 'POST', url(`/rounds/${addDays(gardenDay(new Date()), -1)}/plan`));
    expect(past.statusCode).toBe(422);
    expect(past.json<{ message: string }>().message).toMatch(/passé/);
    expect(
      (await api.call(staff, 'POST', url(`/rounds/${addDays(gardenDay(new Date()), 60)}/plan`))).statusCode,
    ).toBe(422);
  });

  it('plans the day: every stop routed once, within capacity, and listed for the week', async () => {
    const { staff } = api.accounts;
    const started = await api.call(staff, 'POST', url(`/rounds/${date}/plan`));
    expect(started.statusCode).toBe(202);
    await expect
      .poll(async () => (await api.call(staff, 'GET', url(`/rounds/${date}`))).statusCode, poll)
      .toBe(200);
    const round = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    expect(round.phase).toBe('awaiting-approval');
    expect(round.stops).toHaveLength(4);
    expect(round.stops.find((stop) => stop.id === 'home.m-home-0.start')?.name).toBe(
      'Foyer 0 <script>alert(1)</script>',
    );
    const problem = {
      gardenId: api.gardenId,
      date,
      vehicles: round.vehicles,
      stops: round.stops,
      pins: round.pins,
    };
    expect(checkRoundSolution(problem, round.solution!, round.vehicles)).toEqual([]);
    expect(round.solution?.unrouted).toEqual([]);
    const week = (await api.call(staff, 'GET', url(`/rounds?week=${isoWeek(date)}`))).json<{
      rounds: RoundSummary[];
      days: string[];
    }>();
    expect(week.days).toContain(date);
    expect(week.rounds.find((entry) => entry.date === date)).toMatchObject({ stops: 4, approved: false });
    type Inbox = { items: Array<{ kind: string; round?: { date: string } }> };
    await expect
      .poll(async () => {
        const items = (await api.call(staff, 'GET', url('/inbox'))).json<Inbox>().items;
        return items.find((item) => item.kind === 'round-approval')?.round?.date;
      }, poll)
      .toBe(date);
  });

  it('moves a stop to another vehicle, first, and says why a move is refused', async () => {
    const { staff } = api.accounts;
    const moved = await api.call(staff, 'PUT', url(`/rounds/${date}/pins/home.m-home-1.start`), {
      vehicleId: 'v-trafic',
      position: 'first',
    });
    expect(moved.statusCode).toBe(200);
    const round = moved.json<RoundView>();
    expect(round.solution?.routes.find((route) => route.vehicleId === 'v-trafic')?.stops[0]?.stopId).toBe(
      'home.m-home-1.start',
    );
    expect(round.pins).toEqual([{ stopId: 'home.m-home-1.start', vehicleId: 'v-trafic', position: 'first' }]);

    // And a household on the Kangoo, the test driver's.
    const kept = await api.call(staff, 'PUT', url(`/rounds/${date}/pins/home.m-home-0.start`), {
      vehicleId: 'v-kangoo',
    });
    expect(kept.statusCode).toBe(200);
    expect(
      kept
        .json<RoundView>()
        .solution?.routes.find((route) => route.vehicleId === 'v-kangoo')
        ?.stops.map((stop) => stop.stopId),
    ).toContain('home.m-home-0.start');
    const unknownVehicle = await api.call(staff, 'PUT', url(`/rounds/${date}/pins/home.m-home-1.start`), {
      vehicleId: 'v-ghost',
    });
    expect(unknownVehicle.statusCode).toBe(422);
    const unknownStop = await api.call(staff, 'PUT', url(`/rounds/${date}/pins/home.constructor`), {
      vehicleId: 'v-trafic',
    });
    expect(unknownStop.statusCode).toBe(404);
    const hostile = await api.call(staff, 'PUT', url(`/rounds/${date}/pins/__proto__`), {
      vehicleId: 'v-trafic',
    });
    expect(hostile.statusCode).toBe(400);

    // « Recalculer » on a running round: a new plan at once, the pins kept.
    const before = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    const again = await api.call(staff, 'POST', url(`/rounds/${date}/plan`));
    expect(again.json()).toEqual({ started: false });
    const after = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    expect(after.revision).toBe(before.revision + 1);
    expect(after.pins).toEqual(before.pins);
  });

  it('shows drivers nothing before approval, then only their own route', async () => {
    const { driver, staff } = api.accounts;
    expect(
      (await api.call(driver, 'GET', url('/driver/rounds'))).json<{ rounds: unknown[] }>().rounds,
    ).toEqual([]);
    expect((await api.call(driver, 'GET', url(`/driver/rounds/${date}`))).statusCode).toBe(404);
    expect((await api.call(staff, 'GET', url('/driver/rounds'))).statusCode).toBe(403);

    const current = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    const stale = await api.call(
      staff,
      'POST',
      url(`/rounds/${date}/approve?revision=${current.revision - 1}`),
    );
    expect(stale.statusCode).toBe(422);
    expect(stale.json<{ message: string }>().message).toMatch(
      /recalculées depuis que vous les avez ouvertes/,
    );
    const approved = await api.call(
      staff,
      'POST',
      url(`/rounds/${date}/approve?revision=${current.revision}`),
    );
    expect(approved.statusCode).toBe(200);
    expect(approved.json<RoundView>()).toMatchObject({
      phase: 'distributed',
      approval: { by: { name: 'Camille Martin' } },
    });
    const again = await api.call(staff, 'POST', url(`/rounds/${date}/approve`));
    expect(again.statusCode).toBe(422);
    expect(again.json<{ message: string }>().message).toMatch(/déjà validées/);

    const list = (await api.call(driver, 'GET', url('/driver/rounds'))).json<{
      rounds: DriverRoundSummary[];
    }>();
    expect(list.rounds.map((entry) => [entry.date, entry.vehicleId])).toEqual([[date, 'v-kangoo']]);
    const route = (await api.call(driver, 'GET', url(`/driver/rounds/${date}`))).json<DriverRouteView>();
    expect(route.vehicle.id).toBe('v-kangoo');
    expect(route.stops.map((stop) => stop.id)).toEqual(route.route.stops.map((stop) => stop.stopId));
    expect(route.stops.map((stop) => stop.id)).not.toContain('home.m-home-1.start');
  });

  it('gives the route as GPX 1.1 that the official schema accepts', async () => {
    const gpx = await api.call(api.accounts.driver, 'GET', url(`/driver/rounds/${date}/route.gpx`));
    expect(gpx.statusCode).toBe(200);
    expect(gpx.headers['content-type']).toMatch(/application\/gpx\+xml/);
    expect(gpx.body).toContain('&lt;script&gt;');
    const file = join(mkdtempSync(join(tmpdir(), 'gpx-')), 'route.gpx');
    writeFileSync(file, gpx.body);
    const check = spawnSync('/usr/bin/xmllint', ['--noout', '--schema', 'tests/schemas/gpx-1.1.xsd', file], {
      encoding: 'utf8',
    });
    expect(check.stderr).toContain('validates');
    expect(check.status).toBe(0);
  });

  it('keeps a driver’s mark once however often it is sent, with its photo, and staff see it', async () => {
    const { driver, staff } = api.accounts;
    const route = (await api.call(driver, 'GET', url(`/driver/rounds/${date}`))).json<DriverRouteView>();
    const stopId = route.stops.find((stop) => stop.kind === 'home')!.id;
    const photoId = randomUUID();
    const notJpeg = await api.app.inject({
      method: 'PUT',
      url: url(`/driver/rounds/${date}/photos/${photoId}`),
      headers: { authorization: `Bearer ${await driver.token()}`, 'content-type': 'image/jpeg' },
      payload: Buffer.from('<svg onload=alert(1)>'),
    });
    expect(notJpeg.statusCode).toBe(400);
    const photo = await api.app.inject({
      method: 'PUT',
      url: url(`/driver/rounds/${date}/photos/${photoId}`),
      headers: { authorization: `Bearer ${await driver.token()}`, 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    expect(photo.statusCode).toBe(200);

    const mark = {
      markId: randomUUID(),
      stopId,
      outcome: 'not-delivered',
      reason: 'absent',
      comment: 'Personne, voisin absent',
      photoKey: photoId,
      markedAt: new Date().toISOString(),
    };
    const noReason = await api.call(driver, 'POST', url(`/driver/rounds/${date}/marks`), {
      ...mark,
      reason: undefined,
    });
    expect(noReason.statusCode).toBe(400);
    const first = await api.call(driver, 'POST', url(`/driver/rounds/${date}/marks`), mark);
    expect(first.statusCode).toBe(200);
    expect(first.json<{ duplicate: boolean }>().duplicate).toBe(false);
    const second = await api.call(driver, 'POST', url(`/driver/rounds/${date}/marks`), mark);
    expect(second.json<{ duplicate: boolean }>().duplicate).toBe(true);
    const otherRoute = await api.call(driver, 'POST', url(`/driver/rounds/${date}/marks`), {
      ...mark,
      markId: randomUUID(),
      stopId: 'home.m-home-1.start',
    });
    expect(otherRoute.statusCode).toBe(422);

    const round = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    expect(round.marks).toHaveLength(1);
    expect(round.progress).toMatchObject({ delivered: 0, notDelivered: 1, total: 4 });
    const seen = await api.call(staff, 'GET', url(`/rounds/${date}/photos/${photoId}`));
    expect(seen.statusCode).toBe(200);
    expect(seen.headers['content-type']).toBe('image/jpeg');
    expect((await api.call(staff, 'GET', url(`/rounds/${date}/photos/${randomUUID()}`))).statusCode).toBe(
      404,
    );
  });

  it('takes a delivery made in Circuit’s app as a mark, signed and kept once', async () => {
    const { staff } = api.accounts;
    const secret = 'whsec-circuit-test-0123456789';
    await api.store.fleet.setCircuitKey(
      api.gardenId,
      'ck_test_0123456789abcdef',
      new Date().toISOString(),
      secret,
    );
    const round = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    const stopId = round.solution!.routes.find((route) => route.vehicleId === 'v-trafic')!.stops[0]!.stopId;
    const body = JSON.stringify({
      type: 'stop.attempted_delivery',
      version: 'v1',
      created: Date.parse(`${date}T16:30:00Z`),
      data: {
        id: 'plans/p1/stops/s1',
        recipient: { externalId: stopId },
        deliveryInfo: { attempted: true, succeeded: true, state: 'delivered_to_recipient' },
      },
    });
    const post = (signature: string) =>
      api.app.inject({
        method: 'POST',
        url: `/api/circuit/webhook/${api.gardenId}`,
        headers: { 'content-type': 'application/json', 'spoke-signature': signature },
        payload: body,
      });
    const forged = await post(signCircuitWebhook(body, 'not-the-secret-at-all'));
    expect(forged.statusCode).toBe(401);
    const first = await post(signCircuitWebhook(body, secret));
    expect(first.json()).toEqual({ received: true, outcome: 'recorded' });
    const again = await post(signCircuitWebhook(body, secret));
    expect(again.json()).toEqual({ received: true, outcome: 'duplicate' });
    const after = (await api.call(staff, 'GET', url(`/rounds/${date}`))).json<RoundView>();
    expect(after.marks.filter((mark) => mark.stopId === stopId)).toMatchObject([
      { outcome: 'delivered', by: { name: 'Circuit' } },
    ]);
    expect(after.progress.delivered).toBe(1);

    // A new key alone keeps the webhook secret: Circuit's events still get in.
    await api.store.fleet.setCircuitKey(api.gardenId, 'ck_test_fedcba9876543210', new Date().toISOString());
    expect(await api.store.fleet.circuitWebhookSecret(api.gardenId)).toBe(secret);
    expect((await api.store.fleet.get(api.gardenId)).circuitKeyHint).toBe('3210');
  });
});
