import { createHash } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { JournalSubjectKind } from '../../domain/journal/journal-entry.ts';
import { mentionsAny, scrubIdentifiers } from '../../domain/member-erasure.ts';
import {
  memberErasedAction,
  sealStaffAction,
  verifyChain,
  type MemberErasedRecord,
  type ChainBreak,
  type ChainHead,
  type RequestOrigin,
  type StaffAction,
  type StaffActionDraft,
} from '../../domain/journal/staff-actions.ts';
import { conflict, CocagneError } from '../../domain/errors.ts';
import { deleteItems } from './batch-delete.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';
import { expiryAttribute } from './tables.ts';

// The staff action log lives in the gardens table, one partition per garden beside its data:
//   pk = ACTIONS#<gardenId>, sk = <seq, 12 digits>   one entry, written once, never updated
//   pk = ACTIONS#<gardenId>, sk = HEAD               { seq, hash } of the last entry
//   pk = ACTIONORIGIN#<gardenId>, sk = <seq>         where the request came from (IP, user agent)
// An entry, the head's move and the change it records go in one TransactWriteItems: the change
// and its entry land together or not at all, and two writers cannot take the same seq (the head
// is conditioned on the seq read; the entry on not existing).

/**
 * What the chain shows, and what it does not. `verifyActionChain` finds an entry changed
 * (its hash), removed or added in the middle (seq and previous hash), moved to another
 * subject's journal (its index keys), entries left without a head or past it (the head
 * deleted or moved back), and a head past the last entry (the last entries deleted).
 *
 * It does NOT protect against someone with write access to the table who rewrites every
 * entry after the one they change, with hashes made again, and the head: the chain is then
 * whole again and nothing in it differs from a true one. The same holds for the last
 * entries deleted with the head moved back onto the new last one. Nothing outside the table
 * anchors the chain yet (a head hash published or written elsewhere, e.g. to S3 with Object
 * Lock, and compared by the check); until then the chain shows changes made by hand to a
 * few items, not a rewrite by someone who knows how it is made.
 */

/** The clients the log needs: a store built by `createStore` has them. */
export interface ActionLogClients {
  db: DynamoDBDocumentClient;
  tables: TableNames;
}

/** One write of the change an entry records, in the form TransactWriteItems takes (lib-dynamodb). */
export type ChangeItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * How long the request's origin (IP address, user agent) is kept at most. The nightly
 * retention sweep deletes it after 12 months (`domain/retention.ts`, a season: an action is
 * still traceable when the same season comes round again; the CNIL recommends 6 months to a
 * year for such logs); this DynamoDB expiry, a month later, is the backstop should sweeps be
 * missed. The entry itself (who, when, what) stays: the origin is outside the hash, so its
 * deletion breaks no chain.
 */
export const originRetentionSeconds = 13 * 31 * 24 * 3600;

const partitionOf = (gardenId: string) => `ACTIONS#${gardenId}`;
const originPartitionOf = (gardenId: string) => `ACTIONORIGIN#${gardenId}`;
const subjectPartitionOf = (gardenId: string, subject: { kind: string; id: string }) =>
  `ACTIONS#${gardenId}#${subject.kind}#${subject.id}`;
const seqKey = (seq: number) => String(seq).padStart(12, '0');
const headKey = 'HEAD';
/** Attempts at taking the next seq when other writers take it first. */
const maxAttempts = 5;

/** The change an entry records could not be written: its own condition did not hold. */
export class ChangeRefusedError extends Error {
  /** Index of the refused item in `changeItems`. */
  readonly index: number;

  constructor(index: number, cause: unknown) {
    super(`The change item ${index} was refused by its condition; nothing was written.`, { cause });
    this.name = 'ChangeRefusedError';
    this.index = index;
  }
}

