import { formatDay, gardenDay, gardenTimeZone, type IsoDate } from './calendar.ts';
import type { Locale, Localized } from './locale.ts';
import { cents, formatEuros } from './money.ts';
import { basketSizeLabels, frequencyLabels, type BasketSize, type Frequency } from './subscription.ts';

/**
 * What the garden tells its members, by email and SMS. Workflows decide when; this module
 * decides the words (French first, English too); activities send and log.
 */
export const notificationKinds = [
  'subscription-approved',
  'subscription-rejected',
  'subscription-waitlisted',
  'delivery-reminder',
  'absence-confirmed',
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
}

/** What each kind of message says beyond the common fields: what a workflow provides. */
export interface NotificationDataByKind {
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
  'absence-confirmed': { dates: IsoDate[]; absencePolicy: 'donated' | 'compensated' };
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
  'subscription-approved': { fr: 'Abonnement validé', en: 'Subscription approved' },
  'subscription-rejected': { fr: 'Abonnement refusé', en: 'Subscription rejected' },
  'subscription-waitlisted': { fr: "Mise sur liste d'attente", en: 'Put on the waiting list' },
  'delivery-reminder': { fr: 'Rappel de livraison', en: 'Delivery reminder' },
  'absence-confirmed': { fr: 'Absence confirmée', en: 'Absence confirmed' },
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

// ---- Rendering ----

type Say = (fr: string, en: string) => string;

/** A paragraph, a bulleted list, or key facts shown as a small table. */
type Block =
  | string
  | { list: string[] }
  | { facts: Array<[label: string, value: string]> }
  /** A sentence leading to an address: a link in the HTML, the address after it in text. */
  | { link: string; text: string };

/** Which optional parts an SMS keeps: dropped one by one until it fits one SMS. */
interface SmsParts {
  garden: boolean;
  name: boolean;
  year: boolean;
  details: boolean;
}

interface Composed {
  subject: string;
  blocks: Block[];
  /** The SMS without its link, given which optional parts to keep. */
  sms: (parts: SmsParts, day: (date: IsoDate) => string) => string;
  /** Where the SMS leads, when not to the portal's home (the page the member has to act on). */
  smsLink?: string;
  /** The details are the message itself: sent over several SMS rather than dropped. */
  smsNeedsDetails?: boolean;
  /** A farewell or a refusal does not end with "see you soon". */
  formal?: boolean;
}

/** "14 h 05" / "14:05", in the garden's time zone. */
function formatTime(instant: Date, locale: Locale): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: gardenTimeZone,
  }).formatToParts(instant);
  const hour = parts.find((part) => part.type === 'hour')?.value ?? '00';
  const minute = parts.find((part) => part.type === 'minute')?.value ?? '00';
  return locale === 'fr' ? `${hour} h ${minute}` : `${hour}:${minute}`;
}

