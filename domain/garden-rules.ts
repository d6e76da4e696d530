import Type from 'typebox';
import type { Localized } from './locale.ts';

/**
 * How a garden runs its subscriptions. Each garden sets its own; these are the defaults a new
 * garden starts with.
 */
export const GardenRulesInput = Type.Object(
  {
    /** Absences a member may report per season. */
    maxAbsencesPerSeason: Type.Integer({ minimum: 0, maximum: 52 }),
    /**
     * What becomes of an absent member's basket: given away, made up for with an extra basket,
     * or credited (its price taken off the member's next invoice). Each absence keeps the
     * outcome it was noted with (`Absence.outcome`); this rule is for the absences to come.
     */
    absencePolicy: Type.Enum(['donated', 'compensated', 'credited']),
    /** Days between an online cancellation and the day it takes effect. */
    cancellationNoticeDays: Type.Integer({ minimum: 0, maximum: 90 }),
    /** Season subscriptions end with the season unless renewed; rolling ones go on. */
    renewal: Type.Enum(['season', 'rolling']),
    /** Days before the end of a season subscription when the member is reminded to renew. */
    renewalReminderDays: Type.Integer({ minimum: 1, maximum: 90 }),
    /** Days before a pause ends when the member is reminded that deliveries resume. */
    resumeReminderDays: Type.Integer({ minimum: 1, maximum: 30 }),
    /** New applications for a full depot go on a waiting list instead of being refused. */
    waitingList: Type.Boolean(),
    /** Hour (garden time) of the reminder sent the day before each delivery; none when absent. */
    dayBeforeReminderHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
    /** When next week's baskets are prepared: ISO weekday (1 = Monday) and hour, garden time. */
    weekPreparationDay: Type.Integer({ minimum: 1, maximum: 7 }),
    weekPreparationHour: Type.Integer({ minimum: 0, maximum: 23 }),
    /**
     * Staff may read the journals (what happened to a member, a subscription, an invoice…, from
     * the processes' histories); garden administrators always may. Absent on rules stored before
     * it existed, and from forms that do not show it: false.
     */
    journalForStaff: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type GardenRulesInput = Type.Static<typeof GardenRulesInput>;

export const GardenRules = Type.Object({ ...GardenRulesInput.properties, version: Type.Integer() });
export type GardenRules = Type.Static<typeof GardenRules>;

export const defaultGardenRules: GardenRules = {
  maxAbsencesPerSeason: 4,
  absencePolicy: 'donated',
  cancellationNoticeDays: 14,
  renewal: 'season',
  renewalReminderDays: 21,
  resumeReminderDays: 3,
  waitingList: true,
  dayBeforeReminderHour: 17,
  weekPreparationDay: 4,
  weekPreparationHour: 8,
  journalForStaff: false,
  version: 0,
};

/** Whether the garden lets its staff read the journals (rules stored before the rule: no). */
export function journalOpenToStaff(rules: Pick<GardenRulesInput, 'journalForStaff'>): boolean {
  return rules.journalForStaff === true;
}

/** The rule `journalForStaff` as the garden's settings form names it. */
export const journalForStaffLabel: Localized = {
  fr: "L'équipe peut consulter les journaux (historique des adhérents, abonnements, factures…)",
  en: 'Staff may read the journals (history of members, subscriptions, invoices…)',
};

export const absencePolicyLabels: Readonly<Record<GardenRules['absencePolicy'], Localized>> = {
  donated: {
    fr: 'Le panier d’un adhérent absent est donné à une association partenaire.',
    en: "An absent member's basket is given to a partner charity.",
  },
  compensated: {
    fr: 'Le panier d’un adhérent absent est ajouté à sa livraison suivante.',
    en: "An absent member's basket is added to their next delivery.",
  },
  credited: {
    fr: 'Le panier d’un adhérent absent lui est crédité : son prix est déduit de sa prochaine facture.',
    en: "An absent member's basket is credited: its price is taken off their next invoice.",
  },
};
