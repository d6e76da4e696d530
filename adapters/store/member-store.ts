import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { conflict, CocagneError, notFound } from '../../domain/errors.ts';
import type { Locale } from '../../domain/locale.ts';
import { memberMatches, parseMemberQuery } from '../../domain/member-search.ts';
import {
  memberSortName,
  sameStreetAddress,
  type ContactPreferences,
  type Member,
  type MemberInput,
} from '../../domain/member.ts';
import { ChangeRefusedError, type ChangeItem, type ChangeLog } from './action-log.ts';
import { isConditionFailure, putVersioned, versionedPutItem, withoutKeys } from './conditional.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { queryAll } from './query-all.ts';
import type { TableNames } from './dynamo-client.ts';

const memberLabel = { fr: 'Adhérent', en: 'Member' };

export interface MemberPage {
  members: Member[];
  nextCursor?: string | undefined;
}

function memberItem(member: Member) {
  return {
    pk: member.gardenId,
    sk: `MEMBER#${member.id}`,
    gsi1pk: `${member.gardenId}#MEMBER`,
    gsi1sk: `${memberSortName(member)}#${member.id}`,
    entity: 'member',
    ...member,
  };
}

/**
 * Written with every logged change of a member's record: their erasure has not begun. From the
 * moment staff confirm it (status `erasing`) until it is done, an edit could otherwise write a
 * name back, in the record or in the log's entry, after the erasure took it out.
 */
function notBeingErased(tables: TableNames, gardenId: string, memberId: string): ChangeItem {
  return {
    ConditionCheck: {
      TableName: tables.gardens,
      Key: { pk: gardenId, sk: `ERASURE#${memberId}` },
      ConditionExpression: 'attribute_not_exists(pk) OR NOT (#status IN (:erasing, :erased))',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':erasing': 'erasing', ':erased': 'erased' },
    },
  };
}

/** The answer to an edit refused because the member's erasure has begun. */
export const beingErased = () =>
  new CocagneError('conflict', {
    fr: 'Les données de cet adhérent sont effacées à sa demande : sa fiche ne peut plus être modifiée.',
    en: "This member's data is being erased at their request: their record can no longer be changed.",
  });

