import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillingProfile } from '../../domain/pricing.ts';
import type { ChangeLog } from './action-log.ts';
import { conflict } from '../../domain/errors.ts';
import { putVersioned, versionedPutItem, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';
import { queryAll } from './query-all.ts';

const profileKey = (gardenId: string, memberId: string) => ({ pk: gardenId, sk: `BILLING#${memberId}` });

/**
 * Each household's billing profile (reduced tier, Stripe customer, saved means of payment),
 * beside the member record so that editing a member's details never touches it.
 */
export function createBillingProfileStore(db: DynamoDBDocumentClient, tables: TableNames) {
  return {
    /** The profile, or an empty one (version 0). */
    async get(gardenId: string, memberId: string): Promise<BillingProfile> {
      const { Item } = await db.send(
        new GetCommand({
          TableName: tables.gardens,
          Key: profileKey(gardenId, memberId),
          ConsistentRead: true,
        }),
      );
      return Item ? withoutKeys<BillingProfile>(Item) : { gardenId, memberId, version: 0 };
    },

    /**
     * The households with a card or SEPA mandate saved (the unpaid list says who will be
     * charged and who pays by hand): one read of the garden's profiles, a few hundred.
     */
    async withPaymentMethod(gardenId: string): Promise<Set<string>> {
      const items = await queryAll(db, {
        TableName: tables.gardens,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'attribute_exists(paymentMethod)',
        ProjectionExpression: 'memberId',
        ExpressionAttributeValues: { ':pk': gardenId, ':prefix': 'BILLING#' },
      });
      return new Set(items.map((item) => String(item.memberId)));
    },

    /** The households holding a solidarity tier (to keep a tier in use from being deleted). */
    async holdersOfTier(gardenId: string, tierId: string): Promise<string[]> {
      const items = await queryAll(db, {
        TableName: tables.gardens,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'tier.id = :tier',
        ExpressionAttributeValues: { ':pk': gardenId, ':prefix': 'BILLING#', ':tier': tierId },
      });
      return items.map((item) => withoutKeys<BillingProfile>(item).memberId);
    },

    /** Writes changed fields over the version read; someone else's change meanwhile is a conflict. */
    async save(
      profile: BillingProfile,
      fields: Partial<Pick<BillingProfile, 'tier' | 'stripeCustomerId' | 'paymentMethod'>> & {
        tier?: BillingProfile['tier'] | undefined;
      },
      /**
       * The staff action log's entry of a tier given or taken back, written with it; its `after`
       * is the tier alone (the profile also holds the household's means of payment).
       */
      log?: ChangeLog,
    ): Promise<BillingProfile> {
      const updated: BillingProfile = { ...profile, ...fields, version: profile.version + 1 };
      for (const key of Object.keys(updated) as Array<keyof BillingProfile>) {
        if (updated[key] === undefined) delete updated[key];
      }
      const item = {
        ...profileKey(profile.gardenId, profile.memberId),
        entity: 'billing-profile',
        ...updated,
      };
      if (log) {
        await log.write(
          [versionedPutItem(tables.gardens, item, profile.version)],
          { tier: updated.tier ?? null },
          () => conflict(),
        );
      } else {
        await putVersioned(db, tables.gardens, item, profile.version);
      }
      return updated;
    },
  };
}
export type BillingProfileStore = ReturnType<typeof createBillingProfileStore>;
