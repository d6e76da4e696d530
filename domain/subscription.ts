import Type from 'typebox';
import { Act } from './actor.ts';
import { addDays, CalendarDay, isIsoDate, type IsoDate } from './calendar.ts';
import { DepotId, MemberId } from './ids.ts';
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
 * Where a subscription stands. `pending` waits for a staff decision (`waitlisted` too, until a
 * place frees up at the depot); `active` receives baskets; `paused` receives none until a set
 * day; `rejected` was refused at application; `cancelled` was ended early by the member or
 * staff; `ended` reached the end of its season without renewal.
 */
export const subscriptionStatuses = [
  'pending',
  'waitlisted',
  'active',
  'paused',
  'rejected',
  'cancelled',
  'ended',
] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const subscriptionStatusLabels: Readonly<Record<SubscriptionStatus, Localized>> = {
  pending: { fr: 'En attente de validation', en: 'Awaiting approval' },
  waitlisted: { fr: "Sur liste d'attente", en: 'On the waiting list' },
  active: { fr: 'Actif', en: 'Active' },
  paused: { fr: 'En pause', en: 'Paused' },
  rejected: { fr: 'Refusé', en: 'Rejected' },
  cancelled: { fr: 'Résilié', en: 'Cancelled' },
  ended: { fr: 'Terminé', en: 'Ended' },
};

/** Statuses after which nothing more happens to a subscription. */
export const finalStatuses: readonly SubscriptionStatus[] = ['rejected', 'cancelled', 'ended'];

/** An application for a subscription, as typed by staff or the member. */
export const SubscriptionRequest = Type.Object(
  {
    memberId: MemberId,
    basketSize: Type.Enum([...basketSizes]),
    frequency: Type.Enum([...frequencies]),
    depotId: DepotId,
    startDate: CalendarDay,
  },
  { additionalProperties: false },
);
export type SubscriptionRequest = Type.Static<typeof SubscriptionRequest>;

/**
 * Answers to the extra fields of the garden's sign-up-checks extension, by field key, as the
 * server accepted them with the application (only the fields the extension declared).
 */
export const SignUpAnswers = Type.Record(
  Type.String({ pattern: '^[a-z][a-zA-Z0-9]{0,39}$' }),
  Type.Union([
    Type.String({ maxLength: 200 }),
    Type.Number({ minimum: -1_000_000_000, maximum: 1_000_000_000 }),
    Type.Boolean(),
  ]),
  { maxProperties: 20 },
);
export type SignUpAnswers = Type.Static<typeof SignUpAnswers>;

/**
 * The tier and price proposed for a household when it applied (the garden's solidarity-price
 * extension, or the built-in behaviour): a proposal staff see; only staff give a tier.
 */
export const SolidarityProposal = Type.Object({
  /** One of the garden's tiers, or null: full price. */
  tierId: Type.Union([Type.String(), Type.Null()]),
  /** One basket of the size asked, in cents. */
  basketPrice: Type.Integer({ minimum: 0 }),
  reason: Type.Object({ fr: Type.String(), en: Type.String() }),
  /** The quotient familial the household gave with its application, in euros a month. */
  quotientFamilial: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Who proposed it: the extension (named), or the built-in behaviour. */
  source: Type.Enum(['extension', 'built-in']),
  extension: Type.Optional(Type.Object({ name: Type.String(), version: Type.String() })),
  /** Why the extension's own answer was not used (the built-in behaviour answered instead). */
  failure: Type.Optional(Type.Object({ kind: Type.String(), message: Type.String() })),
});
export type SolidarityProposal = Type.Static<typeof SolidarityProposal>;