export function createMemberStore(db: DynamoDBDocumentClient, tables: TableNames) {
  /**
   * Sets one field of a member's record that the staff form does not carry, whatever else
   * changed meanwhile: the version moves on, so an edit begun before is refused as stale.
   */
  async function setOwnField<Field extends 'contactPreferences' | 'language' | 'location'>(
    gardenId: string,
    id: string,
    field: Field,
    value: NonNullable<Member[Field]>,
    now: string,
    log?: ChangeLog,
  ): Promise<Member> {
    if (log) return setOwnFieldLogged(gardenId, id, field, value, now, log);
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `MEMBER#${id}` },
          UpdateExpression: 'SET #field = :value, updatedAt = :now, version = version + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#field': field },
          ExpressionAttributeValues: { ':value': value, ':now': now, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<Member>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw notFound(memberLabel);
      throw error;
    }
  }

  /**
   * `setOwnField` with the staff action log's entry, before and after: the record is read and
   * written on condition of its version, in one transaction with the entry; a change made
   * meanwhile makes it read again (a few times), as the field is set whatever else changed.
   */
  async function setOwnFieldLogged<Field extends 'contactPreferences' | 'language' | 'location'>(
    gardenId: string,
    id: string,
    field: Field,
    value: NonNullable<Member[Field]>,
    now: string,
    log: ChangeLog,
  ): Promise<Member> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `MEMBER#${id}` },
          ConsistentRead: true,
        }),
      );
      if (!Item) throw notFound(memberLabel);
      const before = withoutKeys<Member>(Item);
      const after: Member = { ...before, [field]: value, updatedAt: now, version: before.version + 1 };
      try {
        await log.write(
          [
            {
              Update: {
                TableName: tables.gardens,
                Key: { pk: gardenId, sk: `MEMBER#${id}` },
                UpdateExpression: 'SET #field = :value, updatedAt = :now, version = :next',
                ConditionExpression: 'version = :read',
                ExpressionAttributeNames: { '#field': field },
                ExpressionAttributeValues: {
                  ':value': value,
                  ':now': now,
                  ':next': after.version,
                  ':read': before.version,
                },
              },
            },
            notBeingErased(tables, gardenId, id),
          ],
          after,
          (refused) => refused,
          before,
        );
        return after;
      } catch (error) {
        if (error instanceof ChangeRefusedError && error.index === 1) throw beingErased();
        if (!(error instanceof ChangeRefusedError) || attempt >= 3) {
          throw error instanceof ChangeRefusedError ? conflict() : error;
        }
      }
    }
  }

  return {
    /** Creates a member with the given id; refuses to overwrite an existing one. */
    async create(
      gardenId: string,
      id: string,
      input: MemberInput & Pick<Member, 'termsAcceptedAt'>,
      now: string,
      /** The staff action log's entry of this change, written with it. */
      log?: ChangeLog,
    ): Promise<Member> {
      const member: Member = { ...input, id, gardenId, createdAt: now, updatedAt: now, version: 1 };
      const put = {
        TableName: tables.gardens,
        Item: memberItem(member),
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      try {
        if (log) await log.write([{ Put: put }], member, (refused) => refused);
        else await db.send(new PutCommand(put));
      } catch (error) {
        if (isConditionFailure(error) || error instanceof ChangeRefusedError) {
          throw new CocagneError('duplicate', {
            fr: 'Un adhérent existe déjà avec cet identifiant.',
            en: 'A member already exists with this id.',
          });
        }
        throw error;
      }
      return member;
    },

    async get(gardenId: string, id: string): Promise<Member | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `MEMBER#${id}` },
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<Member>(Item) : undefined;
    },

    async getMany(gardenId: string, ids: readonly string[]): Promise<Map<string, Member>> {
      const found = new Map<string, Member>();
      // A handful of ids per screen: parallel gets are simpler than batching and as fast here.
      const members = await Promise.all([...new Set(ids)].map((id) => this.get(gardenId, id)));
      for (const member of members) if (member) found.set(member.id, member);
      return found;
    },

    /**
     * Replaces a member's details, provided nobody changed them since `expectedVersion`.
     * A concurrent edit is refused (conflict) rather than silently overwritten.
     */
    async update(
      gardenId: string,
      id: string,
      expectedVersion: number,
      input: MemberInput,
      now: string,
      /** The staff action log's entry of this change (before: the record read), written with it. */
      log?: ChangeLog,
    ): Promise<Member> {
      const current = await this.get(gardenId, id);
      if (!current) throw notFound(memberLabel);
      if (current.version !== expectedVersion) throw conflict();
      // What the form does not carry stays as it was: the member's own contact preferences and
      // language (when not sent), their acceptance of the terms, their place on the map while
      // the address is the same (a household that moved must be placed again, not delivered
      // at its old door).
      const sameAddress = sameStreetAddress(current.address, input.address);
      const kept = {
        ...(current.contactPreferences ? { contactPreferences: current.contactPreferences } : {}),
        ...(current.language ? { language: current.language } : {}),
        ...(current.termsAcceptedAt ? { termsAcceptedAt: current.termsAcceptedAt } : {}),
        ...(current.location && sameAddress ? { location: current.location } : {}),
      };
      const member: Member = {
        ...kept,
        ...input,
        id,
        gardenId,
        createdAt: current.createdAt,
        updatedAt: now,
        version: expectedVersion + 1,
      };
      if (log) {
        // `current` is the version the write is conditioned on: the entry's before, exactly.
        const write = versionedPutItem(tables.gardens, memberItem(member), expectedVersion);
        await log.write(
          [write, notBeingErased(tables, gardenId, id)],
          member,
          (refused) => (refused.index === 1 ? beingErased() : conflict()),
          current,
        );
      } else {
        await putVersioned(db, tables.gardens, memberItem(member), expectedVersion);
      }
      return member;
    },

    /**
     * Puts the erased record (`domain/member-erasure.ts` `erasedMember`) in place of the member's,
     * whatever it was: the erasure comes after staff confirmed it, and an edit made meanwhile
     * must not bring a name back (the version moves on, so that edit is refused as stale).
     */
    async replaceErased(erased: Member): Promise<void> {
      await db.send(new PutCommand({ TableName: tables.gardens, Item: memberItem(erased) }));
    },

    /**
     * Sets how a member wants to hear from the garden, whatever else changed meanwhile (the
     * preferences are theirs alone); the version still moves on, so staff editing the record
     * reload it before saving.
     */
    setContactPreferences(
      gardenId: string,
      id: string,
      preferences: ContactPreferences,
      now: string,
    ): Promise<Member> {
      return setOwnField(gardenId, id, 'contactPreferences', preferences, now);
    },

    /**
     * Sets the language of the garden's messages to a member, whatever else changed meanwhile
     * (as the contact preferences); the version moves on.
     */
    setLanguage(gardenId: string, id: string, language: Locale, now: string): Promise<Member> {
      return setOwnField(gardenId, id, 'language', language, now);
    },

    /** Places the member's home on the map; the version moves on. */
    setLocation(
      gardenId: string,
      id: string,
      location: { lat: number; lng: number },
      now: string,
      /** The staff action log's entry of this change (before and after), written with it. */
      log?: ChangeLog,
    ): Promise<Member> {
      return setOwnField(gardenId, id, 'location', location, now, log);
    },

    /** The member record an identity-provider account applied with, if any. */
    async memberOfAccount(gardenId: string, userId: string): Promise<string | undefined> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: { pk: gardenId, sk: `ACCOUNT#${userId}` },
          ConsistentRead: true,
        }),
      );
      return Item ? String(Item.memberId) : undefined;
    },

    /**
     * Binds an account to a member record, once: returns the member it is bound to (an earlier
     * binding wins, so an application sent twice never makes two members).
     */
    async bindAccount(gardenId: string, userId: string, memberId: string, now: string): Promise<string> {
      try {
        await db.send(
          new PutCommand({
            TableName: tables.gardens,
            Item: {
              pk: gardenId,
              sk: `ACCOUNT#${userId}`,
              entity: 'account',
              userId,
              memberId,
              boundAt: now,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return memberId;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return (await this.memberOfAccount(gardenId, userId)) ?? memberId;
      }
    },

    /**
     * Forgets a member record made by an account's application, with the account's binding,
     * both at once. For an applicant whose account no longer exists: nothing of them stays.
     */
    async removeApplicant(gardenId: string, userId: string, memberId: string): Promise<void> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tables.gardens,
                  Key: { pk: gardenId, sk: `ACCOUNT#${userId}` },
                  ConditionExpression: 'memberId = :memberId',
                  ExpressionAttributeValues: { ':memberId': memberId },
                },
              },
              { Delete: { TableName: tables.gardens, Key: { pk: gardenId, sk: `MEMBER#${memberId}` } } },
            ],
          }),
        );
      } catch (error) {
        // Bound to another member (or already forgotten): that record is not this applicant's.
        if (!isConditionFailure(error)) throw error;
      }
    },

    /**
     * How many members a search and a filter keep (the list's total): one read of the garden's
     * members, a few hundred to a thousand households.
     */
    async count(
      gardenId: string,
      options: { search?: string; only?: ((memberId: string) => boolean) | undefined } = {},
    ): Promise<number> {
      const query = parseMemberQuery(options.search ?? '');
      const items = await queryAll(db, {
        TableName: tables.gardens,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `${gardenId}#MEMBER` },
      });
      return items
        .map((item) => withoutKeys<Member>(item))
        .filter((member) => (!options.only || options.only(member.id)) && memberMatches(member, query))
        .length;
    },

    /**
     * Members in alphabetical order, a page at a time, optionally filtered by a search text and
     * by which households to keep (`only`: their standing, their depot).
     */
    async list(
      gardenId: string,
      options: {
        search?: string;
        limit: number;
        cursor?: string;
        only?: ((memberId: string) => boolean) | undefined;
      },
    ): Promise<MemberPage> {
      const partition = `${gardenId}#MEMBER`;
      const query = parseMemberQuery(options.search ?? '');
      const searching =
        query.words.length > 0 || query.phoneDigits !== undefined || options.only !== undefined;
      const members: Member[] = [];
      let start = decodeCursor(options.cursor, { name: 'gsi1pk', value: partition });
      let lastTaken: Record<string, unknown> | undefined;
      for (;;) {
        const remaining = options.limit - members.length;
        const page = await db.send(
          new QueryCommand({
            TableName: tables.gardens,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': partition },
            ExclusiveStartKey: start,
            // One more than needed tells whether another page exists; a search reads wider
            // (names in any order, phone numbers in any form: matched here, not by DynamoDB).
            Limit: searching ? Math.max(remaining * 4, 200) : remaining + 1,
          }),
        );
        for (const item of page.Items ?? []) {
          const member = withoutKeys<Member>(item);
          if ((options.only && !options.only(member.id)) || !memberMatches(member, query)) continue;
          // An item beyond the page proves there is a next page, starting after the last one taken.
          if (members.length === options.limit) return { members, nextCursor: encodeCursor(lastTaken) };
          members.push(member);
          lastTaken = { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
        }
        if (!page.LastEvaluatedKey) return { members };
        start = page.LastEvaluatedKey;
      }
    },
  };
}
export type MemberStore = ReturnType<typeof createMemberStore>;