async function readHead(clients: ActionLogClients, gardenId: string): Promise<ChainHead | undefined> {
  const { Item } = await clients.db.send(
    new GetCommand({
      TableName: clients.tables.gardens,
      Key: { pk: partitionOf(gardenId), sk: headKey },
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  return { seq: Number(Item.seq), hash: String(Item.hash) };
}

function cancellationCodes(error: unknown): Array<string | undefined> | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (reasons ?? []).map((reason) => reason.Code);
}

/**
 * The error of a log whose head no longer names its last entry (deleted, or moved back by
 * hand): entry `seq` exists while the head says less. `undefined` when the head is right.
 */
async function headBehindItsEntries(
  clients: ActionLogClients,
  gardenId: string,
  seq: number,
): Promise<CocagneError | undefined> {
  const [head, { Item: entry }] = await Promise.all([
    readHead(clients, gardenId),
    clients.db.send(
      new GetCommand({
        TableName: clients.tables.gardens,
        Key: { pk: partitionOf(gardenId), sk: seqKey(seq) },
        ConsistentRead: true,
        ProjectionExpression: 'seq',
      }),
    ),
  ]);
  if (!entry || (head && head.seq >= seq)) return undefined;
  const headText = head ? `its head names seq ${head.seq}` : 'its head (HEAD) is missing';
  // The API logs errors of this code with their English message: operators find the garden there.
  return new CocagneError('internal', {
    fr:
      `Le journal des actions du jardin ${gardenId} est corrompu : l’entrée ${seq} existe mais ` +
      `${head ? `sa tête désigne l’entrée ${head.seq}` : 'sa tête (HEAD) a disparu'}. Rien n’a été enregistré ; ` +
      'l’équipe technique doit vérifier la chaîne (npm run audit:verify) avant toute nouvelle modification.',
    en:
      `The staff action log of garden ${gardenId} is corrupt: entry ${seq} exists but ${headText}. ` +
      'Nothing was saved; the chain must be checked (npm run audit:verify) before any further change.',
  });
}

export interface AppendOptions {
  /** The entry's instant (the app's clock); now when absent. */
  at?: string;
  /**
   * What a refused change becomes for the caller (a stale version: 409). By default a
   * `conflict()`; a store that knows better (not found, duplicate) gives its own.
   */
  onChangeRefused?: (refused: ChangeRefusedError) => Error | Promise<Error>;
}

/**
 * Appends an entry to the garden's log in the same transaction as the change it records
 * (`changeItems`, with their own conditions). When another writer took the next seq first, the
 * head is read again and the entry sealed again, up to 5 times; a change whose condition fails
 * leaves nothing written, neither the change nor the entry nor the head.
 */
export async function appendStaffAction(
  clients: ActionLogClients,
  gardenId: string,
  draft: StaffActionDraft,
  origin?: RequestOrigin,
  changeItems: readonly ChangeItem[] = [],
  options: AppendOptions = {},
): Promise<StaffAction> {
  const table = clients.tables.gardens;
  // 1 head + 1 entry (+ 1 origin) + the change's items: TransactWriteItems takes 100.
  if (changeItems.length > 97) throw new Error('A change logged with its entry may write 97 items at most.');
  for (let attempt = 1; ; attempt++) {
    const head = await readHead(clients, gardenId);
    const seq = (head?.seq ?? 0) + 1;
    const action = sealStaffAction(
      draft,
      {
        gardenId,
        seq,
        at: options.at ?? new Date().toISOString(),
        previousHash: head?.hash ?? '0'.repeat(64),
      },
      sha256Hex,
    );
    const at = Date.parse(action.at);
    const logItems: ChangeItem[] = [
      {
        Put: {
          TableName: table,
          Item: { pk: partitionOf(gardenId), sk: headKey, entity: 'action-head', seq, hash: action.hash },
          ConditionExpression: head ? 'seq = :expected' : 'attribute_not_exists(pk)',
          ...(head ? { ExpressionAttributeValues: { ':expected': head.seq } } : {}),
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            pk: partitionOf(gardenId),
            sk: seqKey(seq),
            entity: 'staff-action',
            // A subject's entries straight from the index (a member's, a depot's journal).
            gsi1pk: subjectPartitionOf(gardenId, action.subject),
            gsi1sk: seqKey(seq),
            ...action,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(origin
        ? [
            {
              Put: {
                TableName: table,
                Item: {
                  pk: originPartitionOf(gardenId),
                  sk: seqKey(seq),
                  entity: 'staff-action-origin',
                  ip: origin.ip,
                  userAgent: origin.userAgent,
                  [expiryAttribute]:
                    Math.floor((Number.isNaN(at) ? Date.now() : at) / 1000) + originRetentionSeconds,
                },
              },
            },
          ]
        : []),
    ];
    try {
      await clients.db.send(new TransactWriteCommand({ TransactItems: [...logItems, ...changeItems] }));
      return action;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const refusedChange = codes.findIndex(
        (code, index) => index >= logItems.length && code === 'ConditionalCheckFailed',
      );
      if (refusedChange >= 0) {
        const refused = new ChangeRefusedError(refusedChange - logItems.length, error);
        throw await (options.onChangeRefused ?? (() => conflict()))(refused);
      }
      if (codes[1] === 'ConditionalCheckFailed' && codes[0] !== 'ConditionalCheckFailed') {
        // The head's condition held yet the entry's seq is taken: unless another writer moved
        // both since, the head was deleted or moved back by hand, and no retry will help.
        const corruption = await headBehindItsEntries(clients, gardenId, seq);
        if (corruption) throw corruption;
      }
      const headTaken = codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed';
      // Another writer's transaction on the same head at the same moment: also worth another go.
      const contended = codes.some((code) => code === 'TransactionConflict');
      if (!(headTaken || contended)) throw error;
      if (attempt >= maxAttempts) {
        throw new CocagneError('unavailable', {
          fr: 'Le journal des actions du jardin est très sollicité : rien n’a été enregistré, réessayez dans un instant.',
          en: "The garden's action log is busy: nothing was saved, try again in a moment.",
        });
      }
      // A little wait, longer each time, so that writers in step fall out of it.
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30 * attempt));
    }
  }
}

/** The entry as stored, without its storage keys (the exact fields the hash covers, and the hash). */
function actionOf(item: Record<string, unknown>): StaffAction {
  const { pk: _pk, sk: _sk, entity: _entity, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...action } = item;
  return action as unknown as StaffAction;
}

export interface StaffActionFilter {
  subject?: { kind: JournalSubjectKind; id: string };
  subjectKind?: JournalSubjectKind;
  actorId?: string;
  /** ISO instants or days, inclusive. */
  from?: string;
  to?: string;
  /** Words to find in the subject's id, the action or the values (case and accents ignored), applied by `matches`. */
  matches?: (action: StaffAction) => boolean;
  cursor?: string;
  /** Entries per page (at most 200). */
  limit?: number;
  /**
   * Items read at most in one call (2,000 by default): a filter few entries match gives a
   * short page, or none, with the cursor to read on from, rather than reading the whole log.
   */
  readLimit?: number;
}

/** Items `listStaffActions` reads at most in one call by default. */
export const staffActionsReadLimit = 2_000;

export interface StaffActionWithOrigin extends StaffAction {
  /** While kept (see `originRetentionSeconds`). */
  origin?: RequestOrigin;
}

/**
 * A garden's entries, newest first, filtered; a page of `limit` with the cursor of the next.
 * Filters are applied while reading pages of the partition, so a page may take several reads,
 * up to `readLimit` items: past it, the page holds what was found so far (maybe nothing) and
 * the cursor where reading stopped.
 */
export async function listStaffActions(
  clients: ActionLogClients,
  gardenId: string,
  filter: StaffActionFilter = {},
): Promise<{ entries: StaffActionWithOrigin[]; nextCursor?: string }> {
  const table = clients.tables.gardens;
  const pk = partitionOf(gardenId);
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  // One subject's entries come from the index; the garden's, from the log's partition.
  const bySubject = filter.subject ? subjectPartitionOf(gardenId, filter.subject) : undefined;
  let start: Record<string, unknown> | undefined = bySubject
    ? decodeCursor(filter.cursor, { name: 'gsi1pk', value: bySubject })
    : decodeCursor(filter.cursor, { name: 'pk', value: pk }, ['pk', 'sk']);
  // Entries' times are full ISO instants: a bound is written the same way to compare as text
  // (a day ends at its last millisecond; 10:12Z is 10:12:00.000Z).
  const instant = (bound: string | undefined, endOfDay: boolean) => {
    if (!bound) return undefined;
    if (bound.length === 10) return endOfDay ? `${bound}T23:59:59.999Z` : bound;
    const time = Date.parse(bound);
    return Number.isNaN(time) ? bound : new Date(time).toISOString();
  };
  const from = instant(filter.from, false);
  const to = instant(filter.to, true);
  const fromTime = from ? Date.parse(from) : Number.NaN;
  const fromMargin = Number.isNaN(fromTime) ? from : new Date(fromTime - 60_000).toISOString();
  const keep = (action: StaffAction) =>
    (!filter.subject ||
      (action.subject.kind === filter.subject.kind && action.subject.id === filter.subject.id)) &&
    (!filter.subjectKind || action.subject.kind === filter.subjectKind) &&
    (!filter.actorId || action.actor.id === filter.actorId) &&
    (!to || action.at <= to) &&
    (!filter.matches || filter.matches(action));
  const readLimit = Math.max(filter.readLimit ?? staffActionsReadLimit, 1);
  let read = 0;
  const found: StaffAction[] = [];
  let nextCursor: string | undefined;
  reading: for (;;) {
    const page = await clients.db.send(
      new QueryCommand({
        TableName: table,
        ...(bySubject
          ? {
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': bySubject },
            }
          : {
              // Entries only: the head's key, HEAD, sorts after the digits.
              KeyConditionExpression: 'pk = :pk AND sk < :head',
              ExpressionAttributeValues: { ':pk': pk, ':head': headKey },
            }),
        ScanIndexForward: false,
        ExclusiveStartKey: start,
        Limit: Math.min(100, readLimit - read),
      }),
    );
    const items = page.Items ?? [];
    read += items.length;
    for (const [index, item] of items.entries()) {
      const action = actionOf(item);
      // Entries are read newest first and seq follows time, give or take the moments between
      // two requests' clocks and their writes: a minute past `from`, nothing older matches.
      if (fromMargin && action.at < fromMargin) break reading;
      if (from && action.at < from) continue;
      if (!keep(action)) continue;
      found.push(action);
      if (found.length === limit) {
        if (index < items.length - 1 || page.LastEvaluatedKey) {
          nextCursor = encodeCursor(
            bySubject
              ? { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk }
              : { pk: item.pk, sk: item.sk },
          );
        }
        break reading;
      }
    }
    if (!page.LastEvaluatedKey) break;
    if (read >= readLimit) {
      nextCursor = encodeCursor(page.LastEvaluatedKey);
      break;
    }
    start = page.LastEvaluatedKey;
  }
  const entries = await withOrigins(clients, gardenId, found);
  return nextCursor ? { entries, nextCursor } : { entries };
}

/** Each entry with its origin while it is kept: the exact keys, read by BatchGetItem. */
async function withOrigins(
  clients: ActionLogClients,
  gardenId: string,
  actions: StaffAction[],
): Promise<StaffActionWithOrigin[]> {
  if (actions.length === 0) return [];
  const table = clients.tables.gardens;
  const origins: Array<Record<string, unknown>> = [];
  let keys = actions.map((action) => ({ pk: originPartitionOf(gardenId), sk: seqKey(action.seq) }));
  for (let round = 0; keys.length > 0; round++) {
    // Keys left unread by a throttled table: tried again a few times, then the caller is told.
    if (round === 6) {
      throw new CocagneError('unavailable', {
        fr: 'Le journal des actions est très sollicité : réessayez dans un instant.',
        en: 'The action log is busy: try again in a moment.',
      });
    }
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** Math.min(round, 6)));
    const unprocessed: typeof keys = [];
    // BatchGetItem takes 100 keys.
    for (let index = 0; index < keys.length; index += 100) {
      const answer = await clients.db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: keys.slice(index, index + 100),
              ProjectionExpression: '#sk, #ip, #userAgent, #expiry',
              ExpressionAttributeNames: {
                '#sk': 'sk',
                '#ip': 'ip',
                '#userAgent': 'userAgent',
                '#expiry': expiryAttribute,
              },
            },
          },
        }),
      );
      origins.push(...(answer.Responses?.[table] ?? []));
      unprocessed.push(...((answer.UnprocessedKeys?.[table]?.Keys ?? []) as typeof keys));
    }
    keys = unprocessed;
  }
  const now = Math.floor(Date.now() / 1000);
  const bySeq = new Map(
    origins
      // DynamoDB removes expired items within days, not at once: an expired one is not shown.
      .filter((item) => {
        const expiresAt = item[expiryAttribute];
        return typeof expiresAt !== 'number' || expiresAt > now;
      })
      .map((item) => [Number(item.sk), { ip: String(item.ip), userAgent: String(item.userAgent) }]),
  );
  return actions.map((action) => {
    const origin = bySeq.get(action.seq);
    return origin ? { ...action, origin } : action;
  });
}

