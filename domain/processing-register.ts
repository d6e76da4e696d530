import Type from 'typebox';
import type { OptionalEntry, TermsEntry } from './consents.ts';
import type { PublisherLegalDetails } from './garden-pages.ts';
import type { Invoice, Payment } from './invoices.ts';
import type { Locale, Localized } from './locale.ts';
import type { Member } from './member.ts';
import type { RoundStop } from './rounds/stops.ts';
import type { Subscription } from './subscription.ts';
import { retention, retentionText, type RetentionKind } from './retention.ts';

// The register of processing activities (RGPD article 30) of the product, built from its data
// model: each stored field of the records that hold personal data is classified below, and the
// types (and the test) refuse a field that is not. Adding a field to Member without saying what
// kind of data it is fails the type check and the test.

/** The categories of personal data the product keeps. */
export const dataCategories = [
  'identity',
  'contact',
  'address',
  'location',
  'household',
  'preferences',
  'access-notes',
  'free-notes',
  'subscription',
  'billing',
  'payment',
  'consent',
  'connection',
  'publisher',
  'none',
] as const;
export type DataCategory = (typeof dataCategories)[number];

export const dataCategoryLabels: Record<DataCategory, Localized> = {
  identity: { fr: 'Identité (nom, prénom)', en: 'Identity (first and last name)' },
  contact: { fr: 'Coordonnées (e-mail, téléphone)', en: 'Contact details (email, phone)' },
  address: { fr: 'Adresse postale', en: 'Postal address' },
  location: { fr: 'Position sur la carte du domicile', en: 'Map position of the home' },
  household: { fr: 'Composition du foyer (nombre de personnes)', en: 'Household size' },
  preferences: {
    fr: 'Préférences (langue, canaux de contact)',
    en: 'Preferences (language, contact channels)',
  },
  'access-notes': {
    fr: 'Indications d’accès au domicile (code, consignes)',
    en: 'Home access notes (door code, directions)',
  },
  'free-notes': { fr: 'Notes libres de l’équipe', en: 'Staff’s free notes' },
  subscription: {
    fr: 'Abonnement (panier, fréquence, dépôt, absences, pauses, résiliation, tarif solidaire)',
    en: 'Subscription (basket, frequency, depot, absences, pauses, cancellation, solidarity tier)',
  },
  billing: { fr: 'Facturation (factures, montants)', en: 'Billing (invoices, amounts)' },
  payment: {
    fr: 'Paiements (moyen, référence, banque ; la carte et l’IBAN restent chez Stripe)',
    en: 'Payments (method, reference, bank; card and IBAN stay with Stripe)',
  },
  consent: {
    fr: 'Consentements et versions des CGV acceptées',
    en: 'Consents and accepted terms versions',
  },
  connection: {
    fr: 'Données de connexion (compte, adresse IP, navigateur, date)',
    en: 'Connection data (account, IP address, browser, time)',
  },
  publisher: {
    fr: 'Mentions légales de l’éditeur (directeur de la publication, hébergeur)',
    en: 'Publisher’s legal details (publication director, host)',
  },
  none: { fr: 'Donnée technique non personnelle', en: 'Technical, non-personal data' },
};

type FieldMap<T> = Readonly<Record<keyof T & string, DataCategory>>;

/** Every stored field of a member (domain/member.ts `Member`) and the kind of data it is. */
export const memberFields = {
  id: 'none',
  gardenId: 'none',
  firstName: 'identity',
  lastName: 'identity',
  email: 'contact',
  phone: 'contact',
  address: 'address',
  location: 'location',
  householdSize: 'household',
  notes: 'free-notes',
  accessNotes: 'access-notes',
  contactPreferences: 'preferences',
  language: 'preferences',
  termsAcceptedAt: 'consent',
  createdAt: 'none',
  updatedAt: 'none',
  version: 'none',
} as const satisfies FieldMap<typeof Member.properties>;

