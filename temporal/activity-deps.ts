import Type from 'typebox';
import type { ActivityDeps } from '../activities/index.ts';
import { DocumentSettings, s3ClientFrom, StoreSettings, storeFrom } from '../adapters/aws.ts';
import { MailerSettings, mailerFrom } from '../adapters/messaging/mailer.ts';
import { TexterSettings, texterFrom } from '../adapters/messaging/texter.ts';
import { KeycloakAdminEnvironment, keycloakAdminFrom } from '../adapters/keycloak/keycloak-settings.ts';
import { StripeSettings, stripeConfigFrom } from '../adapters/stripe/stripe-settings.ts';
import { GeocoderSettings, geocoderFrom } from '../adapters/geocoding/geocoder-settings.ts';
import { VroomSettings, vroomOptimiserFrom } from '../adapters/routing/vroom-settings.ts';
import { Connection, type Client } from '@temporalio/client';
import { createKeycloakGarden } from '../adapters/keycloak/keycloak-garden.ts';
import { gardenClusterFrom, KubernetesEnvironment } from '../adapters/kubernetes/kubernetes-settings.ts';
import { createGardenBlobs } from '../activities/provisioning/garden-configuration.ts';
import type { ProvisioningPorts } from '../activities/provisioning/provisioning-activities.ts';
import { createGardenSchedulesPort, createGardenWorkflowsPort } from './provisioning-ports.ts';
import { connectionOptions, TemporalSettings } from './settings.ts';

/** What activities need from the environment: the store, email and SMS, the identity provider. */
export const ActivitySettings = Type.Object({
  ...StoreSettings.properties,
  ...DocumentSettings.properties,
  ...MailerSettings.properties,
  ...TexterSettings.properties,
  PUBLIC_URL: Type.String({ pattern: '^https?://' }),
  ...KeycloakAdminEnvironment.properties,
  /** Stripe (online payment); off without a secret key. */
  ...StripeSettings.properties,
  /** The built-in route optimiser (VROOM). */
  ...VroomSettings.properties,
  /** Circuit's API address; its public one when absent (each garden brings its own key). */
  CIRCUIT_API_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** The address geocoder (BAN); unset locally: staff place members on the map. */
  ...GeocoderSettings.properties,
  /** Temporal itself: a member's erasure deletes the histories of their processes. */
  ...TemporalSettings.properties,
});
export type ActivitySettings = Type.Static<typeof ActivitySettings>;

/** The clients activities run with, built once per process. */
export function activityDepsFrom(settings: ActivitySettings): ActivityDeps {
  return {
    store: storeFrom(settings),
    mailer: mailerFrom(settings),
    texter: texterFrom(settings),
    s3: s3ClientFrom(settings),
    documentsBucket: settings.S3_BUCKET,
    publicUrl: settings.PUBLIC_URL,
    keycloak: keycloakAdminFrom(settings),
    stripe: stripeConfigFrom(settings),
    vroom: vroomOptimiserFrom(settings),
    circuitBaseUrl: settings.CIRCUIT_API_URL,
    geocoder: geocoderFrom(settings),
    // Connects at its first call: only an erasure reaches Temporal from an activity.
    temporal: {
      connection: Connection.lazy(connectionOptions(settings)),
      namespace: settings.TEMPORAL_NAMESPACE,
    },
  };
}

export function closeActivityDeps(deps: ActivityDeps): void {
  void deps.temporal.connection.close();
  deps.store.close();
  deps.mailer.close();
  deps.texter.close();
  deps.s3.destroy();
}

/** What creating and retiring gardens need besides the activities' settings (the network worker). */
export const NetworkSettings = Type.Object({
  ...KubernetesEnvironment.properties,
  /** The web app's client, so that the first admin's invitation leads to the app once done. */
  OIDC_WEB_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
});
export type NetworkSettings = Type.Static<typeof NetworkSettings>;

/**
 * The ports of the provisioning activities: the activities' clients, Keycloak's admin API for
 * the garden's group and accounts, the Kubernetes cluster when configured, and Temporal (the
 * garden's schedules and workflows) through `client`.
 */
export function provisioningPortsFrom(
  settings: ActivitySettings & NetworkSettings,
  deps: ActivityDeps,
  client: Client,
): ProvisioningPorts {
  return {
    store: deps.store,
    blobs: createGardenBlobs(deps.s3, deps.documentsBucket),
    identity: createKeycloakGarden(deps.keycloak, {
      clientId: settings.OIDC_WEB_CLIENT_ID,
      redirectUri: `${settings.PUBLIC_URL.replace(/\/$/, '')}/`,
    }),
    cluster: gardenClusterFrom(settings),
    schedules: createGardenSchedulesPort(client, deps.store),
    workflows: createGardenWorkflowsPort(client),
    mailer: deps.mailer,
    publicUrl: deps.publicUrl,
  };
}
