import { createDocumentClient, tableNames, type DynamoConfig } from './dynamo-client.ts';
import { createCalendarLinks } from './calendar-links.ts';
import { createDepotStore } from './depot-store.ts';
import { createGardenRegistry } from './garden-registry.ts';
import { createGardenSettingsStore } from './garden-settings.ts';
import { createMemberStore } from './member-store.ts';
import { createNotificationLog } from './notification-log.ts';
import { createSubscriptionStore } from './subscription-store.ts';
import { createProductStore } from './product-store.ts';
import { createWeekStore } from './week-store.ts';
import { createInvoiceStore } from './invoice-store.ts';
import { createBillingProfileStore } from './billing-profile-store.ts';
import { createStripeEventStore } from './stripe-event-store.ts';
import { createIncidentStore } from './incident-store.ts';
import { createFleetStore } from './fleet-store.ts';
import { createRoundStore } from './round-store.ts';
import { createPageStore } from './page-store.ts';
import { createConsentLog } from './consent-log.ts';

export type { DynamoConfig } from './dynamo-client.ts';

/** Every store of the application over one DynamoDB client. */
export function createStore(config: DynamoConfig) {
  const db = createDocumentClient(config);
  const tables = tableNames(config.tablePrefix);
  return {
    db,
    tables,
    gardens: createGardenRegistry(db, tables),
    settings: createGardenSettingsStore(db, tables),
    members: createMemberStore(db, tables),
    depots: createDepotStore(db, tables),
    subscriptions: createSubscriptionStore(db, tables),
    notifications: createNotificationLog(db, tables),
    calendarLinks: createCalendarLinks(db, tables),
    products: createProductStore(db, tables),
    weeks: createWeekStore(db, tables),
    invoices: createInvoiceStore(db, tables),
    billingProfiles: createBillingProfileStore(db, tables),
    stripeEvents: createStripeEventStore(db, tables),
    incidents: createIncidentStore(db, tables),
    fleet: createFleetStore(db, tables),
    rounds: createRoundStore(db, tables),
    pages: createPageStore(db, tables),
    consents: createConsentLog(db, tables),
    close: () => db.destroy(),
  };
}
export type Store = ReturnType<typeof createStore>;