export const subscriptionFields = {
  id: 'none',
  gardenId: 'none',
  memberId: 'none',
  basketSize: 'subscription',
  frequency: 'subscription',
  depotId: 'subscription',
  startDate: 'subscription',
  status: 'subscription',
  requested: 'connection',
  signUpAnswers: 'subscription',
  solidarityProposal: 'subscription',
  decision: 'subscription',
  changes: 'subscription',
  absences: 'subscription',
  withdrawnAbsences: 'subscription',
  pause: 'subscription',
  pausesInSeason: 'subscription',
  suspension: 'subscription',
  endDate: 'subscription',
  seasonId: 'subscription',
  cancellation: 'subscription',
  updatedAt: 'none',
  revision: 'none',
} as const satisfies FieldMap<typeof Subscription.properties>;

export const invoiceFields = {
  gardenId: 'none',
  number: 'billing',
  memberId: 'none',
  subscriptionId: 'none',
  subject: 'identity',
  issuedOn: 'billing',
  dueOn: 'billing',
  lines: 'billing',
  total: 'billing',
  payments: 'payment',
  status: 'billing',
  writtenOff: 'billing',
  documentKey: 'none',
  version: 'none',
} as const satisfies FieldMap<typeof Invoice.properties>;

export const paymentFields = {
  id: 'none',
  method: 'payment',
  amount: 'payment',
  receivedOn: 'payment',
  reference: 'payment',
  bank: 'payment',
  recorded: 'connection',
} as const satisfies FieldMap<typeof Payment.properties>;

type ConsentFieldNames = Record<keyof TermsEntry | keyof OptionalEntry, unknown>;

/** Both kinds of consent log entry (domain/consents.ts): accepted terms and optional consents. */
export const consentFields = {
  memberId: 'none',
  accountId: 'connection',
  at: 'consent',
  how: 'consent',
  origin: 'connection',
  kind: 'consent',
  terms: 'consent',
  purpose: 'consent',
  given: 'consent',
} as const satisfies FieldMap<ConsentFieldNames>;

/** A stop of a delivery round (domain/rounds/stops.ts), as the driver and the route planner get it. */
export const roundStopFields = {
  id: 'none',
  kind: 'none',
  depotId: 'none',
  subscriptionId: 'none',
  memberId: 'none',
  name: 'identity',
  address: 'address',
  location: 'location',
  window: 'none',
  baskets: 'subscription',
  phone: 'contact',
  accessNotes: 'access-notes',
  serviceSeconds: 'none',
} as const satisfies FieldMap<RoundStop>;

export const publisherFields = {
  legalName: 'none',
  legalForm: 'none',
  siret: 'none',
  address: 'publisher',
  publicationDirector: 'publisher',
  host: 'publisher',
  version: 'none',
} as const satisfies FieldMap<typeof PublisherLegalDetails.properties>;

/** The records whose fields are classified, by the schema they come from. */
export const classifiedRecords = {
  member: memberFields,
  subscription: subscriptionFields,
  invoice: invoiceFields,
  payment: paymentFields,
  consent: consentFields,
  roundStop: roundStopFields,
  publisher: publisherFields,
} as const;
type RecordName = keyof typeof classifiedRecords;

/** The personal-data categories of some records, in the order of `dataCategories`. */
export function categoriesOf(records: readonly RecordName[]): DataCategory[] {
  const found = new Set<DataCategory>(records.flatMap((name) => Object.values(classifiedRecords[name])));
  return dataCategories.filter((category) => category !== 'none' && found.has(category));
}

