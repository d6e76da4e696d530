import type { S3Client } from '@aws-sdk/client-s3';
import type { KeycloakAdminSettings } from '../adapters/keycloak/keycloak-accounts.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import type { Texter } from '../adapters/messaging/texter.ts';
import { createAccountActivities } from './account-activities.ts';
import { createGardenConfigurationActivities } from './garden-configuration-activities.ts';
import { createGardenBlobs } from './provisioning/garden-configuration.ts';
import { createNotificationActivities } from './notifications.ts';
import type { Store } from '../adapters/store/index.ts';
import { createStripeGateway, type StripeConfig } from '../adapters/stripe/stripe-gateway.ts';
import { createSubscriptionActivities } from './subscription-activities.ts';
import { createDocumentStore } from '../adapters/store/documents.ts';
import { createWeekActivities } from './week-activities.ts';
import { createBillingActivities } from './billing-activities.ts';
import { withTemporalFailures } from './failures.ts';
import { createIncidentActivities } from './incident-activities.ts';
import { createRoundActivities } from './round-activities.ts';
import type { Fleet } from '../domain/rounds/fleet.ts';
import type { RouteOptimiser } from '../domain/rounds/plan.ts';
import { createCircuitClient } from '../adapters/routing/circuit-client.ts';
import { createCircuitOptimiser } from '../adapters/routing/circuit-optimiser.ts';
import { withFallback } from '../adapters/routing/fallback-optimiser.ts';
import type { Geocoder } from '../adapters/geocoding/ban-geocoder.ts';
import { keepRoutes } from '../domain/rounds/keep-routes.ts';
import { log } from '@temporalio/activity';
import { createExtensionServices, type ExtensionServices } from './extensions/services.ts';
import type { MetricsPublisher } from '../adapters/metrics/cloudwatch-metrics.ts';
import { createRolloutActivities } from './extensions/rollout-activities.ts';
import { createMemberDataExportActivities } from './member-data-export.ts';
import { createTermsNoticeActivities } from './terms-notices.ts';
import { createMemberErasureActivities } from './member-erasure.ts';
import { createRetentionActivities } from './retention.ts';
import { createHistoryPurge } from './history-purge.ts';
import { createHistoryArchive } from './history-archive.ts';
import type { Connection } from '@temporalio/client';
import { createKeycloakAccounts } from '../adapters/keycloak/keycloak-accounts.ts';

export {
  createHistoryArchive,
  createHistoryArchiveActivities,
  type HistoryArchive,
  type HistoryArchiveActivities,
} from './history-archive.ts';
export {
  createProvisioningActivities,
  type ProvisioningActivities,
  type ProvisioningPorts,
} from './provisioning/provisioning-activities.ts';

export interface ActivityDeps {
  store: Store;
  /** Emails (SES), from the configured sender. */
  mailer: Mailer;
  /** Text messages (SNS). */
  texter: Texter;
  s3: S3Client;
  /** The bucket of the garden's printable documents. */
  documentsBucket: string;
  /** The app's public address, for links in messages. */
  publicUrl: string;
  keycloak: KeycloakAdminSettings;
  /**
   * Stripe, when online payment is configured: build the charging port with
   * `createStripeGateway(deps.stripe, store)` (adapters/stripe/stripe-gateway.ts).
   */
  stripe?: StripeConfig | undefined;
  /** The built-in route optimiser (VROOM, adapters/routing/vroom-optimiser.ts), and Circuit's fallback. */
  vroom: RouteOptimiser;
  /** Circuit's address (its public API unless told otherwise, e.g. a contract fake in tests). */
  circuitBaseUrl?: string | undefined;
  /** Finds a household's door from its address (BAN); none locally. */
  geocoder?: Geocoder | undefined;
  /** The extension catalogue and hook runner; over `s3` and `documentsBucket` when not given. */
  extensions?: ExtensionServices | undefined;
  /** The process's custom metrics (extension calls and fallbacks), when published. */
  metrics?: MetricsPublisher | undefined;
  /**
   * Temporal's own service, for what activities do to histories (a member's erasure deletes
   * their processes' histories): a lazy connection, opened at its first call.
   */
  temporal: { connection: Pick<Connection, 'workflowService' | 'close'>; namespace: string };
}

/**
 * All activities of the worker, built once from their clients. Their failures reach Temporal
 * through `withTemporalFailures`: a domain error that retrying cannot cure ends the activity.
 */