export type ChainVerification =
  | { ok: true; gardenId: string; count: number }
  | { ok: false; gardenId: string; count: number; break: ChainBreak };

/**
 * Checks a garden's log: reads its head first (a consistent read), then its entries, and
 * re-computes every seq and hash up to the head; each entry must also be stored under its seq
 * and in its own subject's index (gsi1pk, gsi1sk), so that an entry moved to another
 * subject's journal is found. Entries without a head, or past a head that did not move while
 * they were read, are a break; entries a live append wrote after the head was read are left
 * for the next check. The first break (lowest seq) is reported: what was expected, what was found.
 */
export async function verifyActionChain(
  clients: ActionLogClients,
  gardenId: string,
): Promise<ChainVerification> {
  const head = await readHead(clients, gardenId);
  const items = await queryAll(clients.db, {
    TableName: clients.tables.gardens,
    // Entries only: the head's key, HEAD, sorts after the digits.
    KeyConditionExpression: 'pk = :pk AND sk < :head',
    ExpressionAttributeValues: { ':pk': partitionOf(gardenId), ':head': headKey },
    ConsistentRead: true,
  });
  const broken = (count: number, chainBreak: ChainBreak): ChainVerification => ({
    ok: false,
    gardenId,
    count,
    break: chainBreak,
  });
  const misplaced = items.find((item) => seqKey(Number(item.seq)) !== item.sk);
  if (misplaced) {
    return broken(items.length, {
      seq: Number(misplaced.seq),
      problem: 'hash',
      expected: `an entry stored under ${String(misplaced.sk)} with that seq`,
      found: `seq ${String(misplaced.seq)}`,
    });
  }
  // Entries past the head read: a live append's (its head moved with it), or left behind by a
  // head moved back or deleted by hand. The head read again tells which.
  const headSeq = head?.seq ?? 0;
  const lastRead = items.reduce((last, item) => Math.max(last, Number(item.seq)), 0);
  let checked = items;
  let against: ChainHead | null = head ?? null;
  if (lastRead > headSeq) {
    const now = await readHead(clients, gardenId);
    if (now && now.seq >= lastRead) checked = items.filter((item) => Number(item.seq) <= headSeq);
    else against = now ?? null;
  }
  const actions = checked.map(actionOf);
  const chain = verifyChain(actions, sha256Hex, against);
  // Where each entry should be in the subjects' index (a subject removed by hand: its hash tells).
  const indexKeyOf = (item: Record<string, unknown>) => {
    const subject = actionOf(item).subject as Partial<StaffAction['subject']> | undefined;
    return `${subjectPartitionOf(gardenId, { kind: String(subject?.kind), id: String(subject?.id) })} ${String(item.sk)}`;
  };
  const wrongIndex = checked.find(
    (item) => `${String(item.gsi1pk)} ${String(item.gsi1sk)}` !== indexKeyOf(item),
  );
  const indexBreak: ChainBreak | undefined = wrongIndex && {
    seq: Number(wrongIndex.seq),
    problem: 'index',
    expected: indexKeyOf(wrongIndex),
    found: `${String(wrongIndex.gsi1pk)} ${String(wrongIndex.gsi1sk)}`,
  };
  if (indexBreak && (chain.ok || indexBreak.seq < chain.break.seq)) return broken(chain.count, indexBreak);
  return chain.ok ? { ok: true, gardenId, count: chain.count } : broken(chain.count, chain.break);
}

