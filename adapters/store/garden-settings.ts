import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { gardenDay } from '../../domain/calendar.ts';
import {
  defaultDeliveryCalendar,
  type DeliveryCalendar,
  type DeliveryCalendarInput,
} from '../../domain/delivery-calendar.ts';
import { defaultGardenRules, type GardenRules, type GardenRulesInput } from '../../domain/garden-rules.ts';
import { defaultGardenContact, type GardenContact } from '../../domain/garden-contact.ts';
import { defaultPricing, type Pricing, type PricingInput } from '../../domain/pricing.ts';
import type { ChangeLog } from './action-log.ts';
import { putVersioned, withoutKeys } from './conditional.ts';
import type { TableNames } from './dynamo-client.ts';

/**
 * A garden's own settings: its delivery calendar, its subscription rules, its pricing and how members
 * reach and pay it (contact), each one item with a version (a change made from an outdated copy is a conflict).
 */
export function createGardenSettingsStore(db: DynamoDBDocumentClient, tables: TableNames) {
  async function read<T>(gardenId: string, sk: string): Promise<T | undefined> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tables.gardens, Key: { pk: gardenId, sk }, ConsistentRead: true }),
    );
    return Item ? withoutKeys<T>(Item) : undefined;
  }

  async function write(
    gardenId: string,
    sk: string,
    item: Record<string, unknown>,
    expectedVersion: number,
    log: ChangeLog | undefined,
  ) {
    const next = { pk: gardenId, sk, ...item, version: expectedVersion + 1 };
    await putVersioned(db, tables.gardens, next, expectedVersion, log);
  }

  return {
    /** The garden's calendar, or the default one (version 0) when it has not set its own. */
    async calendar(gardenId: string, now = new Date()): Promise<DeliveryCalendar> {
      return (
        (await read<DeliveryCalendar>(gardenId, 'SETTINGS#CALENDAR')) ??
        defaultDeliveryCalendar(gardenId, gardenDay(now))
      );
    },

    async saveCalendar(
      gardenId: string,
      input: DeliveryCalendarInput,
      expectedVersion: number,
      now: string,
      /** The staff action log's entry of this change, written with it. */
      log?: ChangeLog,
    ): Promise<DeliveryCalendar> {
      const calendar: DeliveryCalendar = {
        ...input,
        closedWeeks: [...new Set(input.closedWeeks)].sort(),
        seasons: [...input.seasons].sort((a, b) => a.start.localeCompare(b.start)),
        gardenId,
        updatedAt: now,
        version: expectedVersion + 1,
      };
      await write(gardenId, 'SETTINGS#CALENDAR', calendar, expectedVersion, log);
      return calendar;
    },

    /** The garden's subscription rules, or the defaults (version 0). */
    async rules(gardenId: string): Promise<GardenRules> {
      return (await read<GardenRules>(gardenId, 'SETTINGS#RULES')) ?? defaultGardenRules;
    },

    async saveRules(
      gardenId: string,
      input: GardenRulesInput,
      expectedVersion: number,
      log?: ChangeLog,
    ): Promise<GardenRules> {
      const rules: GardenRules = { ...input, version: expectedVersion + 1 };
      await write(gardenId, 'SETTINGS#RULES', rules, expectedVersion, log);
      return rules;
    },

    /** The garden's prices, billing model and legal details, or the defaults (version 0). */
    async pricing(gardenId: string): Promise<Pricing> {
      return (await read<Pricing>(gardenId, 'SETTINGS#PRICING')) ?? defaultPricing;
    },

    async savePricing(
      gardenId: string,
      input: PricingInput,
      expectedVersion: number,
      log?: ChangeLog,
    ): Promise<Pricing> {
      const pricing: Pricing = { ...input, version: expectedVersion + 1 };
      await write(gardenId, 'SETTINGS#PRICING', pricing, expectedVersion, log);
      return pricing;
    },

    /**
     * How members reach the team and pay without a card; before the garden sets it (version 0),
     * the address it was registered with.
     */
    async contact(
      gardenId: string,
      registered: { contactEmail: string } | undefined,
    ): Promise<GardenContact> {
      return (await read<GardenContact>(gardenId, 'SETTINGS#CONTACT')) ?? defaultGardenContact(registered);
    },

    async saveContact(
      gardenId: string,
      input: Omit<GardenContact, 'version'>,
      expectedVersion: number,
      log?: ChangeLog,
    ): Promise<GardenContact> {
      const contact: GardenContact = { ...input, version: expectedVersion + 1 };
      await write(gardenId, 'SETTINGS#CONTACT', contact, expectedVersion, log);
      return contact;
    },
  };
}
export type GardenSettingsStore = ReturnType<typeof createGardenSettingsStore>;