export function createActivities(deps: ActivityDeps) {
  const { store, mailer, texter } = deps;
  const documents = createDocumentStore(deps.s3, deps.documentsBucket);
  const notifications = createNotificationActivities({
    members: store.members,
    gardens: store.gardens,
    log: store.notifications,
    mailer,
    texter,
    publicUrl: deps.publicUrl,
  });
  /**
   * The built-in optimiser (VROOM); while it is out of reach, the stops shared out over the
   * vehicles in the order they come, with the reason shown to staff, so that a garden is never
   * left without routes (they plan again once it is back).
   */
  const builtIn: RouteOptimiser = {
    async optimise(problem) {
      try {
        return await deps.vroom.optimise(problem);
      } catch (error) {
        log.warn('VROOM failed: routes in entry order', {
          cause: error instanceof Error ? error.message : String(error),
        });
        return {
          ...keepRoutes(problem, { routes: [], unrouted: [], optimiser: 'entry-order' }),
          fallbackReason:
            "L'optimiseur intégré ne répond pas : les arrêts sont répartis dans l'ordre, sans optimisation. Recalculez dès qu'il répond.",
        };
      }
    },
  };
  /** Circuit with the garden's key when the garden chose it (the built-in optimiser when it fails). */
  const optimiserFor = (fleet: Fleet, circuitKey: string | undefined): RouteOptimiser =>
    fleet.optimiser === 'circuit' && circuitKey
      ? withFallback(
          createCircuitOptimiser({
            client: createCircuitClient({
              apiKey: circuitKey,
              ...(deps.circuitBaseUrl ? { baseUrl: deps.circuitBaseUrl } : {}),
            }),
          }),
          builtIn,
        )
      : builtIn;
  const gateway = deps.stripe
    ? createStripeGateway(deps.stripe, { billingProfiles: store.billingProfiles })
    : undefined;
  const billing = createBillingActivities({ store, documents, gateway, publicUrl: deps.publicUrl });
  const weeks = createWeekActivities({ store, documents, mailer, publicUrl: deps.publicUrl });
  return withTemporalFailures({
    ...createSubscriptionActivities({
      subscriptions: store.subscriptions,
      settings: store.settings,
      depots: store.depots,
      gardens: store.gardens,
      members: store.members,
    }),
    ...notifications,
    ...createRoundActivities({
      store,
      mailer,
      texter,
      notifyMember: (input) => notifications.notifyMember(input),
      optimiserFor,
      ...(deps.geocoder ? { geocoder: deps.geocoder } : {}),
      distributeInCircuit: (circuitKey, gardenId, date) =>
        createCircuitOptimiser({
          client: createCircuitClient({
            apiKey: circuitKey,
            ...(deps.circuitBaseUrl ? { baseUrl: deps.circuitBaseUrl } : {}),
          }),
        }).distribute(gardenId, date),
      publicUrl: deps.publicUrl,
    }),
    ...createAccountActivities(deps.keycloak),
    ...createGardenConfigurationActivities(
      store,
      createGardenBlobs(deps.s3, deps.documentsBucket),
      () => new Date(),
    ),
    ...createIncidentActivities({
      incidents: store.incidents,
      gardens: store.gardens,
      mailer,
      publicUrl: deps.publicUrl,
    }),
    ...weeks,
    ...createRolloutActivities({
      extensions:
        deps.extensions ??
        createExtensionServices({
          store,
          s3: deps.s3,
          bucket: deps.documentsBucket,
          ...(deps.metrics ? { runner: { metrics: deps.metrics } } : {}),
        }),
      gardens: store.gardens,
      mailer,
      publicUrl: deps.publicUrl,
    }),
    ...billing,
    ...createMemberDataExportActivities({ store, documents, publicUrl: deps.publicUrl }),
    ...createMemberErasureActivities({
      store,
      documents,
      mailer,
      accounts: createKeycloakAccounts(deps.keycloak),
      payments: gateway,
      printInvoice: (input) => billing.printInvoice(input),
      printWeekDocuments: (input) => weeks.printWeekDocuments(input),
      histories: createHistoryPurge({
        workflowService: deps.temporal.connection.workflowService,
        namespace: deps.temporal.namespace,
        archive: createHistoryArchive(deps.s3, deps.documentsBucket),
      }),
    }),
    ...createRetentionActivities({ store, documents }),
    ...createTermsNoticeActivities({
      members: store.members,
      gardens: store.gardens,
      consents: store.consents,
      mailer,
      publicUrl: deps.publicUrl,
    }),
  });
}
export type Activities = ReturnType<typeof createActivities>;
