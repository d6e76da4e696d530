import type { IsoDate } from '../calendar.ts';
import type { Localized } from '../locale.ts';
import type { AbsenceOutcome, BasketSize, Frequency } from '../subscription.ts';

/**
 * What the garden tells its members, by email and SMS: the kinds of message, what each one
 * carries, and the log of what was sent. Workflows decide when; the templates beside this file
 * decide the words (French first, English too); activities send and log.
 */
export const notificationKinds = [
  'application-received',
  'subscription-approved',
  'subscription-rejected',
  'subscription-waitlisted',
  'delivery-reminder',
  'absence-confirmed',
  'absence-withdrawn',
  'pause-confirmed',
  'resume-reminder',
  'terms-changed',
  'renewal-reminder',
  'subscription-renewed',
  'subscription-ended',
  'cancellation-acknowledged',
  'payment-failed',
  'payment-overdue',
  'deliveries-suspended',
  'deliveries-resumed',
  'delivery-window',
  'delivery-missed',
  'data-export-ready',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/**
 * Messages the law requires, on a durable medium: the confirmation of the contract (approval,
 * renewal) and the acknowledgement of an online cancellation (Code de la consommation, art.
 * L221-13 and L215-1-1). They go out whatever the member's contact preferences, are retried
 * until sent, and reach staff when they cannot be: never dropped.
 */
export const legallyRequiredNotifications: ReadonlySet<NotificationKind> = new Set([
  'subscription-approved',
  'subscription-renewed',
  'cancellation-acknowledged',
]);

/** Filled in by the sending activity from the member, the garden and the configuration. */
export interface NotificationCommon {
  memberFirstName: string;
  gardenName: string;
  /** The member area, where the member manages the subscription and contact preferences. */
  portalUrl: string;
  /** The garden's time zone (IANA), for the hours a message gives; Paris when absent. */
  timeZone?: string;
}

/** What each kind of message says beyond the common fields: what a workflow provides. */
export interface NotificationDataByKind {
  /** An application made online, acknowledged at once: what was asked for, before staff decide. */
  'application-received': {
    startDate: IsoDate;
    depotName: string;
    basketSize: BasketSize;
    frequency: Frequency;
  };
  'subscription-approved': {
    startDate: IsoDate;
    depotName: string;
    /** As members read it: "6 rue de Cologne, 25000 Besançon". */
    depotAddress: string;
    openingHours: string;
    basketSize: BasketSize;
    frequency: Frequency;
  };
  'subscription-rejected': { reason: string };
  'subscription-waitlisted': { depotName: string };
  'delivery-reminder': {
    date: IsoDate;
    depotName: string;
    /** As members read it: "6 rue de Cologne, 25000 Besançon". */
    depotAddress: string;
    openingHours: string;
    basketSize: BasketSize;
    /** 1, or more when earlier absences are made up for on this delivery. */
    baskets: number;
  };
  /**
   * `absencePolicy`: what becomes of the baskets (the first day's outcome); `outcomes`, when the
   * days of one report differ, each day's (in the order of `dates`).
   */
  'absence-confirmed': { dates: IsoDate[]; absencePolicy: AbsenceOutcome; outcomes?: AbsenceOutcome[] };
  /** Home delivery: when the basket arrives today, from the approved round ("17:10" to "17:40"). */
  'delivery-window': { date: IsoDate; from: string; to: string };
  /** Home delivery: the driver could not hand the basket over. */
  'delivery-missed': { date: IsoDate; reason: 'absent' | 'refused' | 'inaccessible' | 'damaged' | 'other' };
  /** An absence taken back: the basket of that day is delivered after all. */
  'absence-withdrawn': { date: IsoDate; absencePolicy: AbsenceOutcome };
  /** No deliveries from `from`; deliveries resume on `until`. */
  'pause-confirmed': { from: IsoDate; until: IsoDate };
  'resume-reminder': { resumeDate: IsoDate; depotName: string };
  'terms-changed': { effectiveFrom: IsoDate; depotName?: string; basketSize?: BasketSize };
  'renewal-reminder': { endDate: IsoDate };
  'subscription-renewed': { endDate: IsoDate };
  'subscription-ended': { endDate: IsoDate };
  'cancellation-acknowledged': {
    /** ISO instant the cancellation was received. */
    requestedAt: string;
    /** Last day the subscription runs (deliveries up to and including it still happen). */
    effectiveDate: IsoDate;
    origin: 'member' | 'staff';
    reason?: string;
  };
  /** A card or SEPA charge failed; `nextAttempt` when another one is planned. */
  'payment-failed': {
    invoiceLabel: string;
    amount: number;
    reason: Localized;
    nextAttempt?: IsoDate;
    /** Where the member updates the means of payment. */
    paymentMethodUrl: string;
  };
  /** An invoice without a saved means of payment is past its due date. */
  'payment-overdue': { invoiceLabel: string; amount: number; dueOn: IsoDate };
  'deliveries-suspended': { invoiceLabel: string; amount: number; from: IsoDate };
  /** `writtenOff`: staff closed the invoice unpaid rather than the member paying it. */
  'deliveries-resumed': { invoiceLabel: string; writtenOff?: boolean };
  /**
   * The member's data export (RGPD article 20) is ready: `link` is the portal page that
   * downloads it with the member's own sign-in (never the files themselves), until `expiresOn`.
   */
  'data-export-ready': { expiresOn: IsoDate; link: string };
}

/** A message as a workflow asks for it: its kind and the kind's own data. */
export type NotificationRequest = {
  [K in NotificationKind]: { kind: K; data: NotificationDataByKind[K] };
}[NotificationKind];

/** A message ready to render: the kind's data with the common fields. */
export type Notification = {
  [K in NotificationKind]: { kind: K; data: NotificationCommon & NotificationDataByKind[K] };
}[NotificationKind];

/** Adds the common fields to what a workflow asked for. */
export function completeNotification(request: NotificationRequest, common: NotificationCommon): Notification {
  // The common fields come last: they are ours, whatever extra keys the input carried.
  return { kind: request.kind, data: { ...request.data, ...common } } as Notification;
}

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
  sms: string;
}