/**
 * Takes a member out of the garden's action log, on their erasure (RGPD article 17). The
 * erasure's own entry (`member.erased`, by `actor`) is appended first, listing the entries to
 * redact: those about the member, and those whose values or actor name them. Each listed entry
 * then has the member's identifiers replaced by the reference in its reason, before, after and
 * actor, and is marked `redacted`; the origins of the member's own requests go too. Appended
 * once: a retry finds the erasure's entry and redacts what it lists. The chain still verifies
 * (`verifyChain` accepts a redacted entry that a later erasure lists, and nothing else).
 */
export async function redactMemberInActionLog(
  clients: ActionLogClients,
  gardenId: string,
  erasure: {
    memberId: string;
    identifiers: readonly string[];
    reference: string;
    actor: StaffActionDraft['actor'];
    at: string;
  },
): Promise<{ erasureSeq: number; redacted: number }> {
  const table = clients.tables.gardens;
  const items = await queryAll(clients.db, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND sk < :head',
    ExpressionAttributeValues: { ':pk': partitionOf(gardenId), ':head': headKey },
    ConsistentRead: true,
  });
  const actions = items.map(actionOf);
  const isThisErasure = (action: StaffAction) =>
    action.action === memberErasedAction &&
    action.subject.kind === 'member' &&
    action.subject.id === erasure.memberId;
  let entry = actions.find(isThisErasure);
  if (!entry) {
    // Another household's entries keep what they share with this member (a phone, a street).
    const aboutAnother = (action: StaffAction) =>
      action.subject.kind === 'member' && action.subject.id !== erasure.memberId;
    const about = (action: StaffAction) =>
      (action.subject.kind === 'member' && action.subject.id === erasure.memberId) ||
      (!aboutAnother(action) &&
        action.action !== memberErasedAction &&
        mentionsAny(
          { reason: action.reason, before: action.before, after: action.after, actor: action.actor },
          erasure.identifiers,
        ));
    const record: MemberErasedRecord = {
      reference: erasure.reference,
      redactedSeqs: actions.filter(about).map((action) => action.seq),
    };
    entry = await appendStaffAction(
      clients,
      gardenId,
      {
        action: memberErasedAction,
        subject: { kind: 'member', id: erasure.memberId },
        actor: erasure.actor,
        after: record,
      },
      undefined,
      [],
      { at: erasure.at },
    );
  }
  const listed = (entry.after as MemberErasedRecord).redactedSeqs;
  const bySeq = new Map(actions.map((action) => [action.seq, action]));
  let redacted = 0;
  for (const seq of listed) {
    const action = bySeq.get(seq);
    if (!action) continue;
    const scrubbed = scrubIdentifiers(
      { reason: action.reason, before: action.before, after: action.after, actor: action.actor },
      erasure.identifiers,
      erasure.reference,
    ).value as Pick<StaffAction, 'reason' | 'before' | 'after' | 'actor'>;
    const memberActed = action.actor.role === 'member' || action.actor.id === erasure.memberId;
    const actor = memberActed ? { ...scrubbed.actor, name: erasure.reference } : scrubbed.actor;
    const { pk: _pk, sk: _sk, ...stored } = items.find((item) => Number(item.seq) === seq) ?? {};
    const updated: Record<string, unknown> = {
      ...stored,
      actor,
      redacted: { at: erasure.at, bySeq: entry.seq },
    };
    for (const field of ['reason', 'before', 'after'] as const) {
      if (scrubbed[field] === undefined) delete updated[field];
      else updated[field] = scrubbed[field];
    }
    await clients.db.send(
      new PutCommand({ TableName: table, Item: { pk: partitionOf(gardenId), sk: seqKey(seq), ...updated } }),
    );
    if (memberActed) {
      await clients.db.send(
        new DeleteCommand({ TableName: table, Key: { pk: originPartitionOf(gardenId), sk: seqKey(seq) } }),
      );
    }
    redacted++;
  }
  return { erasureSeq: entry.seq, redacted };
}

