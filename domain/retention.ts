import type { Localized } from './locale.ts';

/**
 * How long the product keeps each kind of personal data, in months, and what happens when the
 * time is up. These are the product's defaults (a garden's own rules may come later): the
 * register of processing activities (`processing-register.ts`) prints them, and the retention
 * schedules apply them. Changing a period here changes both.
 */
export const retention = {
  /** A member with no subscription, invoice or login for 3 years is anonymised (CNIL's rule for customers). */
  inactiveMember: { months: 36, after: 'last-activity', then: 'anonymise' },
  /** Invoices and payments: 10 years from the end of the financial year (Code de commerce, L123-22). */
  invoicesAndPayments: { months: 120, after: 'financial-year-end', then: 'delete' },
  /** Depot signing sheets (émargement): one year, enough to settle a disputed basket. */
  signingSheets: { months: 12, after: 'delivery', then: 'delete' },
  /** The log of emails and SMS sent to members: one year. */
  notificationLog: { months: 12, after: 'sending', then: 'delete' },
  /** Delivery rounds (stops, addresses, driver's marks): one year after the round. */
  deliveryRounds: { months: 12, after: 'delivery', then: 'delete' },
  /** Proof of consent and accepted terms: 5 years after the member leaves (limitation period, Code civil 2224). */
  consentProofs: { months: 60, after: 'end-of-relationship', then: 'delete' },
  /** The staff action log (who changed what, from where): one year. */
  staffActionLog: { months: 12, after: 'action', then: 'delete' },
  /** Staff, driver and admin accounts: disabled when they leave, deleted 3 months later. */
  staffAccounts: { months: 3, after: 'account-disabled', then: 'delete' },
} as const satisfies Record<string, RetentionRule>;

export interface RetentionRule {
  months: number;
  after: RetentionStart;
  then: 'anonymise' | 'delete';
}

export type RetentionStart =
  | 'last-activity'
  | 'financial-year-end'
  | 'delivery'
  | 'sending'
  | 'end-of-relationship'
  | 'action'
  | 'account-disabled';

export type RetentionKind = keyof typeof retention;

const startWords: Record<RetentionStart, Localized> = {
  'last-activity': { fr: 'après la dernière activité', en: 'after the last activity' },
  'financial-year-end': { fr: 'après la clôture de l’exercice', en: 'after the end of the financial year' },
  delivery: { fr: 'après la livraison', en: 'after the delivery' },
  sending: { fr: 'après l’envoi', en: 'after sending' },
  'end-of-relationship': { fr: 'après la fin de la relation', en: 'after the relationship ends' },
  action: { fr: 'après l’action', en: 'after the action' },
  'account-disabled': { fr: 'après la désactivation du compte', en: 'after the account is disabled' },
};

/** « 3 ans après la dernière activité, puis anonymisation »: a rule in words. */
export function retentionText(rule: RetentionRule, locale: 'fr' | 'en'): string {
  const years = rule.months % 12 === 0 ? rule.months / 12 : undefined;
  const span =
    locale === 'fr'
      ? years !== undefined
        ? `${years} an${years > 1 ? 's' : ''}`
        : `${rule.months} mois`
      : years !== undefined
        ? `${years} year${years > 1 ? 's' : ''}`
        : `${rule.months} month${rule.months > 1 ? 's' : ''}`;
  const then =
    rule.then === 'anonymise'
      ? { fr: 'puis anonymisation', en: 'then anonymised' }
      : { fr: 'puis suppression', en: 'then deleted' };
  return `${span} ${startWords[rule.after][locale]}, ${then[locale]}`;
}