export const SubscriptionDecisionInput = Type.Object(
  {
    decision: Type.Enum(['approve', 'reject', 'waitlist']),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type SubscriptionDecisionInput = Type.Static<typeof SubscriptionDecisionInput>;

export const SubscriptionDecision = Type.Object({
  ...Act.properties,
  outcome: Type.Enum(['approved', 'rejected', 'waitlisted']),
  reason: Type.Optional(Type.String()),
});
export type SubscriptionDecision = Type.Static<typeof SubscriptionDecision>;

/** A change of depot or basket size, effective from a delivery day on. */
export const TermsChange = Type.Object({
  effectiveFrom: Type.String(),
  depotId: Type.Optional(Type.String()),
  basketSize: Type.Optional(Type.Enum([...basketSizes])),
  requested: Act,
});
export type TermsChange = Type.Static<typeof TermsChange>;

/** What becomes of an absent member's basket (`absencePolicyLabels` say each in words). */
export const absenceOutcomes = ['donated', 'compensated', 'credited'] as const;
export type AbsenceOutcome = (typeof absenceOutcomes)[number];

export const absenceOutcomeLabels: Readonly<Record<AbsenceOutcome, Localized>> = {
  donated: { fr: 'donné', en: 'donated' },
  compensated: { fr: 'compensé', en: 'made up for' },
  credited: { fr: 'crédité', en: 'credited' },
};

export const Absence = Type.Object({
  date: Type.String(),
  reported: Act,
  /**
   * What becomes of the basket, fixed when the absence was noted: the garden's absence-policy
   * extension's decision for that day, or the garden's rule then. Absences noted before it
   * was kept have none: the garden's rule (`absenceOutcomeOf`).
   */
  outcome: Type.Optional(Type.Enum([...absenceOutcomes])),
});
export type Absence = Type.Static<typeof Absence>;

/** An absence's outcome: its own, or the garden's rule for an absence noted before outcomes were kept. */
export function absenceOutcomeOf(
  absence: Pick<Absence, 'outcome'>,
  gardenPolicy: AbsenceOutcome,
): AbsenceOutcome {
  return absence.outcome ?? gardenPolicy;
}

/** An absence the member (or staff) took back before the cutoff: the basket is delivered after all. */
export const WithdrawnAbsence = Type.Object({ date: Type.String(), reported: Act, withdrawn: Act });
export type WithdrawnAbsence = Type.Static<typeof WithdrawnAbsence>;

/** No deliveries from `from` until the day before `until`; deliveries resume on `until`. */
export const Pause = Type.Object({ from: Type.String(), until: Type.String(), requested: Act });
export type Pause = Type.Static<typeof Pause>;

/**
 * No deliveries from `from` while invoices stay unpaid (a staff decision, with its reason);
 * deliveries resume when the last of them is settled.
 */
export const Suspension = Type.Object({
  from: Type.String(),
  invoiceNumbers: Type.Array(Type.Integer()),
  decided: Act,
  reason: Type.String(),
});
export type Suspension = Type.Static<typeof Suspension>;

export const Cancellation = Type.Object({
  ...Act.properties,
  origin: Type.Enum(['member', 'staff']),
  reason: Type.Optional(Type.String()),
  /** The last day the subscription runs: deliveries up to and including it still happen. */
  effectiveDate: Type.String(),
});
export type Cancellation = Type.Static<typeof Cancellation>;

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
  /** Answers to the garden's extra sign-up fields, kept with an application made online. */
  signUpAnswers: Type.Optional(SignUpAnswers),
  /** The solidarity tier proposed when the household applied online (staff decide). */
  solidarityProposal: Type.Optional(SolidarityProposal),
  decision: Type.Optional(SubscriptionDecision),
  /** Depot and basket changes, oldest first. */
  changes: Type.Optional(Type.Array(TermsChange)),
  absences: Type.Optional(Type.Array(Absence)),
  /** Absences taken back before their cutoff, oldest first (for staff to see). */
  withdrawnAbsences: Type.Optional(Type.Array(WithdrawnAbsence)),
  pause: Type.Optional(Pause),
  /** Pauses asked in the season of the latest one (a member may take a few per season). */
  pausesInSeason: Type.Optional(Type.Object({ seasonId: Type.String(), count: Type.Integer() })),
  suspension: Type.Optional(Suspension),
  /** Last day deliveries may happen (inclusive): the season's end, or a cancellation's date. */
  endDate: Type.Optional(Type.String()),
  /** The season a season subscription runs in (absent for rolling subscriptions). */
  seasonId: Type.Optional(Type.String()),
  cancellation: Type.Optional(Cancellation),
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

/** An application staff have not accepted yet: new, or on the waiting list. */
export function awaitsDecision(status: SubscriptionStatus): boolean {
  return status === 'pending' || status === 'waitlisted';
}

/**
 * Why a staff decision cannot be taken now, or undefined when it can. `deciding` is true while
 * another decision is being applied.
 */
export function decisionRefusal(
  status: SubscriptionStatus,
  alreadyDecided: boolean,
  input: SubscriptionDecisionInput,
): Localized | undefined {
  if (!awaitsDecision(status) || alreadyDecided) {
    const label = subscriptionStatusLabels[status];
    return {
      fr: `Cet abonnement n'attend plus de décision (statut : ${label.fr.toLowerCase()}).`,
      en: `This subscription no longer awaits a decision (status: ${label.en.toLowerCase()}).`,
    };
  }
  if (input.decision === 'waitlist' && status === 'waitlisted') {
    return {
      fr: "Cet abonnement est déjà sur liste d'attente.",
      en: 'This subscription is already on the waiting list.',
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