/** For the staff screen that lists what was sent to a member. */
export const notificationKindLabels: Readonly<Record<NotificationKind, Localized>> = {
  'application-received': { fr: 'Demande reçue', en: 'Application received' },
  'subscription-approved': { fr: 'Abonnement validé', en: 'Subscription approved' },
  'subscription-rejected': { fr: 'Abonnement refusé', en: 'Subscription rejected' },
  'subscription-waitlisted': { fr: "Mise sur liste d'attente", en: 'Put on the waiting list' },
  'delivery-reminder': { fr: 'Rappel de livraison', en: 'Delivery reminder' },
  'absence-confirmed': { fr: 'Absence confirmée', en: 'Absence confirmed' },
  'absence-withdrawn': { fr: 'Absence annulée', en: 'Absence undone' },
  'pause-confirmed': { fr: 'Pause confirmée', en: 'Break confirmed' },
  'resume-reminder': { fr: 'Rappel de reprise', en: 'Resumption reminder' },
  'terms-changed': { fr: "Changement d'abonnement", en: 'Subscription changed' },
  'renewal-reminder': { fr: 'Rappel de renouvellement', en: 'Renewal reminder' },
  'subscription-renewed': { fr: 'Abonnement renouvelé', en: 'Subscription renewed' },
  'subscription-ended': { fr: "Fin d'abonnement", en: 'Subscription ended' },
  'cancellation-acknowledged': { fr: 'Accusé de réception de résiliation', en: 'Cancellation acknowledged' },
  'payment-failed': { fr: 'Échec de paiement', en: 'Payment failed' },
  'payment-overdue': { fr: 'Facture en retard', en: 'Invoice overdue' },
  'deliveries-suspended': { fr: 'Livraisons suspendues', en: 'Deliveries suspended' },
  'deliveries-resumed': { fr: 'Livraisons reprises', en: 'Deliveries resumed' },
  'delivery-window': { fr: 'Créneau de livraison', en: 'Delivery window' },
  'delivery-missed': { fr: 'Panier non livré', en: 'Basket not delivered' },
  'data-export-ready': { fr: 'Export de données prêt', en: 'Data export ready' },
};

// ---- The log of what was sent (written by activities, read by the staff screen) ----

export const notificationChannels = ['email', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const notificationChannelLabels: Readonly<Record<NotificationChannel, Localized>> = {
  email: { fr: 'E-mail', en: 'Email' },
  sms: { fr: 'SMS', en: 'Text message' },
};

/**
 * `sending` is claimed and not finished (in progress, or its process died half-way);
 * `failed` met a provider error and will be tried again by the workflow's retries.
 */
export const notificationStatuses = ['sending', 'sent', 'skipped', 'failed'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const notificationStatusLabels: Readonly<Record<NotificationStatus, Localized>> = {
  sending: { fr: "En cours d'envoi", en: 'Sending' },
  sent: { fr: 'Envoyé', en: 'Sent' },
  skipped: { fr: 'Non envoyé', en: 'Not sent' },
  failed: { fr: 'Échec (nouvel essai prévu)', en: 'Failed (will be retried)' },
};

/** Why nothing was sent to a member. */
export const notificationSkipReasons = ['contact-preferences-off', 'no-contact-details'] as const;
export type NotificationSkipReason = (typeof notificationSkipReasons)[number];

export const notificationSkipReasonLabels: Readonly<Record<NotificationSkipReason, Localized>> = {
  'contact-preferences-off': {
    fr: "L'adhérent a désactivé les e-mails et les SMS.",
    en: 'The member turned off both email and text messages.',
  },
  'no-contact-details': {
    fr: "Aucune adresse e-mail ni numéro de portable utilisable selon les préférences de l'adhérent.",
    en: "No email address or mobile number usable under the member's preferences.",
  },
};

/** One channel tried for a message: where it went and what the provider answered. */
export interface NotificationChannelResult {
  channel: NotificationChannel;
  /** The email address or the E.164 phone number. */
  to: string;
  status: 'sent' | 'failed';
  /** SES or SNS message id, when sent. */
  providerMessageId?: string;
  /** The provider's error (English, for staff and logs), when failed. */
  error?: string;
  at: string;
}

export interface NotificationLogEntry {
  /** Chosen by the workflow; one message per key, ever. */
  idempotencyKey: string;
  gardenId: string;
  memberId: string;
  kind: NotificationKind;
  subject: string;
  status: NotificationStatus;
  channels: NotificationChannelResult[];
  skippedReason?: NotificationSkipReason;
  /** The last provider error, when failed. */
  error?: string;
  createdAt: string;
  sentAt?: string;
  updatedAt: string;
}