/**
 * A change about to be written, with what the log needs to know of it besides its new value:
 * stores that take one write their change through it, in one transaction with its entry.
 */
export interface ChangeLog {
  /**
   * Writes `changeItems` and the entry whose `after` is `after`, together or not at all. A store
   * that reads the record it changes gives `before` (the value its write is conditioned on),
   * which takes the place of the draft's.
   */
  write(
    changeItems: readonly ChangeItem[],
    after: unknown,
    onChangeRefused?: AppendOptions['onChangeRefused'],
    before?: unknown,
  ): Promise<StaffAction>;
}

/** The log of one change: the draft without its new value, which the store gives when it writes. */
export function changeLog(
  clients: ActionLogClients,
  gardenId: string,
  draft: Omit<StaffActionDraft, 'after'>,
  origin?: RequestOrigin,
  at?: string,
): ChangeLog {
  return {
    write: (changeItems, after, onChangeRefused, before) =>
      appendStaffAction(
        clients,
        gardenId,
        {
          ...draft,
          ...(before === undefined ? {} : { before }),
          ...(after === undefined ? {} : { after }),
        },
        origin,
        changeItems,
        { ...(at ? { at } : {}), ...(onChangeRefused ? { onChangeRefused } : {}) },
      ),
  };
}

/** A request origin as the retention sweep reads it: its entry's seq, and that entry's instant when found. */
export interface RetainedOrigin {
  /** The stored sort key (the entry's seq, 12 digits). */
  sortKey: string;
  seq: number;
  /** The instant of the entry it belongs to; undefined when that entry is missing or has no readable time. */
  at?: string;
}

