/**
 * A garden's life in the network: created by the provisioning saga, retired by its reverse.
 * This module holds what the saga, the API and the « Jardins » page share: the request that
 * creates a garden, the garden's state, the steps of each operation with their labels, and the
 * progress the workflow reports (its query) and the page shows.
 */
import Type from 'typebox';
import { gardenIdPattern } from './ids.ts';
import type { Localized } from './locale.ts';
import { emailPattern } from './member.ts';

/** Where a garden is in its life. Records written before this field existed are `active`. */
export const gardenStates = ['provisioning', 'active', 'suspended', 'retiring', 'retired'] as const;
export type GardenState = (typeof gardenStates)[number];

export const gardenStateLabels: Record<GardenState, Localized> = {
  provisioning: { fr: 'En création', en: 'Being created' },
  active: { fr: 'Actif', en: 'Active' },
  suspended: { fr: 'Suspendu', en: 'Suspended' },
  retiring: { fr: 'En retrait', en: 'Being retired' },
  retired: { fr: 'Retiré', en: 'Retired' },
};

/** Time zones a garden of the network may run in (France and its overseas departments). */
export const gardenTimeZones = [
  'Europe/Paris',
  'America/Guadeloupe',
  'America/Martinique',
  'America/Cayenne',
  'Indian/Reunion',
  'Indian/Mayotte',
  'Pacific/Noumea',
  'Pacific/Tahiti',
] as const;

/** A DNS host name: labels of letters, digits and inner dashes, a dot between, ending in letters. */
export const hostNamePattern = '^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$';

/** What the network admin types in « Créer un jardin ». */
export const NewGardenRequest = Type.Object(
  {
    /** The short slug in every address and name (`val-du-doubs`): lowercase letters, digits, dashes. */
    slug: Type.String({ pattern: gardenIdPattern, minLength: 3, maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    city: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    /** The association's legal details, printed on invoices. */
    legal: Type.Object(
      {
        legalName: Type.String({ minLength: 1, maxLength: 160, pattern: '\\S' }),
        /** SIRET: 14 digits, spaces allowed between groups. */
        siret: Type.String({ maxLength: 20, pattern: '^ *(?:[0-9] *){14}$' }),
        address: Type.String({ minLength: 1, maxLength: 300, pattern: '\\S' }),
      },
      { additionalProperties: false },
    ),
    /** The garden's contact address for members. */
    contactEmail: Type.String({ maxLength: 254, pattern: emailPattern }),
    timeZone: Type.Enum([...gardenTimeZones]),
    /**
     * The garden's own host name, if it has one (`paniers.jardin-du-val.fr`): its deployment
     * then also gets a Service and an Ingress for it. Lowercase, at least one dot.
     */
    hostName: Type.Optional(Type.String({ maxLength: 253, pattern: hostNamePattern })),
    firstAdmin: Type.Object(
      {
        firstName: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
        lastName: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
        email: Type.String({ maxLength: 254, pattern: emailPattern }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type NewGardenRequest = Type.Static<typeof NewGardenRequest>;

/** The steps of creating a garden, in order; compensation runs them backwards. */
export const provisioningSteps = [
  'reserve',
  'data',
  'configuration',
  'identity',
  'deployment',
  'schedules',
  'welcome',
] as const;
export type ProvisioningStep = (typeof provisioningSteps)[number];

/**
 * The steps of retiring a garden, in order (no compensation: each is safe to run again). The
 * schedules stop before the workflows are closed: one firing meanwhile would start a workflow
 * that nothing closes, left running on a queue no worker serves any more.
 */
export const retirementSteps = [
  'export',
  'schedules',
  'close-workflows',
  'deployment',
  'identity',
  'data',
  'retired',
] as const;
export type RetirementStep = (typeof retirementSteps)[number];

export const provisioningStepLabels: Record<ProvisioningStep, Localized> = {
  reserve: { fr: 'Réserver l’identifiant du jardin', en: 'Reserve the garden’s slug' },
  data: { fr: 'Créer les données et les réglages par défaut', en: 'Create the data and default settings' },
  configuration: { fr: 'Sauvegarder la configuration (S3)', en: 'Save the configuration (S3)' },
  identity: {
    fr: 'Créer le groupe et le premier administrateur (Keycloak)',
    en: 'Create the group and the first administrator (Keycloak)',
  },
  deployment: {
    fr: 'Déployer le worker du jardin (Kubernetes)',
    en: 'Deploy the garden’s worker (Kubernetes)',
  },
  schedules: { fr: 'Programmer les semaines et la facturation', en: 'Schedule the weeks and billing' },
  welcome: { fr: 'Envoyer le message de bienvenue et activer', en: 'Send the welcome email and activate' },
};

export const retirementStepLabels: Record<RetirementStep, Localized> = {
  export: { fr: 'Exporter les données du jardin (S3)', en: 'Export the garden’s data (S3)' },
  'close-workflows': { fr: 'Clore les processus en cours', en: 'Close the running processes' },
  schedules: { fr: 'Arrêter les programmations', en: 'Stop the schedules' },
  deployment: {
    fr: 'Retirer le worker du jardin (Kubernetes)',
    en: 'Remove the garden’s worker (Kubernetes)',
  },
  identity: { fr: 'Désactiver les comptes (Keycloak)', en: 'Disable the accounts (Keycloak)' },
  data: {
    fr: 'Effacer les données et le journal de l’équipe (les factures sont conservées, les historiques mis aux archives)',
    en: 'Erase the data and the staff action log (invoices are kept, histories moved to the archives)',
  },
  retired: { fr: 'Marquer le jardin retiré', en: 'Mark the garden retired' },
};

export const stepStates = ['pending', 'running', 'done', 'failed', 'compensating', 'compensated'] as const;
export type StepState = (typeof stepStates)[number];

/** One step as the page shows it. Times are ISO instants; `error` is for people, in French and English. */
export interface StepProgress {
  step: ProvisioningStep | RetirementStep;
  state: StepState;
  startedAt?: string;
  endedAt?: string;
  /** How many times the step was tried (retries included). */
  attempts: number;
  error?: Localized;
  /** Something a person should know that is not an error (« aucun nœud local : le worker ne démarre pas ici »). */
  note?: Localized;
}

/**
 * Where an operation is: `running`; `waiting` for a person's decision after a step failed for
 * good (retry or roll back); `done`; `rolled-back` (compensation left nothing behind).
 */
export const operationStates = ['running', 'waiting', 'compensating', 'done', 'rolled-back'] as const;
export type OperationState = (typeof operationStates)[number];

export interface OperationProgress {
  gardenId: string;
  operation: 'create' | 'retire';
  state: OperationState;
  startedAt: string;
  endedAt?: string;
  steps: StepProgress[];
}

/** A decision on an operation waiting after a failure. */
export const operationDecisions = ['retry', 'roll-back'] as const;
export type OperationDecision = (typeof operationDecisions)[number];

/** The slug's printable form: trimmed, lowercase (the form field helps; the pattern decides). */
export function normaliseSlug(typed: string): string {
  return typed.trim().toLowerCase();
}

/** The SIRET as kept: 14 digits, no spaces. */
export function normaliseSiret(typed: string): string {
  return typed.replace(/ /g, '');
}
