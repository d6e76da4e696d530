import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { HistoryArchiveReader } from '../../domain/journal/archive-keys.ts';
import fp from 'fastify-plugin';
import type { DocumentStore } from '../../adapters/store/documents.ts';
import type { Store } from '../../adapters/store/index.ts';
import { createStripeGateway, type StripeConfig } from '../../adapters/stripe/stripe-gateway.ts';
import { newId } from '../../domain/ids.ts';
import { createBillingCommands } from '../../temporal/billing-client.ts';
import { createExtensionCommands } from '../../temporal/extension-client.ts';
import { createGardenSettingsCommands } from '../../temporal/garden-settings-client.ts';
import { createIncidentCommands } from '../../temporal/incident-client.ts';
import { createInbox } from '../../temporal/inbox.ts';
import { createPaymentCommands } from '../../temporal/payment-client.ts';
import { createRoundCommands } from '../../temporal/round-client.ts';
import { createSubscriptionCommands } from '../../temporal/subscription-client.ts';
import { createTermsNoticeCommands } from '../../temporal/terms-notice-client.ts';
import { createMemberErasureCommands } from '../../temporal/member-erasure-client.ts';
import { createWeekCommands } from '../../temporal/week-client.ts';
import { createWeekSchedules } from '../../temporal/week-schedules.ts';
import type { ExtensionServices } from '../../temporal/extension-services.ts';
import { clockPlugin, type Clock } from './clock.ts';
import { extensionsPlugin } from './extensions.ts';
import { commandsPlugin, type GardenCommands } from './commands.ts';
import { paymentsPlugin, type Payments } from './payments.ts';
import { storePlugin } from './store.ts';
import { viewsPlugin } from './views.ts';
import type { KeycloakTeam } from '../../adapters/keycloak/keycloak-team.ts';
import { createGardenHealth, type GardenHealthReader } from '../../temporal/garden-health.ts';
import type { ProvisioningCommands } from '../../temporal/provisioning-contract.ts';

/**
 * What routes use to read (the store) and to act (the workflows), given by the process that
 * builds the app: one value, so the server and the tests build the app the same way.
 */
export interface ApiServices {
  store: Store;
  documents: DocumentStore;
  commands: GardenCommands;
  payments: Payments;
  clock: Clock;
  /** The gardens' extensions (catalogue and hook runner); see plugins/extensions.ts. */
  extensions?: ExtensionServices | undefined;
  /**
   * The gardens' teams in the identity provider (Keycloak's admin API); without it, the app
   * has no team routes (api/routes/garden-team.ts).
   */
  team?: KeycloakTeam | undefined;
  /**
   * Creating and retiring gardens (the provisioning workflows); without it, the app has no
   * network gardens routes (api/routes/network-gardens.ts).
   */
  provisioning?: ProvisioningCommands | undefined;
  /** Each garden's health as Temporal sees it, for the network admin's list of gardens. */
  gardenHealth?: GardenHealthReader | undefined;
  /**
   * The Temporal client itself, with the payload keys (its data converter), for what reads
   * histories and visibility: the journals, the network overview, the codec server.
   */
  temporal?: Client | undefined;
  /** The codec sealing workflow payloads (temporal/payload-codec.ts), when payload keys are set. */
  payloadCodec?: PayloadCodec | undefined;
  /** Closed histories archived in S3, which the journals read once Temporal deleted them. */
  historyArchive?: HistoryArchiveReader | undefined;
}

/** The services of the API over one store and one Temporal client (the server's and the tests'). */
export function createApiServices(
  store: Store,
  client: Client,
  documents: DocumentStore,
  stripe?: StripeConfig,
  extensions?: ExtensionServices,
): ApiServices {
  return {
    extensions,
    store,
    documents,
    gardenHealth: createGardenHealth(client),
    temporal: client,
    payloadCodec: client.options.loadedDataConverter.payloadCodecs[0],
    commands: {
      subscriptions: createSubscriptionCommands(client),
      gardenSettings: createGardenSettingsCommands(client),
      weeks: createWeekCommands(client),
      weekSchedules: createWeekSchedules(client),
      incidents: createIncidentCommands(client),
      rounds: createRoundCommands(client),
      inbox: createInbox(client),
      extensions: createExtensionCommands(client),
      termsNotices: createTermsNoticeCommands(client),
      erasures: createMemberErasureCommands(client),
    },
    payments: {
      collection: createPaymentCommands(client),
      billing: createBillingCommands(client),
      stripe: stripe ? createStripeGateway(stripe, store) : undefined,
    },
    clock: { now: () => new Date(), newId: () => newId('m', randomUUID) },
  };
}

/**
 * Each service as its own named plugin (`app.store`, `app.documents`, `app.commands`,
 * `app.payments`, `app.now`, `app.views`), so that a plugin or a route depends on what it uses.
 */
export const servicesPlugin = fp<{ services: ApiServices }>(
  async (app, { services }) => {
    await app.register(storePlugin, { store: services.store, documents: services.documents });
    await app.register(clockPlugin, services.clock);
    await app.register(commandsPlugin, { commands: services.commands });
    await app.register(paymentsPlugin, { payments: services.payments });
    await app.register(viewsPlugin);
    await app.register(extensionsPlugin, { extensions: services.extensions });
  },
  { name: 'services' },
);
