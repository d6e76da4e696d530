import Type from 'typebox';
import { Act } from './actor.ts';
import { addDays, isIsoDate, isoDatePattern, type IsoDate } from './calendar.ts';
import { entityIdPattern } from './ids.ts';
import type { Localized } from './locale.ts';

export const basketSizes = ['small', 'medium', 'large'] as const;
export type BasketSize = (typeof basketSizes)[number];

export const basketSizeLabels: Readonly<Record<BasketSize, Localized>> = {
  small: { fr: 'Petit panier', en: 'Small basket' },
  medium: { fr: 'Panier moyen', en: 'Medium basket' },
  large: { fr: 'Grand panier', en: 'Large basket' },
};

export const frequencies = ['weekly', 'fortnightly'] as const;
export type Frequency = (typeof frequencies)[number];

export const frequencyLabels: Readonly<Record<Frequency, Localized>> = {
  weekly: { fr: 'Chaque semaine', en: 'Every week' },
  fortnightly: { fr: 'Une semaine sur deux', en: 'Every other week' },
};

/**
 * Where a subscription stands. `pending` waits for a staff decision; `active` receives
 * baskets; `rejected` was refused at application. Later stages of the lifecycle (pause,
 * cancellation, end of season) extend this list.
 */
export const subscriptionStatuses = ['pending', 'active', 'rejected', 'cancelled', 'ended'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const subscriptionStatusLabels: Readonly<Record<SubscriptionStatus, Localized>> = {
  pending: { fr: 'En attente de validation', en: 'Awaiting approval' },
  active: { fr: 'Actif', en: 'Active' },
  rejected: { fr: 'Refusé', en: 'Rejected' },
  cancelled: { fr: 'Résilié', en: 'Cancelled' },
  ended: { fr: 'Terminé', en: 'Ended' },
};

/** An application for a subscription, as typed by staff or the member. */
export const SubscriptionRequest = Type.Object(
  {
    memberId: Type.String({ pattern: entityIdPattern }),
    basketSize: Type.Enum([...basketSizes]),
    frequency: Type.Enum([...frequencies]),
    depotId: Type.String({ pattern: entityIdPattern }),
    startDate: Type.String({ pattern: isoDatePattern }),
  },
  { additionalProperties: false },
);
export type SubscriptionRequest = Type.Static<typeof SubscriptionRequest>;

export const SubscriptionDecisionInput = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject']),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type SubscriptionDecisionInput = Type.Static<typeof SubscriptionDecisionInput>;

export const SubscriptionDecision = Type.Object({
  ...Act.properties,
  outcome: Type.Enum(['approved', 'rejected']),
  reason: Type.Optional(Type.String()),
});
export type SubscriptionDecision = Type.Static<typeof SubscriptionDecision>;

export const Subscription = Type.Object({
  id: Type.String(),
  gardenId: Type.String(),
  memberId: Type.String(),
  basketSize: Type.Enum([...basketSizes]),
  frequency: Type.Enum([...frequencies]),
  depotId: Type.String(),
  startDate: Type.String(),
  status: Type.Enum([...subscriptionStatuses]),
  requested: Act,
  decision: Type.Optional(SubscriptionDecision),
  updatedAt: Type.String(),
  /** Grows with every change the subscription's workflow records; older writes never win. */
  revision: Type.Integer(),
});
export type Subscription = Type.Static<typeof Subscription>;

/**
 * A subscription is identified by its business key: a member starts at most one
 * subscription on a given day. The same application sent twice is the same subscription.
 */
export function subscriptionId(memberId: string, startDate: IsoDate): string {
  return `${memberId}.${startDate}`;
}

/** Why a request cannot be accepted as it is, or undefined when it can. */
export function subscriptionRequestRefusal(
  request: SubscriptionRequest,
  today: IsoDate,
): Localized | undefined {
  if (!isIsoDate(request.startDate)) {
    return { fr: "La date de début n'existe pas dans le calendrier.", en: 'The start date does not exist.' };
  }
  if (request.startDate < today) {
    return {
      fr: 'La date de début ne peut pas être dans le passé.',
      en: 'The start date cannot be in the past.',
    };
  }
  if (request.startDate > addDays(today, 550)) {
    return {
      fr: 'La date de début est trop lointaine (au plus 18 mois).',
      en: 'The start date is too far ahead (18 months at most).',
    };
  }
  return undefined;
}

/** Why a staff decision cannot be taken now, or undefined when it can. */
export function decisionRefusal(
  status: SubscriptionStatus,
  alreadyDecided: boolean,
  input: SubscriptionDecisionInput,
): Localized | undefined {
  if (status !== 'pending' || alreadyDecided) {
    const label = subscriptionStatusLabels[status];
    return {
      fr: `Cet abonnement n'attend plus de décision (statut : ${label.fr.toLowerCase()}).`,
      en: `This subscription no longer awaits a decision (status: ${label.en.toLowerCase()}).`,
    };
  }
  if (input.decision === 'reject' && (input.reason ?? '').trim().length < 3) {
    return {
      fr: 'Indiquez le motif du refus : il sera communiqué à l’adhérent.',
      en: 'Give the reason for the rejection: the member will be told.',
    };
  }
  return undefined;
}
