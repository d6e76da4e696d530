import fp from 'fastify-plugin';
import type { Store } from '../../adapters/store/index.ts';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { newId } from '../../domain/ids.ts';
import {
  createGardenSettingsCommands,
  type GardenSettingsCommands,
} from '../../temporal/garden-settings-client.ts';
import { createInbox, type Inbox } from '../../temporal/inbox.ts';
import { createSubscriptionCommands, type SubscriptionCommands } from '../../temporal/subscription-client.ts';
import { createWeekCommands, type WeekCommands } from '../../temporal/week-client.ts';
import { createPaymentCommands, type PaymentCommands } from '../../temporal/payment-client.ts';
import { createBillingCommands, type BillingCommands } from '../../temporal/billing-client.ts';
import { createWeekSchedules, type WeekSchedules } from '../../temporal/week-schedules.ts';
import { createIncidentCommands, type IncidentCommands } from '../../temporal/incident-client.ts';
import type { DocumentStore } from '../../adapters/store/documents.ts';
import {
  createStripeGateway,
  type PaymentGateway,
  type StripeConfig,
} from '../../adapters/stripe/stripe-gateway.ts';

/** What routes use to read (the store) and to act (the workflows), given by the process that builds the app. */
export interface ApiServices {
  store: Store;
  subscriptions: SubscriptionCommands;
  gardenSettings: GardenSettingsCommands;
  inbox: Inbox;
  weeks: WeekCommands;
  weekSchedules: WeekSchedules;
  /** The collection of invoices (payment workflows). */
  payments: PaymentCommands;
  /** Monthly billing runs and their schedules. */
  billing: BillingCommands;
  /** Staff's word to stalled processes (incidents). */
  incidents: IncidentCommands;
  /** The garden's printed documents (S3). */
  documents: DocumentStore;
  /** Stripe (cards, SEPA mandates, webhook signatures); absent when online payment is off. */
  stripe?: PaymentGateway | undefined;
  /** The current instant; tests may fix it. */
  now: () => Date;
  newId: () => string;
}

/** The services of the API over one store and one Temporal client (the server's and the tests'). */
export function createApiServices(
  store: Store,
  client: Client,
  documents: DocumentStore,
  stripe?: StripeConfig,
): ApiServices {
  return {
    store,
    subscriptions: createSubscriptionCommands(client),
    gardenSettings: createGardenSettingsCommands(client),
    inbox: createInbox(client),
    weeks: createWeekCommands(client),
    weekSchedules: createWeekSchedules(client),
    payments: createPaymentCommands(client),
    billing: createBillingCommands(client),
    incidents: createIncidentCommands(client),
    documents,
    stripe: stripe ? createStripeGateway(stripe, store) : undefined,
    now: () => new Date(),
    newId: () => newId('m', randomUUID),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    services: ApiServices;
  }
}

export const servicesPlugin = fp<{ services: ApiServices }>(
  async (app, options) => {
    app.decorate('services', options.services);
  },
  { name: 'services' },
);