/**
 * A page of the garden's request origins, oldest first (by seq), each with the instant of its
 * entry, for the retention sweep. The entries' instants are read in one query over the page's
 * seq range (entries without an origin in between are read too, their time only).
 */
export async function requestOriginsPage(
  clients: ActionLogClients,
  gardenId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<{ origins: RetainedOrigin[]; nextCursor?: string }> {
  const table = clients.tables.gardens;
  const originPartition = originPartitionOf(gardenId);
  const page = await clients.db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': originPartition },
      ProjectionExpression: 'pk, sk',
      ExclusiveStartKey: decodeCursor(options.cursor, { name: 'pk', value: originPartition }, ['pk', 'sk']),
      Limit: options.limit,
    }),
  );
  const keys = (page.Items ?? []).map((item) => String(item.sk));
  const nextCursor = encodeCursor(page.LastEvaluatedKey);
  const first = keys[0];
  const last = keys[keys.length - 1];
  const instants = new Map<string, string>();
  if (first !== undefined && last !== undefined) {
    const entries = await queryAll(clients.db, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':pk': partitionOf(gardenId), ':first': first, ':last': last },
      ProjectionExpression: 'sk, #at',
    });
    for (const entry of entries) {
      const time = typeof entry.at === 'string' ? Date.parse(entry.at) : Number.NaN;
      if (!Number.isNaN(time)) instants.set(String(entry.sk), new Date(time).toISOString());
    }
  }
  return {
    origins: keys.map((sortKey) => {
      const at = instants.get(sortKey);
      return { sortKey, seq: Number(sortKey), ...(at ? { at } : {}) };
    }),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/**
 * Deletes request origins (IP address, user agent) whose time is up; the entries stay, and
 * their chain with them (the origin is outside the hash). Gone already is fine.
 */
export async function forgetRequestOrigins(
  clients: ActionLogClients,
  gardenId: string,
  sortKeys: readonly string[],
): Promise<void> {
  await deleteItems(
    clients.db,
    clients.tables.gardens,
    sortKeys.map((sk) => ({ pk: originPartitionOf(gardenId), sk })),
  );
}