/** Who handles data for the network, and where. */
export const processors = {
  aws: {
    name: 'Amazon Web Services EMEA SARL',
    services: 'DynamoDB, S3, SES, SNS — eu-west-3 (Paris)',
    role: {
      fr: 'Hébergement, base de données, fichiers, e-mails et SMS',
      en: 'Hosting, database, files, email and SMS',
    },
    transfer: undefined,
  },
  stripe: {
    name: 'Stripe Payments Europe Ltd',
    services: 'Stripe (card, SEPA Direct Debit)',
    role: { fr: 'Encaissement des paiements', en: 'Payment collection' },
    transfer: 'us',
  },
  temporal: {
    name: 'Temporal Technologies Inc. (Temporal Cloud)',
    services: 'Temporal Cloud — AWS eu-west-3 (Paris)',
    role: {
      fr: 'Exécution des processus (contenus chiffrés avant l’envoi)',
      en: 'Running the processes (payloads encrypted before they are sent)',
    },
    transfer: undefined,
  },
  circuit: {
    name: 'Spoke Phone Inc. (Circuit)',
    services: 'Circuit for Teams (Spoke Dispatch)',
    role: { fr: 'Optimisation des tournées de livraison', en: 'Delivery route optimisation' },
    transfer: 'us',
  },
  keycloak: {
    name: 'Keycloak (auto-hébergé par le réseau)',
    services: 'Keycloak — AWS eu-west-3 (Paris)',
    role: { fr: 'Comptes et connexion', en: 'Accounts and sign-in' },
    transfer: undefined,
  },
} as const satisfies Record<string, Processor>;
export type ProcessorId = keyof typeof processors;

export interface Processor {
  name: string;
  services: string;
  role: Localized;
  /** Where data may leave the EU: the United States, under the safeguards below. */
  transfer: 'us' | undefined;
}

const transferSafeguards: Localized = {
  fr:
    'États-Unis : clauses contractuelles types de la Commission européenne et, pour les sociétés certifiées, ' +
    'le cadre de protection des données UE–États-Unis (Data Privacy Framework)',
  en:
    'United States: the European Commission’s standard contractual clauses and, for certified companies, the ' +
    'EU–US Data Privacy Framework',
};

type LegalBasis = 'contract' | 'legal-obligation' | 'legitimate-interest' | 'consent';
const legalBases: Record<LegalBasis, Localized> = {
  contract: {
    fr: 'Exécution du contrat (art. 6.1.b RGPD)',
    en: 'Performance of a contract (GDPR art. 6(1)(b))',
  },
  'legal-obligation': {
    fr: 'Obligation légale (art. 6.1.c RGPD)',
    en: 'Legal obligation (GDPR art. 6(1)(c))',
  },
  'legitimate-interest': {
    fr: 'Intérêt légitime (art. 6.1.f RGPD)',
    en: 'Legitimate interest (GDPR art. 6(1)(f))',
  },
  consent: { fr: 'Consentement (art. 6.1.a RGPD)', en: 'Consent (GDPR art. 6(1)(a))' },
};

type Recipient = 'garden-staff' | 'drivers' | 'garden-admins' | 'network-admins' | 'accountant' | 'public';
const recipientLabels: Record<Recipient, Localized> = {
  'garden-staff': { fr: 'Équipe du jardin', en: 'Garden staff' },
  drivers: { fr: 'Chauffeurs (pour leur tournée)', en: 'Drivers (for their round)' },
  'garden-admins': { fr: 'Administrateurs du jardin', en: 'Garden administrators' },
  'network-admins': {
    fr: 'Administrateurs du réseau (ouverture d’un jardin tracée)',
    en: 'Network administrators (opening a garden is logged)',
  },
  accountant: {
    fr: 'Expert-comptable du jardin (export comptable)',
    en: 'Garden’s accountant (accounting export)',
  },
  public: { fr: 'Public (pages publiées)', en: 'The public (published pages)' },
};

type People = 'members' | 'applicants' | 'staff' | 'drivers' | 'publishers';
const peopleLabels: Record<People, Localized> = {
  members: { fr: 'Adhérents et leur foyer', en: 'Members and their household' },
  applicants: { fr: 'Personnes qui demandent une adhésion', en: 'People applying for membership' },
  staff: {
    fr: 'Salariés et bénévoles du jardin, administrateurs',
    en: 'Garden employees, volunteers and administrators',
  },
  drivers: { fr: 'Chauffeurs', en: 'Drivers' },
  publishers: { fr: 'Directeurs de la publication, hébergeurs', en: 'Publication directors, hosts' },
};