/** formatDay without the year, for SMS where every character counts. */
function dayWithoutYear(day: IsoDate, locale: Locale): string {
  return formatDay(day, locale).replace(/\s+\d{4}$/, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Opens an SMS: the garden's name when kept (the sender shows only "COCAGNE"), the first name
 * when kept, then the sentence, capitalised when no first name comes before it.
 */
function smsStart(parts: SmsParts, data: NotificationCommon, sentence: string, locale: Locale): string {
  const garden = parts.garden ? `${data.gardenName}${locale === 'fr' ? ' : ' : ': '}` : '';
  return parts.name ? `${garden}${data.memberFirstName}, ${sentence}` : `${garden}${capitalize(sentence)}`;
}

function compose(notification: Notification, locale: Locale): Composed {
  const say: Say = (fr, en) => (locale === 'fr' ? fr : en);
  const day = (date: IsoDate) => formatDay(date, locale);
  const common: NotificationCommon = notification.data;
  const start = (parts: SmsParts, sentence: string) => smsStart(parts, common, sentence, locale);

  switch (notification.kind) {
    case 'subscription-approved': {
      const data = notification.data;
      return {
        subject: say('Votre abonnement est validé', 'Your subscription is confirmed'),
        blocks: [
          say(
            `Bonne nouvelle : votre demande d'abonnement est acceptée. Il commence le ${day(data.startDate)}.`,
            `Good news: your subscription application has been accepted. It starts on ${day(data.startDate)}.`,
          ),
          {
            facts: [
              [say('Début', 'Starts'), day(data.startDate)],
              [say('Panier', 'Basket'), basketSizeLabels[data.basketSize][locale]],
              [say('Fréquence', 'Frequency'), frequencyLabels[data.frequency][locale]],
              [say('Dépôt', 'Depot'), data.depotName],
              [say('Adresse', 'Address'), data.depotAddress],
              [say('Horaires de retrait', 'Pick-up hours'), data.openingHours],
            ],
          },
          say(
            'Nous sommes heureux de vous compter parmi nos adhérents !',
            'We are glad to have you with us!',
          ),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `votre abonnement est validé ! Début le ${smsDay(data.startDate)} au dépôt ${data.depotName}${parts.details ? ` (${data.openingHours})` : ''}.`,
              `subscription confirmed! Starts ${smsDay(data.startDate)} at the ${data.depotName} depot${parts.details ? ` (${data.openingHours})` : ''}.`,
            ),
          ),
      };
    }

    case 'subscription-rejected': {
      const data = notification.data;
      const reason = data.reason.trim();
      const withReason = reason !== '';
      return {
        subject: say("Votre demande d'abonnement", 'Your subscription application'),
        smsNeedsDetails: withReason,
        formal: true,
        blocks: [
          say(
            "Nous sommes désolés : nous ne pouvons pas donner suite à votre demande d'abonnement.",
            'We are sorry: we cannot accept your subscription application.',
          ),
          ...(withReason ? [say(`Motif : ${reason}`, `Reason: ${reason}`)] : []),
          say(
            "Si vous avez des questions, n'hésitez pas à nous contacter. Vous pourrez aussi refaire une demande plus tard.",
            'If you have any questions, please get in touch. You are welcome to apply again later.',
          ),
        ],
        sms: (parts) =>
          start(
            parts,
            say(
              `nous ne pouvons pas donner suite à votre demande d'abonnement.${parts.details && withReason ? ` Motif : ${reason}` : ''}`,
              `we cannot accept your subscription application.${parts.details && withReason ? ` Reason: ${reason}` : ''}`,
            ),
          ),
      };
    }

    case 'subscription-waitlisted': {
      const data = notification.data;
      return {
        subject: say("Votre demande est sur liste d'attente", 'Your application is on the waiting list'),
        blocks: [
          say(
            `Merci pour votre demande d'abonnement ! Le dépôt ${data.depotName} est complet pour le moment : votre demande est sur liste d'attente.`,
            `Thank you for your subscription application! The ${data.depotName} depot is full for now, so your application is on the waiting list.`,
          ),
          say(
            "Nous vous prévenons dès qu'une place se libère ; vous n'avez rien à faire d'ici là.",
            'We will let you know as soon as a place frees up; there is nothing you need to do until then.',
          ),
        ],
        sms: (parts) =>
          start(
            parts,
            say(
              `le dépôt ${data.depotName} est complet : votre demande est sur liste d'attente.${parts.details ? " Nous vous prévenons dès qu'une place se libère." : ''}`,
              `the ${data.depotName} depot is full: your application is on the waiting list.${parts.details ? ' We will tell you when a place frees up.' : ''}`,
            ),
          ),
      };
    }

    case 'delivery-reminder': {
      const data = notification.data;
      const size = basketSizeLabels[data.basketSize][locale];
      const count = Math.max(1, Math.round(data.baskets));
      const extra = count - 1;
      const several = count > 1;
      const extraFr =
        extra === 1 ? 'un autre pour compenser une absence' : `${extra} autres pour compenser des absences`;
      const extraEn =
        extra === 1 ? 'another one to make up for an absence' : `${extra} more to make up for absences`;
      return {
        subject: several
          ? say(`Vos ${count} paniers du ${day(data.date)}`, `Your ${count} baskets on ${day(data.date)}`)
          : say(`Votre panier du ${day(data.date)}`, `Your basket on ${day(data.date)}`),
        blocks: [
          several
            ? say(
                `${count} paniers vous attendent le ${day(data.date)} au dépôt ${data.depotName} : votre panier habituel, et ${extraFr}.`,
                `${count} baskets are waiting for you on ${day(data.date)} at the ${data.depotName} depot: your usual basket, and ${extraEn}.`,
              )
            : say(
                `Votre panier vous attend le ${day(data.date)} au dépôt ${data.depotName}.`,
                `Your basket is waiting for you on ${day(data.date)} at the ${data.depotName} depot.`,
              ),
          {
            facts: [
              [say('Panier', 'Basket'), several ? `${size} × ${count}` : size],
              [say('Dépôt', 'Depot'), data.depotName],
              [say('Adresse', 'Address'), data.depotAddress],
              [say('Horaires de retrait', 'Pick-up hours'), data.openingHours],
            ],
          },
          say('Pensez à apporter vos sacs. Bonne dégustation !', 'Remember to bring your bags. Enjoy!'),
        ],
        sms: (parts, smsDay) => {
          const hours = parts.details ? `, ${data.openingHours}` : '';
          const why = parts.details
            ? say(
                ` (dont ${extra} pour absence)`,
                ` (${extra} for ${extra === 1 ? 'an absence' : 'absences'})`,
              )
            : '';
          return start(
            parts,
            several
              ? say(
                  `vos ${count} paniers${why} vous attendent le ${smsDay(data.date)} au dépôt ${data.depotName}${hours}.`,
                  `your ${count} baskets${why} are waiting on ${smsDay(data.date)} at the ${data.depotName} depot${hours}.`,
                )
              : say(
                  `votre panier vous attend le ${smsDay(data.date)} au dépôt ${data.depotName}${hours}.`,
                  `your basket is waiting on ${smsDay(data.date)} at the ${data.depotName} depot${hours}.`,
                ),
          );
        },
      };
    }

    case 'absence-confirmed': {
      const data = notification.data;
      const dates = [...data.dates].sort();
      const several = dates.length > 1;
      const first = dates[0] ?? '';
      const last = dates[dates.length - 1] ?? '';
      const policy =
        data.absencePolicy === 'donated'
          ? several
            ? say(
                'Les paniers de ces livraisons seront donnés : ils ne sont pas remplacés.',
                'The baskets for these deliveries will be given away: they are not replaced.',
              )
            : say(
                'Le panier de cette livraison sera donné : il n’est pas remplacé.',
                'The basket for this delivery will be given away: it is not replaced.',
              )
          : several
            ? say(
                'Vous recevrez un panier en plus lors de prochaines livraisons pour compenser.',
                'You will receive extra baskets at later deliveries to make up for them.',
              )
            : say(
                'Vous recevrez un panier en plus lors d’une prochaine livraison pour compenser.',
                'You will receive an extra basket at a later delivery to make up for it.',
              );
      return {
        subject: several
          ? say('Absences notées', 'Absences recorded')
          : say('Absence notée', 'Absence recorded'),
        blocks: several
          ? [
              say(
                'Nous avons bien noté votre absence aux livraisons suivantes :',
                'We have recorded your absence for the following deliveries:',
              ),
              { list: dates.map(day) },
              policy,
            ]
          : [
              say(
                `Nous avons bien noté votre absence le ${day(first)}.`,
                `We have recorded your absence on ${day(first)}.`,
              ),
              policy,
            ],
        sms: (parts, smsDay) => {
          const when = several
            ? say(
                `absence notée pour ${dates.length} livraisons, du ${smsDay(first)} au ${smsDay(last)}.`,
                `absence recorded for ${dates.length} deliveries, ${smsDay(first)} to ${smsDay(last)}.`,
              )
            : say(`absence notée le ${smsDay(first)}.`, `absence recorded on ${smsDay(first)}.`);
          const what = !parts.details
            ? ''
            : data.absencePolicy === 'donated'
              ? say(' Le panier sera donné.', ' The basket will be given away.')
              : say(' Un panier en plus vous sera remis plus tard.', ' You will get an extra basket later.');
          return start(parts, `${when}${what}`);
        },
      };
    }

    case 'pause-confirmed': {
      const data = notification.data;
      return {
        subject: say('Votre pause est confirmée', 'Your break is confirmed'),
        blocks: [
          say(
            `Votre pause est bien enregistrée : pas de panier à partir du ${day(data.from)}. Vos livraisons reprennent le ${day(data.until)}.`,
            `Your break is recorded: no baskets from ${day(data.from)}. Your deliveries resume on ${day(data.until)}.`,
          ),
          say('Profitez bien de cette pause !', 'Enjoy your break!'),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `pause notée : pas de panier à partir du ${smsDay(data.from)}, reprise le ${smsDay(data.until)}.`,
              `break recorded: no baskets from ${smsDay(data.from)}, back on ${smsDay(data.until)}.`,
            ),
          ),
      };
    }

    case 'resume-reminder': {
      const data = notification.data;
      return {
        subject: say(
          `Vos paniers reprennent le ${day(data.resumeDate)}`,
          `Your baskets resume on ${day(data.resumeDate)}`,
        ),
        blocks: [
          say(
            `Votre pause se termine : vos livraisons reprennent le ${day(data.resumeDate)} au dépôt ${data.depotName}.`,
            `Your break is ending: your deliveries resume on ${day(data.resumeDate)} at the ${data.depotName} depot.`,
          ),
          say('Nous sommes contents de vous retrouver !', 'We look forward to seeing you again!'),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `fin de votre pause : vos paniers reprennent le ${smsDay(data.resumeDate)} au dépôt ${data.depotName}.`,
              `your break is ending: baskets resume on ${smsDay(data.resumeDate)} at the ${data.depotName} depot.`,
            ),
          ),
      };
    }

    case 'terms-changed': {
      const data = notification.data;
      const changes: string[] = [];
      if (data.depotName !== undefined) {
        changes.push(say(`dépôt : ${data.depotName}`, `depot: ${data.depotName}`));
      }
      if (data.basketSize !== undefined) {
        changes.push(
          say(
            `panier : ${basketSizeLabels[data.basketSize].fr}`,
            `basket: ${basketSizeLabels[data.basketSize].en}`,
          ),
        );
      }
      return {
        subject: say(
          `Votre abonnement change le ${day(data.effectiveFrom)}`,
          `Your subscription changes on ${day(data.effectiveFrom)}`,
        ),
        blocks:
          changes.length > 0
            ? [
                say(
                  `Le changement de votre abonnement est enregistré. À partir du ${day(data.effectiveFrom)} :`,
                  `The change to your subscription is recorded. From ${day(data.effectiveFrom)}:`,
                ),
                { list: changes.map(capitalize) },
                say('Le reste de votre abonnement ne change pas.', 'Everything else stays the same.'),
              ]
            : [
                say(
                  `Le changement de votre abonnement est enregistré ; il prend effet le ${day(data.effectiveFrom)}.`,
                  `The change to your subscription is recorded; it takes effect on ${day(data.effectiveFrom)}.`,
                ),
              ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `votre abonnement change à partir du ${smsDay(data.effectiveFrom)}`,
              `your subscription changes from ${smsDay(data.effectiveFrom)}`,
            ) + (changes.length > 0 && parts.details ? ` (${changes.join(', ')}).` : '.'),
          ),
      };
    }

    case 'renewal-reminder': {
      const data = notification.data;
      return {
        subject: say(
          `Votre abonnement se termine le ${day(data.endDate)}`,
          `Your subscription ends on ${day(data.endDate)}`,
        ),
        blocks: [
          say(
            `Votre abonnement se termine le ${day(data.endDate)}. Pour continuer à recevoir vos paniers, pensez à le renouveler depuis votre espace adhérent.`,
            `Your subscription ends on ${day(data.endDate)}. To keep receiving your baskets, remember to renew it from your member area.`,
          ),
          say('Merci de votre fidélité !', 'Thank you for your loyalty!'),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `votre abonnement se termine le ${smsDay(data.endDate)}. Pour garder vos paniers, renouvelez-le ici :`,
              `your subscription ends on ${smsDay(data.endDate)}. To keep your baskets, renew it here:`,
            ),
          ),
      };
    }

    case 'subscription-renewed': {
      const data = notification.data;
      return {
        subject: say('Votre abonnement est renouvelé', 'Your subscription is renewed'),
        blocks: [
          say(
            `Votre abonnement est renouvelé jusqu'au ${day(data.endDate)}.`,
            `Your subscription is renewed until ${day(data.endDate)}.`,
          ),
          say(
            "Merci de continuer l'aventure avec nous : votre soutien fait vivre le jardin !",
            'Thank you for staying with us: your support keeps the garden going!',
          ),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `votre abonnement est renouvelé jusqu'au ${smsDay(data.endDate)}.${parts.details ? ' Merci de votre fidélité !' : ''}`,
              `your subscription is renewed until ${smsDay(data.endDate)}.${parts.details ? ' Thank you!' : ''}`,
            ),
          ),
      };
    }

    case 'subscription-ended': {
      const data = notification.data;
      return {
        subject: say('Votre abonnement prend fin', 'Your subscription is ending'),
        formal: true,
        blocks: [
          say(
            `Votre abonnement prend fin le ${day(data.endDate)}.`,
            `Your subscription ends on ${day(data.endDate)}.`,
          ),
          say(
            "Merci d'avoir soutenu le jardin et celles et ceux qui y travaillent. Vous pouvez vous réabonner à tout moment depuis votre espace adhérent.",
            'Thank you for supporting the garden and the people who work in it. You can subscribe again at any time from your member area.',
          ),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `votre abonnement prend fin le ${smsDay(data.endDate)}.${parts.details ? ' Merci pour votre soutien !' : ''}`,
              `your subscription ends on ${smsDay(data.endDate)}.${parts.details ? ' Thank you for your support!' : ''}`,
            ),
          ),
      };
    }

    case 'cancellation-acknowledged': {
      const data = notification.data;
      const received = new Date(data.requestedAt);
      const receivedDay = gardenDay(received);
      const time = formatTime(received, locale);
      const zone = say('(heure de Paris)', '(Paris time)');
      const byMember = data.origin === 'member';
      const blocks: Block[] = [
        byMember
          ? say(
              `Nous avons bien reçu votre demande de résiliation le ${day(receivedDay)} à ${time} ${zone}.`,
              `We received your cancellation request on ${day(receivedDay)} at ${time} ${zone}.`,
            )
          : say(
              `L'équipe du jardin a enregistré la résiliation de votre abonnement le ${day(receivedDay)} à ${time} ${zone}.`,
              `The garden team recorded the cancellation of your subscription on ${day(receivedDay)} at ${time} ${zone}.`,
            ),
        say(
          `La résiliation prend effet le ${day(data.effectiveDate)} : les livraisons prévues jusqu'à cette date incluse sont maintenues.`,
          `The cancellation takes effect on ${day(data.effectiveDate)}: deliveries planned up to and including that day still happen.`,
        ),
      ];
      if (data.reason !== undefined && data.reason.trim() !== '') {
        blocks.push(say(`Motif : ${data.reason}`, `Reason: ${data.reason}`));
      }
      blocks.push({
        facts: [
          [
            say('Demande reçue le', 'Request received on'),
            say(`${day(receivedDay)} à ${time} ${zone}`, `${day(receivedDay)} at ${time} ${zone}`),
          ],
          [say('Prend effet le', 'Takes effect on'), day(data.effectiveDate)],
        ],
      });
      blocks.push(
        say(
          'Conservez ce message : il vaut accusé de réception. Merci pour le temps passé avec nous.',
          'Please keep this message as your acknowledgement of receipt. Thank you for the time you spent with us.',
        ),
      );
      return {
        subject: say('Accusé de réception de votre résiliation', 'Acknowledgement of your cancellation'),
        formal: true,
        blocks,
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `résiliation reçue le ${smsDay(receivedDay)} à ${time}, effective le ${smsDay(data.effectiveDate)}.`,
              `cancellation received on ${smsDay(receivedDay)} at ${time}, effective ${smsDay(data.effectiveDate)}.`,
            ),
          ),
      };
    }

    case 'payment-failed': {
      const data = notification.data;
      const amount = formatEuros(cents(data.amount), locale);
      const reason = data.reason[locale];
      return {
        subject: say(
          `Votre paiement n'a pas abouti (facture ${data.invoiceLabel})`,
          `Your payment did not go through (invoice ${data.invoiceLabel})`,
        ),

        blocks: [
          say(
            `Le paiement de ${amount} pour la facture ${data.invoiceLabel} n'a pas abouti.`,
            `The payment of ${amount} for invoice ${data.invoiceLabel} did not go through.`,
          ),
          say(`Raison : ${reason}`, `Reason: ${reason}`),
          data.nextAttempt
            ? say(
                `Nous réessaierons le ${day(data.nextAttempt)}. Si besoin, mettez à jour votre moyen de paiement d'ici là.`,
                `We will try again on ${day(data.nextAttempt)}. If needed, update your means of payment before then.`,
              )
            : say(
                "L'équipe du jardin va vous contacter. Vous pouvez aussi mettre à jour votre moyen de paiement, ou régler par chèque, espèces ou virement.",
                'The garden team will get in touch. You can also update your means of payment, or pay by cheque, cash or bank transfer.',
              ),
          {
            link: data.paymentMethodUrl,
            text: say('Mettre à jour mon moyen de paiement', 'Update my means of payment'),
          },
        ],
        smsLink: data.paymentMethodUrl,
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `paiement de ${amount} (${data.invoiceLabel}) refusé.${parts.details ? ` ${reason}` : ''}${data.nextAttempt ? ` Nouvel essai le ${smsDay(data.nextAttempt)}.` : ''}`,
              `the payment of ${amount} (invoice ${data.invoiceLabel}) failed.${parts.details ? ` ${reason}` : ''}${data.nextAttempt ? ` Next try ${smsDay(data.nextAttempt)}.` : ''}`,
            ),
          ),
      };
    }

    case 'payment-overdue': {
      const data = notification.data;
      const amount = formatEuros(cents(data.amount), locale);
      return {
        subject: say(
          `Facture ${data.invoiceLabel} en attente de paiement`,
          `Invoice ${data.invoiceLabel} awaiting payment`,
        ),
        blocks: [
          say(
            `La facture ${data.invoiceLabel} (${amount}) est à régler pour le ${day(data.dueOn)}, et nous n'avons pas encore reçu votre paiement.`,
            `Invoice ${data.invoiceLabel} (${amount}) is due on ${day(data.dueOn)}, and we have not received your payment yet.`,
          ),
          say(
            "Vous pouvez la régler par chèque, espèces ou virement auprès de l'équipe du jardin. Si c'est déjà fait, merci et ne tenez pas compte de ce message.",
            'You can pay it by cheque, cash or bank transfer to the garden team. If you already have, thank you, and please ignore this message.',
          ),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `la facture ${data.invoiceLabel} (${amount}) est à régler pour le ${smsDay(data.dueOn)}.`,
              `invoice ${data.invoiceLabel} (${amount}) is due on ${smsDay(data.dueOn)}.`,
            ),
          ),
      };
    }

    case 'deliveries-suspended': {
      const data = notification.data;
      const amount = formatEuros(cents(data.amount), locale);
      return {
        subject: say('Vos livraisons sont suspendues', 'Your deliveries are suspended'),
        formal: true,
        blocks: [
          say(
            `Faute de paiement de la facture ${data.invoiceLabel} (${amount}), vos livraisons sont suspendues à partir du ${day(data.from)}.`,
            `As invoice ${data.invoiceLabel} (${amount}) is unpaid, your deliveries are suspended from ${day(data.from)}.`,
          ),
          say(
            'Elles reprendront dès le paiement reçu. Contactez-nous si vous rencontrez une difficulté : des solutions existent.',
            'They will resume as soon as the payment is received. Please contact us if you are facing difficulties: there are solutions.',
          ),
        ],
        sms: (parts, smsDay) =>
          start(
            parts,
            say(
              `facture ${data.invoiceLabel} impayée : livraisons suspendues dès le ${smsDay(data.from)}, jusqu'au paiement.`,
              `invoice ${data.invoiceLabel} unpaid: deliveries suspended from ${smsDay(data.from)} until payment.`,
            ),
          ),
      };
    }

    case 'deliveries-resumed': {
      const data = notification.data;
      return {
        subject: say('Vos livraisons reprennent', 'Your deliveries resume'),
        blocks: [
          data.writtenOff
            ? say(
                `L'équipe du jardin a clos la facture ${data.invoiceLabel} : vous n'avez plus rien à payer pour elle, et vos livraisons reprennent dès la prochaine date prévue.`,
                `The garden team has closed invoice ${data.invoiceLabel}: you owe nothing more for it, and your deliveries resume from the next planned date.`,
              )
            : say(
                `Merci : la facture ${data.invoiceLabel} est réglée, vos livraisons reprennent dès la prochaine date prévue.`,
                `Thank you: invoice ${data.invoiceLabel} is settled, and your deliveries resume from the next planned date.`,
              ),
        ],
        sms: (parts) =>
          start(
            parts,
            data.writtenOff
              ? say(
                  `facture ${data.invoiceLabel} close par l'équipe. Vos livraisons reprennent.`,
                  `invoice ${data.invoiceLabel} closed by the team. Your deliveries resume.`,
                )
              : say(
                  `facture ${data.invoiceLabel} réglée, merci ! Vos livraisons reprennent.`,
                  `invoice ${data.invoiceLabel} settled, thank you! Your deliveries resume.`,
                ),
          ),
      };
    }
  }
}

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
}

