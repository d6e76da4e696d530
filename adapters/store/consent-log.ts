import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consentEntryKey, type ConsentEntry } from '../../domain/consents.ts';
import { isConditionFailure, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryPrefix } from './query-all.ts';

// The consent log lives in the garden's partition of the gardens table (it leaves with the
// garden's data):
//   pk = <gardenId>, sk = CONSENT#<memberId>#<at>#<entryId>        one entry, never rewritten
//   pk = <gardenId>, sk = TERMSNOTICE#<slug>#<version>#<memberId>  a member told of a new version
// Entries are written on condition that nothing holds their key: the log only grows.

const entryPrefix = (memberId: string) => `CONSENT#${memberId}#`;

/** Thrown when an entry's key is already taken: the log is never overwritten. */
export class ConsentEntryExists extends Error {
  constructor(key: string) {
    super(`A consent log entry already holds ${key}: entries are never rewritten.`);
    this.name = 'ConsentEntryExists';
  }
}

/** Member ids of this store's keys: no separator, no key of `Object.prototype`. */
function checkedMemberId(memberId: string): string {
  if (
    !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(memberId) ||
    ['constructor', 'prototype'].includes(memberId)
  ) {
    throw new Error(`Refusing member id ${JSON.stringify(memberId.slice(0, 100))} in the consent log.`);
  }
  return memberId;
}

const noticeKey = (gardenId: string, slug: string, version: number, memberId: string) => ({
  pk: gardenId,
  sk: `TERMSNOTICE#${slug}#${String(version).padStart(7, '0')}#${checkedMemberId(memberId)}`,
});

/** The consent log: append-only entries per member, read oldest first. */
export function createConsentLog(db: DynamoDBDocumentClient, tables: TableNames) {
  const table = tables.gardens;

  return {
    /** Appends an entry under its own id; an id already used is refused (`ConsentEntryExists`). */
    async append(gardenId: string, entryId: string, entry: ConsentEntry): Promise<void> {
      const sk = `${entryPrefix(checkedMemberId(entry.memberId))}${consentEntryKey(entry.at, entryId)}`;
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { pk: gardenId, sk, entity: 'consent', ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new ConsentEntryExists(sk);
        throw error;
      }
    },

    /** A member's entries, oldest first (newest last). */
    async list(gardenId: string, memberId: string): Promise<ConsentEntry[]> {
      const items = await queryPrefix(db, table, gardenId, entryPrefix(checkedMemberId(memberId)));
      return items.map((item) => withoutKeys<ConsentEntry>(item));
    },

    /**
     * Claims telling a member of a published version: true the first time for that version,
     * false ever after (a retried notice is not sent twice).
     */
    async claimTermsNotice(gardenId: string, slug: string, version: number, memberId: string, at: string) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: { ...noticeKey(gardenId, slug, version, memberId), at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /** Gives a claim back when its email could not leave: the next try sends it. */
    async releaseTermsNotice(gardenId: string, slug: string, version: number, memberId: string) {
      await db.send(
        new DeleteCommand({ TableName: table, Key: noticeKey(gardenId, slug, version, memberId) }),
      );
    },
  };
}
export type ConsentLog = ReturnType<typeof createConsentLog>;