type Measure = 'encryption' | 'tls' | 'roles' | 'action-log' | 'tenancy' | 'backups' | 'minimisation';
const measureLabels: Record<Measure, Localized> = {
  encryption: {
    fr: 'Contenus des processus chiffrés (AES-GCM) avant d’être confiés au moteur de processus ; stockage chiffré au repos',
    en: 'Process payloads encrypted (AES-GCM) before they reach the workflow engine; storage encrypted at rest',
  },
  tls: { fr: 'Échanges chiffrés (TLS) de bout en bout', en: 'Traffic encrypted (TLS) end to end' },
  roles: {
    fr: 'Accès par rôle (adhérent, équipe, chauffeur, administrateur) et par jardin',
    en: 'Access by role (member, staff, driver, administrator) and by garden',
  },
  'action-log': {
    fr: 'Journal des actions de l’équipe (qui, quand, d’où), en écriture seule',
    en: 'Append-only log of staff actions (who, when, from where)',
  },
  tenancy: {
    fr: 'Données de chaque jardin séparées ; aucune donnée personnelle dans les identifiants de processus',
    en: 'Each garden’s data kept apart; no personal data in process identifiers',
  },
  backups: {
    fr: 'Restauration à un instant donné de la base, versions des fichiers',
    en: 'Point-in-time recovery of the database, file versioning',
  },
  minimisation: {
    fr: 'Carte bancaire et IBAN jamais stockés par le produit (Stripe)',
    en: 'Card numbers and IBANs never stored by the product (Stripe)',
  },
};

interface ActivityDefinition {
  id: string;
  name: Localized;
  purposes: Localized[];
  legalBasis: LegalBasis[];
  people: People[];
  /** The records whose classified fields make its categories of data. */
  records: RecordName[];
  /** Categories beyond those records' fields (data kept outside them). */
  extraCategories?: DataCategory[];
  recipients: Recipient[];
  processors: ProcessorId[];
  retention: RetentionKind[];
  measures: Measure[];
}

const commonMeasures: Measure[] = ['encryption', 'tls', 'roles', 'action-log', 'tenancy', 'backups'];