const style = {
  body: 'margin:0;padding:0;background-color:#f4f1ea;',
  card: 'max-width:560px;margin:0 auto;padding:24px;background-color:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#2b2b2b;',
  p: 'margin:0 0 16px 0;',
  ul: 'margin:0 0 16px 0;padding-left:24px;',
  table: 'border-collapse:collapse;margin:0 0 16px 0;',
  th: 'text-align:left;vertical-align:top;padding:4px 16px 4px 0;color:#4f6b2a;font-weight:bold;',
  td: 'vertical-align:top;padding:4px 0;',
  footer: 'margin:24px 0 0 0;padding-top:16px;border-top:1px solid #e0dccf;font-size:14px;color:#666666;',
  link: 'color:#4f6b2a;',
};

/**
 * The message in both forms for email, and its SMS. Member data is escaped in the HTML; the
 * SMS keeps to the GSM alphabet and one SMS (160 characters) whenever the facts allow.
 */
export function renderNotification(notification: Notification, locale: Locale = 'fr'): RenderedNotification {
  const composed = compose(notification, locale);
  const { memberFirstName, gardenName, portalUrl } = notification.data;
  const say: Say = (fr, en) => (locale === 'fr' ? fr : en);
  const greeting = say(`Bonjour ${memberFirstName},`, `Hello ${memberFirstName},`);
  const signOff = composed.formal
    ? say('Bien cordialement,', 'Kind regards,')
    : say('À bientôt,', 'See you soon,');
  const portalLine = say(
    'Votre espace adhérent, pour gérer votre abonnement et choisir comment nous vous prévenons (e-mail, SMS) :',
    'Your member area, to manage your subscription and choose how we contact you (email, text message):',
  );
  const factLine = ([label, value]: [string, string]) => say(`${label} : ${value}`, `${label}: ${value}`);

  const textBlocks = composed.blocks.map((block) => {
    if (typeof block === 'string') return block;
    if ('list' in block) return block.list.map((item) => `- ${item}`).join('\n');
    if ('link' in block) return say(`${block.text} :\n${block.link}`, `${block.text}:\n${block.link}`);
    return block.facts.map(factLine).join('\n');
  });
  const text = [greeting, ...textBlocks, `${signOff}\n${gardenName}`, `--\n${portalLine}\n${portalUrl}`].join(
    '\n\n',
  );

  const htmlBlocks = composed.blocks.map((block) => {
    if (typeof block === 'string') return `<p style="${style.p}">${escapeHtml(block)}</p>`;
    if ('list' in block) {
      const items = block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('');
      return `<ul style="${style.ul}">${items}</ul>`;
    }
    if ('link' in block) {
      return `<p style="${style.p}"><a href="${escapeHtml(block.link)}" style="${style.link}">${escapeHtml(block.text)}</a></p>`;
    }
    const rows = block.facts
      .map(
        ([label, value]) =>
          `<tr><th scope="row" style="${style.th}">${escapeHtml(label)}</th><td style="${style.td}">${escapeHtml(value)}</td></tr>`,
      )
      .join('');
    return `<table role="presentation" style="${style.table}">${rows}</table>`;
  });
  const html = [
    `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(composed.subject)}</title></head>`,
    `<body style="${style.body}"><div style="${style.card}">`,
    `<p style="${style.p}">${escapeHtml(greeting)}</p>`,
    ...htmlBlocks,
    `<p style="${style.p}">${escapeHtml(signOff)}<br>${escapeHtml(gardenName)}</p>`,
    `<p style="${style.footer}">${escapeHtml(portalLine)}<br><a href="${escapeHtml(portalUrl)}" style="${style.link}">${escapeHtml(portalUrl)}</a></p>`,
    '</div></body></html>',
  ].join('\n');

  return {
    subject: composed.subject,
    text,
    html,
    sms: renderSms(composed, locale, composed.smsLink ?? portalUrl),
  };
}

