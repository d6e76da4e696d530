import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { networkActionChain, type StaffActionDraft } from '../../domain/journal/staff-actions.ts';
import { CocagneError } from '../../domain/errors.ts';
import {
  createTestGarden,
  testEnvironment,
  testStore,
  uniqueGardenId,
} from '../../tests/support/environment.ts';
import type { Store } from './index.ts';
import {
  appendStaffAction,
  changeLog,
  listStaffActions,
  originRetentionSeconds,
  verifyActionChain,
} from './action-log.ts';
import { expiryAttribute } from './tables.ts';

const claire = { id: 'u-claire', name: 'Claire M.', role: 'garden-admin' };
const paul = { id: 'u-paul', name: 'Paul R.', role: 'staff' };

const depotChange = (capacity: number, actor = claire): StaffActionDraft => ({
  action: 'depot.updated',
  subject: { kind: 'depot', id: 'd-centre' },
  actor,
  before: { name: 'Dépôt du centre', capacity: capacity - 1, version: capacity - 1 },
  after: { name: 'Dépôt du centre', capacity, version: capacity },
});

/** The staff action log against DynamoDB Local. */
describe('staff action log', () => {
  let store: Store;
  let gardenId: string;

  beforeAll(async () => {
    store = await testStore();
    ({ gardenId } = await createTestGarden(store, 'action-log'));
  });
  afterAll(() => store?.close());

  it('appends entries in a chain and lists them newest first, with their origin', async () => {
    const garden = uniqueGardenId('action-list');
    const first = await appendStaffAction(store, garden, depotChange(26), {
      ip: '203.0.113.7',
      userAgent: 'Firefox',
    });
    const second = await appendStaffAction(store, garden, depotChange(27, paul));
    expect(first).toMatchObject({ seq: 1, previousHash: '0'.repeat(64) });
    expect(second).toMatchObject({ seq: 2, previousHash: first.hash });

    const { entries, nextCursor } = await listStaffActions(store, garden);
    expect(entries.map((entry) => entry.seq)).toEqual([2, 1]);
    expect(entries[1]?.origin).toEqual({ ip: '203.0.113.7', userAgent: 'Firefox' });
    expect(entries[0]?.origin).toBeUndefined();
    expect(nextCursor).toBeUndefined();

    // The origin expires by the table's TTL, after the retention.
    const { Item } = await store.db.send(
      new GetCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONORIGIN#${garden}`, sk: '000000000001' },
      }),
    );
    expect(Item?.[expiryAttribute]).toBe(Math.floor(Date.parse(first.at) / 1000) + originRetentionSeconds);

    expect((await listStaffActions(store, garden, { actorId: paul.id })).entries.map((e) => e.seq)).toEqual([
      2,
    ]);
    // Bounds as a day or an instant to the minute, inclusive.
    const minute = `${first.at.slice(0, 16)}Z`;
    const day = second.at.slice(0, 10);
    const within = await listStaffActions(store, garden, { from: minute, to: day });
    expect(within.entries.map((entry) => entry.seq)).toEqual([2, 1]);
    expect((await listStaffActions(store, garden, { to: '2000-01-01' })).entries).toEqual([]);
    const paged = await listStaffActions(store, garden, { limit: 1 });
    expect(paged.entries.map((entry) => entry.seq)).toEqual([2]);
    const rest = await listStaffActions(store, garden, { limit: 1, cursor: paged.nextCursor });
    expect(rest.entries.map((entry) => entry.seq)).toEqual([1]);
    expect(rest.nextCursor).toBeUndefined();
    await expect(listStaffActions(store, gardenId, { cursor: paged.nextCursor })).rejects.toThrow(
      CocagneError,
    );
    expect(await verifyActionChain(store, garden)).toEqual({ ok: true, gardenId: garden, count: 2 });
  });

  it("lists one subject's entries from the index, page by page", async () => {
    const garden = uniqueGardenId('action-subject');
    const of = (id: string, capacity: number): StaffActionDraft => ({
      ...depotChange(capacity),
      subject: { kind: 'depot', id },
    });
    for (const [id, capacity] of [
      ['d-nord', 1],
      ['d-sud', 2],
      ['d-nord', 3],
      ['d-sud', 4],
      ['d-nord', 5],
    ] as const) {
      await appendStaffAction(store, garden, of(id, capacity));
    }
    const subject = { kind: 'depot', id: 'd-nord' } as const;
    const first = await listStaffActions(store, garden, { subject, limit: 2 });
    expect(first.entries.map((entry) => entry.seq)).toEqual([5, 3]);
    const rest = await listStaffActions(store, garden, { subject, limit: 2, cursor: first.nextCursor });
    expect(rest.entries.map((entry) => entry.seq)).toEqual([1]);
    expect(rest.nextCursor).toBeUndefined();
    // A cursor of the garden-wide list is not one of this subject's.
    const wide = await listStaffActions(store, garden, { limit: 1 });
    await expect(listStaffActions(store, garden, { subject, cursor: wide.nextCursor })).rejects.toThrow(
      CocagneError,
    );
    expect(await verifyActionChain(store, garden)).toMatchObject({ ok: true, count: 5 });
  });

  it('reads at most readLimit items a call, and gives the cursor to read on from', async () => {
    const garden = uniqueGardenId('action-cap');
    const origin = (n: number) => ({ ip: `203.0.113.${n}`, userAgent: `Agent ${n}` });
    // Seq 1 and 7 are by Paul, the others by Claire.
    for (let seq = 1; seq <= 7; seq++) {
      await appendStaffAction(store, garden, depotChange(seq, seq % 6 === 1 ? paul : claire), origin(seq));
    }
    const byPaul = { actorId: paul.id, readLimit: 3 };
    const first = await listStaffActions(store, garden, byPaul);
    // Seq 7, 6 and 5 read: one found, and the cursor after seq 5.
    expect(first.entries.map((entry) => [entry.seq, entry.origin])).toEqual([[7, origin(7)]]);
    expect(first.nextCursor).toBeDefined();
    const second = await listStaffActions(store, garden, { ...byPaul, cursor: first.nextCursor });
    expect(second.entries).toEqual([]);
    expect(second.nextCursor).toBeDefined();
    const third = await listStaffActions(store, garden, { ...byPaul, cursor: second.nextCursor });
    expect(third.entries.map((entry) => [entry.seq, entry.origin])).toEqual([[1, origin(1)]]);
    expect(third.nextCursor).toBeUndefined();

    // One subject's journal (the index) the same way.
    const subject = { kind: 'depot', id: 'd-centre' } as const;
    const indexed = await listStaffActions(store, garden, { subject, actorId: paul.id, readLimit: 4 });
    expect(indexed.entries.map((entry) => entry.seq)).toEqual([7]);
    const rest = await listStaffActions(store, garden, {
      subject,
      actorId: paul.id,
      readLimit: 4,
      cursor: indexed.nextCursor,
    });
    expect(rest.entries.map((entry) => entry.seq)).toEqual([1]);
    expect(rest.nextCursor).toBeUndefined();

    // Without a filter, each entry comes with its own origin, read by its key.
    const all = await listStaffActions(store, garden, { limit: 3 });
    expect(all.entries.map((entry) => [entry.seq, entry.origin])).toEqual([
      [7, origin(7)],
      [6, origin(6)],
      [5, origin(5)],
    ]);
  });

  it('gives two writers at the same moment seq 1 and 2, chained', async () => {
    const garden = uniqueGardenId('action-race');
    const [a, b] = await Promise.all([
      appendStaffAction(store, garden, depotChange(30)),
      appendStaffAction(store, garden, depotChange(31, paul)),
    ]);
    expect([a?.seq, b?.seq].sort()).toEqual([1, 2]);
    const [older, newer] = a.seq === 1 ? [a, b] : [b, a];
    expect(newer.previousHash).toBe(older.hash);
    expect(await verifyActionChain(store, garden)).toEqual({ ok: true, gardenId: garden, count: 2 });
  });

  it('writes neither the entry nor the head when the change it records is refused', async () => {
    const garden = uniqueGardenId('action-refused');
    await appendStaffAction(store, garden, depotChange(40));
    const change = {
      Put: {
        TableName: store.tables.gardens,
        Item: { pk: garden, sk: 'DEPOT#d-nowhere', version: 2 },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': 1 },
      },
    };
    await expect(
      appendStaffAction(store, garden, depotChange(41), undefined, [change]),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    const { entries } = await listStaffActions(store, garden);
    expect(entries.map((entry) => entry.seq)).toEqual([1]);
    const { Item: head } = await store.db.send(
      new GetCommand({ TableName: store.tables.gardens, Key: { pk: `ACTIONS#${garden}`, sk: 'HEAD' } }),
    );
    expect(head?.seq).toBe(1);
    const { Item: depot } = await store.db.send(
      new GetCommand({ TableName: store.tables.gardens, Key: { pk: garden, sk: 'DEPOT#d-nowhere' } }),
    );
    expect(depot).toBeUndefined();

    // With the change's condition holding, both land.
    await store.db.send(
      new PutCommand({
        TableName: store.tables.gardens,
        Item: { pk: garden, sk: 'DEPOT#d-nowhere', version: 1 },
      }),
    );
    await appendStaffAction(store, garden, depotChange(41), undefined, [change]);
    expect((await listStaffActions(store, garden)).entries.map((entry) => entry.seq)).toEqual([2, 1]);
  });

  it('finds an entry changed in the table, and an entry deleted', async () => {
    const garden = uniqueGardenId('action-tamper');
    for (const capacity of [50, 51, 52, 53]) await appendStaffAction(store, garden, depotChange(capacity));
    expect(await verifyActionChain(store, garden)).toMatchObject({ ok: true, count: 4 });

    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${garden}`, sk: '000000000002' },
        UpdateExpression: 'SET #after.#capacity = :capacity',
        ExpressionAttributeNames: { '#after': 'after', '#capacity': 'capacity' },
        ExpressionAttributeValues: { ':capacity': 500 },
      }),
    );
    expect(await verifyActionChain(store, garden)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'hash' },
    });

    const other = uniqueGardenId('action-delete');
    for (const capacity of [60, 61, 62]) await appendStaffAction(store, other, depotChange(capacity));
    await store.db.send(
      new DeleteCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${other}`, sk: '000000000002' },
      }),
    );
    expect(await verifyActionChain(store, other)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'missing' },
    });
    await store.db.send(
      new DeleteCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${other}`, sk: '000000000003' },
      }),
    );
    // Now the last one is gone too: the first missing is still 2.
    expect(await verifyActionChain(store, other)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'missing' },
    });

    const last = uniqueGardenId('action-delete-last');
    for (const capacity of [70, 71]) await appendStaffAction(store, last, depotChange(capacity));
    await store.db.send(
      new DeleteCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${last}`, sk: '000000000002' },
      }),
    );
    expect(await verifyActionChain(store, last)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'missing' },
    });
  });

  it('finds a head deleted, alone or with the last entry, or moved back, and refuses to append past it', async () => {
    const headKey = (garden: string) => ({ pk: `ACTIONS#${garden}`, sk: 'HEAD' });
    const entryKey = (garden: string, seq: number) => ({
      pk: `ACTIONS#${garden}`,
      sk: String(seq).padStart(12, '0'),
    });
    const remove = (key: Record<string, string>) =>
      store.db.send(new DeleteCommand({ TableName: store.tables.gardens, Key: key }));
    const seeded = async (name: string) => {
      const garden = uniqueGardenId(name);
      for (const capacity of [90, 91, 92]) await appendStaffAction(store, garden, depotChange(capacity));
      return garden;
    };

    // The head deleted: entries without a head.
    const headless = await seeded('action-headless');
    await remove(headKey(headless));
    expect(await verifyActionChain(store, headless)).toMatchObject({
      ok: false,
      count: 3,
      break: { seq: 3, problem: 'head', found: 'no head' },
    });
    // An append says the log is corrupt, at once, rather than « busy » after five tries.
    const refused = await appendStaffAction(store, headless, depotChange(93)).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CocagneError);
    expect(refused).toMatchObject({ code: 'internal' });
    expect((refused as Error).message).toContain('entry 1 exists but its head (HEAD) is missing');
    expect((await listStaffActions(store, headless)).entries.map((entry) => entry.seq)).toEqual([3, 2, 1]);

    // The head and the last entry deleted.
    const shortened = await seeded('action-shortened');
    await remove(headKey(shortened));
    await remove(entryKey(shortened, 3));
    expect(await verifyActionChain(store, shortened)).toMatchObject({
      ok: false,
      count: 2,
      break: { seq: 2, problem: 'head', found: 'no head' },
    });

    // The head moved back onto entry 2, entry 3 kept: found, and no append goes past it.
    const rewound = await seeded('action-rewound');
    const { entries } = await listStaffActions(store, rewound);
    const second = entries.find((entry) => entry.seq === 2);
    await store.db.send(
      new PutCommand({
        TableName: store.tables.gardens,
        Item: { ...headKey(rewound), entity: 'action-head', seq: 2, hash: second?.hash },
      }),
    );
    expect(await verifyActionChain(store, rewound)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'head' },
    });
    await expect(appendStaffAction(store, rewound, depotChange(93))).rejects.toThrow(
      'entry 3 exists but its head names seq 2',
    );
    // Entry 3 deleted as well, the head moved back onto entry 2: the chain is whole again, which
    // no check inside the table can tell (see action-log.ts); the next append follows on.
    await remove(entryKey(rewound, 3));
    expect(await verifyActionChain(store, rewound)).toMatchObject({ ok: true, count: 2 });
  });

  it("finds an entry moved to another subject's journal (its index keys changed)", async () => {
    const garden = uniqueGardenId('action-moved');
    for (const capacity of [95, 96]) await appendStaffAction(store, garden, depotChange(capacity));
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${garden}`, sk: '000000000001' },
        UpdateExpression: 'SET gsi1pk = :elsewhere',
        ExpressionAttributeValues: { ':elsewhere': `ACTIONS#${garden}#depot#d-ailleurs` },
      }),
    );
    // Gone from its own subject's journal.
    const own = await listStaffActions(store, garden, { subject: { kind: 'depot', id: 'd-centre' } });
    expect(own.entries.map((entry) => entry.seq)).toEqual([2]);
    expect(await verifyActionChain(store, garden)).toMatchObject({
      ok: false,
      break: {
        seq: 1,
        problem: 'index',
        expected: `ACTIONS#${garden}#depot#d-centre 000000000001`,
        found: `ACTIONS#${garden}#depot#d-ailleurs 000000000001`,
      },
    });

    // Put back; then an entry's subject removed by hand: a break found, not a check that fails.
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${garden}`, sk: '000000000001' },
        UpdateExpression: 'SET gsi1pk = :own',
        ExpressionAttributeValues: { ':own': `ACTIONS#${garden}#depot#d-centre` },
      }),
    );
    expect(await verifyActionChain(store, garden)).toMatchObject({ ok: true, count: 2 });
    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${garden}`, sk: '000000000002' },
        UpdateExpression: 'REMOVE subject',
      }),
    );
    expect(await verifyActionChain(store, garden)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'hash' },
    });
  });

  it('sees no break in entries a live append writes while the chain is read', async () => {
    const garden = uniqueGardenId('action-live');
    await appendStaffAction(store, garden, depotChange(97));
    const results = await Promise.all([
      verifyActionChain(store, garden),
      ...[98, 99, 100].map((capacity) => appendStaffAction(store, garden, depotChange(capacity))),
      verifyActionChain(store, garden),
    ]);
    for (const result of [results[0], results[4]]) expect(result).toMatchObject({ ok: true });
    expect(await verifyActionChain(store, garden)).toMatchObject({ ok: true, count: 4 });
  });

  it('logs a Circuit key removed only when there was one', async () => {
    const garden = uniqueGardenId('action-circuit');
    const removal = () =>
      changeLog(store, garden, {
        action: 'fleet.circuit-key-removed',
        subject: { kind: 'vehicle', id: 'circuit-key' },
        actor: claire,
      });
    expect(await store.fleet.removeCircuitKey(garden, removal())).toBe(false);
    expect((await listStaffActions(store, garden)).entries).toEqual([]);
    await store.fleet.setCircuitKey(garden, 'ck-0123456789abcdef', new Date().toISOString());
    expect(await store.fleet.removeCircuitKey(garden, removal())).toBe(true);
    expect(await store.fleet.hasCircuitKey(garden)).toBe(false);
    expect(await store.fleet.removeCircuitKey(garden, removal())).toBe(false);
    const { entries } = await listStaffActions(store, garden);
    expect(entries.map((entry) => [entry.seq, entry.action])).toEqual([[1, 'fleet.circuit-key-removed']]);
    // Without a log, the same answer.
    expect(await store.fleet.removeCircuitKey(garden)).toBe(false);
  });

  it('has a command that says a chain is intact (exit 0) or where it breaks (exit 1)', async () => {
    const garden = uniqueGardenId('action-cli');
    for (const capacity of [80, 81, 82]) await appendStaffAction(store, garden, depotChange(capacity));
    const script = fileURLToPath(new URL('./verify-action-log.ts', import.meta.url));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [script, ...args], {
        env: { ...process.env, ...testEnvironment() },
        encoding: 'utf8',
      });

    const intact = run('--garden', garden);
    expect(intact.status, intact.stderr).toBe(0);
    expect(intact.stdout).toContain('chaîne intacte : 3 entrées');

    await store.db.send(
      new UpdateCommand({
        TableName: store.tables.gardens,
        Key: { pk: `ACTIONS#${garden}`, sk: '000000000003' },
        UpdateExpression: 'SET actor.#name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': 'Quelqu’un d’autre' },
      }),
    );
    const broken = run('--garden', garden);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('chaîne rompue à l’entrée 3');

    expect(run().status).toBe(2);
    expect(run('--network', '--garden', garden).status).toBe(2);

    // The network's own chain (its pages, its legal details) is checked apart, and with --all.
    await appendStaffAction(store, networkActionChain, {
      action: 'page.published',
      subject: { kind: 'settings', id: 'page:cgv' },
      actor: claire,
    });
    const network = run('--network');
    expect(network.status, network.stderr).toBe(0);
    expect(network.stdout).toMatch(/^NETWORK : chaîne intacte : \d+ entrée/m);
  });
});