const activities: ActivityDefinition[] = [
  {
    id: 'members-and-subscriptions',
    name: { fr: 'Gestion des adhérents et des abonnements', en: 'Members and subscriptions' },
    purposes: [
      {
        fr: 'Enregistrer les adhésions et les abonnements aux paniers',
        en: 'Recording memberships and basket subscriptions',
      },
      {
        fr: 'Préparer les paniers, gérer absences, pauses et résiliations en ligne',
        en: 'Preparing baskets, handling absences, pauses and online cancellations',
      },
      { fr: 'Proposer un tarif solidaire', en: 'Offering a solidarity price' },
    ],
    legalBasis: ['contract'],
    people: ['members', 'applicants'],
    records: ['member', 'subscription'],
    recipients: ['garden-staff', 'garden-admins', 'network-admins'],
    processors: ['aws', 'temporal', 'keycloak'],
    retention: ['inactiveMember'],
    measures: commonMeasures,
  },
  {
    id: 'billing-and-payments',
    name: { fr: 'Facturation et paiements', en: 'Billing and payments' },
    purposes: [
      {
        fr: 'Émettre les factures et encaisser les paiements',
        en: 'Issuing invoices and collecting payments',
      },
      { fr: 'Relancer les impayés', en: 'Following up unpaid invoices' },
      { fr: 'Tenir la comptabilité', en: 'Keeping the accounts' },
    ],
    legalBasis: ['contract', 'legal-obligation'],
    people: ['members'],
    records: ['invoice', 'payment'],
    recipients: ['garden-staff', 'garden-admins', 'accountant'],
    processors: ['aws', 'stripe', 'temporal'],
    retention: ['invoicesAndPayments'],
    measures: [...commonMeasures, 'minimisation'],
  },
  {
    id: 'deliveries',
    name: { fr: 'Livraisons et tournées', en: 'Deliveries and rounds' },
    purposes: [
      { fr: 'Imprimer les feuilles d’émargement des dépôts', en: 'Printing the depots’ signing sheets' },
      {
        fr: 'Calculer et suivre les tournées de livraison à domicile',
        en: 'Planning and tracking home delivery rounds',
      },
    ],
    legalBasis: ['contract'],
    people: ['members', 'drivers'],
    records: ['roundStop'],
    recipients: ['garden-staff', 'drivers'],
    processors: ['aws', 'circuit', 'temporal'],
    retention: ['deliveryRounds', 'signingSheets'],
    measures: commonMeasures,
  },
  {
    id: 'notifications',
    name: { fr: 'Messages aux adhérents (e-mail, SMS)', en: 'Messages to members (email, text)' },
    purposes: [
      {
        fr: 'Rappels de livraison, avis de paiement, confirmations',
        en: 'Delivery reminders, payment notices, confirmations',
      },
      {
        fr: 'Lettre d’information et SMS, sur consentement',
        en: 'Newsletter and text messages, with consent',
      },
    ],
    legalBasis: ['contract', 'consent'],
    people: ['members'],
    records: [],
    extraCategories: ['identity', 'contact', 'preferences'],
    recipients: ['garden-staff'],
    processors: ['aws', 'temporal'],
    retention: ['notificationLog'],
    measures: commonMeasures,
  },
  {
    id: 'consents',
    name: { fr: 'Preuve des consentements et des CGV acceptées', en: 'Proof of consents and accepted terms' },
    purposes: [
      {
        fr: 'Prouver ce que l’adhérent a accepté, quand et d’où ; retirer un consentement aussi simplement',
        en: 'Proving what a member accepted, when and from where; withdrawing a consent as easily',
      },
    ],
    legalBasis: ['legal-obligation'],
    people: ['members'],
    records: ['consent'],
    recipients: ['garden-staff', 'garden-admins'],
    processors: ['aws'],
    retention: ['consentProofs'],
    measures: commonMeasures,
  },
  {
    id: 'accounts-and-security',
    name: { fr: 'Comptes de l’équipe et sécurité', en: 'Staff accounts and security' },
    purposes: [
      { fr: 'Connexion et droits de chacun', en: 'Sign-in and each person’s rights' },
      {
        fr: 'Tracer les modifications de l’équipe (qui, quand, d’où)',
        en: 'Tracing staff changes (who, when, from where)',
      },
    ],
    legalBasis: ['legitimate-interest'],
    people: ['staff', 'drivers'],
    records: [],
    extraCategories: ['identity', 'contact', 'connection'],
    recipients: ['garden-admins', 'network-admins'],
    processors: ['aws', 'keycloak'],
    retention: ['staffAccounts', 'staffActionLog'],
    measures: commonMeasures,
  },
  {
    id: 'published-pages',
    name: { fr: 'Pages publiques et mentions légales', en: 'Public pages and legal notice' },
    purposes: [
      {
        fr: 'Identifier l’éditeur du site (loi pour la confiance dans l’économie numérique, art. 6)',
        en: 'Identifying the site’s publisher (French LCEN, art. 6)',
      },
    ],
    legalBasis: ['legal-obligation'],
    people: ['publishers'],
    records: ['publisher'],
    recipients: ['public'],
    processors: ['aws'],
    retention: [],
    measures: ['tls', 'roles', 'action-log', 'backups'],
  },
];

export const RegisterActivity = Type.Object({
  id: Type.String(),
  name: Type.String(),
  purposes: Type.Array(Type.String()),
  legalBasis: Type.Array(Type.String()),
  people: Type.Array(Type.String()),
  dataCategories: Type.Array(Type.Object({ id: Type.String(), label: Type.String() })),
  recipients: Type.Array(Type.String()),
  processors: Type.Array(Type.String({ description: 'Processor ids, see `processors`.' })),
  transfers: Type.Array(Type.String()),
  retention: Type.Array(Type.String()),
  securityMeasures: Type.Array(Type.String()),
});
export type RegisterActivity = Type.Static<typeof RegisterActivity>;