/** Richest first; each step drops one more optional part. */
const smsVariants: SmsParts[] = [
  { garden: true, name: true, year: true, details: true },
  { garden: true, name: true, year: false, details: true },
  { garden: false, name: true, year: false, details: true },
  { garden: false, name: false, year: false, details: true },
  { garden: false, name: false, year: false, details: false },
];

function renderSms(composed: Composed, locale: Locale, link: string): string {
  let sms = '';
  for (const parts of smsVariants) {
    if (composed.smsNeedsDetails && !parts.details) break;
    const day = (date: IsoDate) => (parts.year ? formatDay(date, locale) : dayWithoutYear(date, locale));
    sms = toSmsText(`${composed.sms(parts, day)} ${link}`);
    if (smsLength(sms).segments === 1) return sms;
  }
  // Nothing fits in one SMS (very long names, or a reason that must be said): it goes as several.
  return sms;
}

// ---- SMS alphabet ----

// GSM 03.38: a text made only of these characters fits 160 per SMS; one other character
// (a typographic apostrophe, "ê") switches the whole SMS to UCS-2 and 70 characters.
const gsmBasic = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const gsmExtension = new Set('^{}\\[~]|€\f');

const smsReplacements: Array<[RegExp, string]> = [
  [/[\u2018\u2019\u02bc]/g, "'"],
  [/\u00ab[\s\u00a0\u202f]?|[\s\u00a0\u202f]?\u00bb|[\u201c\u201d]/g, '"'],
  [/[\u2013\u2014]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00a0\u202f\u2009]/g, ' '],
  [/œ/g, 'oe'],
  [/Œ/g, 'OE'],
  [/×/g, 'x'],
];

/**
 * The text in the GSM alphabet where it can be: typographic signs become plain ones and
 * accents the alphabet lacks are dropped ("ê" → "e"), as French SMS senders usually do. A
 * character with no plain equivalent is kept (the SMS then goes as UCS-2) rather than lost.
 */
export function toSmsText(text: string): string {
  let plain = text;
  for (const [pattern, replacement] of smsReplacements) plain = plain.replace(pattern, replacement);
  return [...plain]
    .map((char) => {
      if (gsmBasic.has(char) || gsmExtension.has(char)) return char;
      const stripped = char.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      return [...stripped].every((c) => gsmBasic.has(c)) ? stripped : char;
    })
    .join('');
}

/** How an SMS is encoded and how many it takes (160 GSM characters or 70 UCS-2 ones per SMS). */
export function smsLength(text: string): { encoding: 'gsm7' | 'ucs2'; units: number; segments: number } {
  const chars = [...text];
  if (chars.every((char) => gsmBasic.has(char) || gsmExtension.has(char))) {
    const units = chars.reduce((sum, char) => sum + (gsmExtension.has(char) ? 2 : 1), 0);
    return { encoding: 'gsm7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'ucs2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