export const ProcessingRegister = Type.Object({
  title: Type.String(),
  controller: Type.String(),
  locale: Type.Enum(['fr', 'en']),
  activities: Type.Array(RegisterActivity),
  processors: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      services: Type.String(),
      role: Type.String(),
      transfer: Type.Optional(Type.String()),
    }),
  ),
});
export type ProcessingRegister = Type.Static<typeof ProcessingRegister>;

/** The register in one language: every activity, its categories read from the classified fields. */
export function processingRegister(locale: Locale): ProcessingRegister {
  const say = (text: Localized) => text[locale];
  return {
    title:
      locale === 'fr'
        ? 'Registre des activités de traitement (article 30 du RGPD)'
        : 'Record of processing activities (GDPR article 30)',
    controller:
      locale === 'fr'
        ? 'Chaque jardin, pour ses adhérents et son équipe ; le réseau, pour ses propres pages et ses administrateurs.'
        : 'Each garden, for its members and team; the network, for its own pages and administrators.',
    locale,
    activities: activities.map((activity) => {
      const categories = [
        ...new Set([...categoriesOf(activity.records), ...(activity.extraCategories ?? [])]),
      ];
      const ordered = dataCategories.filter((category) => categories.includes(category));
      const transfers = activity.processors.some((id) => processors[id].transfer === 'us')
        ? [
            `${activity.processors
              .filter((id) => processors[id].transfer === 'us')
              .map((id) => processors[id].name)
              .join(', ')} — ${say(transferSafeguards)}`,
          ]
        : [];
      return {
        id: activity.id,
        name: say(activity.name),
        purposes: activity.purposes.map(say),
        legalBasis: activity.legalBasis.map((basis) => say(legalBases[basis])),
        people: activity.people.map((who) => say(peopleLabels[who])),
        dataCategories: ordered.map((id) => ({ id, label: say(dataCategoryLabels[id]) })),
        recipients: activity.recipients.map((who) => say(recipientLabels[who])),
        processors: [...activity.processors],
        transfers,
        retention:
          activity.retention.length > 0
            ? activity.retention.map(
                (kind) =>
                  `${say(retentionNames[kind])}${locale === 'fr' ? ' :' : ':'} ${retentionText(retention[kind], locale)}`,
              )
            : [
                locale === 'fr'
                  ? 'Tant que l’éditeur publie ; chaque version publiée est conservée'
                  : 'As long as the publisher publishes; every published version is kept',
              ],
        securityMeasures: activity.measures.map((measure) => say(measureLabels[measure])),
      };
    }),
    processors: (Object.keys(processors) as ProcessorId[]).map((id) => {
      const processor: Processor = processors[id];
      return {
        id,
        name: processor.name,
        services: processor.services,
        role: say(processor.role),
        ...(processor.transfer ? { transfer: say(transferSafeguards) } : {}),
      };
    }),
  };
}

const retentionNames: Record<RetentionKind, Localized> = {
  inactiveMember: { fr: 'Adhérents inactifs', en: 'Inactive members' },
  invoicesAndPayments: { fr: 'Factures et paiements', en: 'Invoices and payments' },
  signingSheets: { fr: 'Feuilles d’émargement', en: 'Signing sheets' },
  notificationLog: { fr: 'Journal des messages envoyés', en: 'Log of messages sent' },
  deliveryRounds: { fr: 'Tournées', en: 'Rounds' },
  consentProofs: { fr: 'Preuves de consentement', en: 'Consent proofs' },
  staffActionLog: { fr: 'Journal des actions', en: 'Action log' },
  staffAccounts: { fr: 'Comptes désactivés', en: 'Disabled accounts' },
};
