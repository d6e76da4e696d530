import type { Localized } from './locale.ts';
import { ownValue } from './records.ts';

/** How a household pays online: a saved card or a SEPA Direct Debit mandate. */
export type PaymentMethodKind = 'card' | 'sepa';

/** Why a charge failed, as members read it, and whether they have something to do about it. */
export interface PaymentFailure {
  /** Stripe's decline or failure code, as received (`generic` when there was none). */
  code: string;
  reason: Localized;
  /**
   * True when only the member can fix it (another card, a new mandate, money on the account);
   * false when trying again later may be enough (a technical error at the bank or at Stripe).
   */
  memberMustAct: boolean;
}

interface Explanation {
  card?: Localized;
  sepa?: Localized;
  /** For both kinds, or when the kind is not known. */
  any: Localized;
  memberMustAct: boolean;
}

const otherCard = {
  fr: 'Contactez votre banque, ou enregistrez une autre carte depuis votre espace adhérent.',
  en: 'Contact your bank, or save another card from your member area.',
};

const genericDecline: Explanation = {
  card: {
    fr: `Votre banque a refusé le paiement par carte sans en donner la raison. ${otherCard.fr}`,
    en: `Your bank declined the card payment without giving a reason. ${otherCard.en}`,
  },
  sepa: {
    fr: 'Votre banque a rejeté le prélèvement sans en donner la raison. Contactez-la, ou enregistrez un autre compte (IBAN) depuis votre espace adhérent.',
    en: 'Your bank rejected the direct debit without giving a reason. Contact your bank, or save another account (IBAN) from your member area.',
  },
  any: {
    fr: "Le paiement n'a pas abouti. Vérifiez votre moyen de paiement depuis votre espace adhérent, ou contactez votre banque.",
    en: 'The payment did not go through. Check your means of payment in your member area, or contact your bank.',
  },
  memberMustAct: true,
};

const processingError: Explanation = {
  any: {
    fr: "Une erreur technique est survenue pendant le paiement, chez la banque ou le prestataire de paiement : votre moyen de paiement n'est pas en cause.",
    en: 'A technical error occurred during the payment, at the bank or the payment provider: your means of payment is not at fault.',
  },
  memberMustAct: false,
};

const closedAccount: Explanation = {
  any: {
    fr: 'Le compte bancaire du mandat de prélèvement est clos ou bloqué. Enregistrez un autre compte (IBAN) depuis votre espace adhérent.',
    en: 'The bank account of the direct debit mandate is closed or blocked. Save another account (IBAN) from your member area.',
  },
  memberMustAct: true,
};

const unknownAccount: Explanation = {
  any: {
    fr: "Votre banque ne trouve pas le compte du mandat de prélèvement. Vérifiez l'IBAN, ou enregistrez-en un autre depuis votre espace adhérent.",
    en: "Your bank cannot find the direct debit mandate's account. Check the IBAN, or save another one from your member area.",
  },
  memberMustAct: true,
};

/**
 * Whether the payment is tried again is the message's to say (it knows the schedule), never the
 * reason's.
 *
 * Stripe's common decline codes (cards) and failure codes (SEPA Direct Debit). Codes that
 * reveal a suspicion of fraud (lost or stolen card, fraudulent) get the generic answer, as
 * Stripe advises: the member hears it from their bank.
 */
const explanations: Readonly<Record<string, Explanation>> = {
  insufficient_funds: {
    card: {
      fr: `Votre banque a refusé le paiement : le solde ou le plafond de votre carte ne suffisait pas. Vous pouvez aussi enregistrer une autre carte depuis votre espace adhérent.`,
      en: 'Your bank declined the payment: the balance or limit of your card was not enough. You may also save another card from your member area.',
    },
    sepa: {
      fr: "Le prélèvement a été rejeté : le compte n'était pas suffisamment approvisionné. Pensez à l'approvisionner.",
      en: 'The direct debit was rejected: there was not enough money on the account. Please top it up.',
    },
    any: {
      fr: 'Le paiement a été refusé : le solde de votre compte ou le plafond de votre carte ne suffisait pas.',
      en: 'The payment was declined: the balance of your account or the limit of your card was not enough.',
    },
    memberMustAct: true,
  },
  card_declined: genericDecline,
  generic_decline: genericDecline,
  do_not_honor: genericDecline,
  lost_card: genericDecline,
  stolen_card: genericDecline,
  pickup_card: genericDecline,
  fraudulent: genericDecline,
  restricted_card: genericDecline,
  transaction_not_allowed: genericDecline,
  generic: genericDecline,
  payment_failed: genericDecline,
  expired_card: {
    any: {
      fr: 'Votre carte a expiré. Enregistrez votre nouvelle carte depuis votre espace adhérent.',
      en: 'Your card has expired. Save your new card from your member area.',
    },
    memberMustAct: true,
  },
  authentication_required: {
    any: {
      fr: 'Votre banque demande que vous confirmiez vous-même ce paiement (3-D Secure), ce qui ne peut pas se faire en votre absence. Enregistrez à nouveau votre carte depuis votre espace adhérent en la confirmant auprès de votre banque.',
      en: 'Your bank wants you to confirm this payment yourself (3-D Secure), which cannot be done in your absence. Save your card again from your member area, confirming it with your bank.',
    },
    memberMustAct: true,
  },
  incorrect_cvc: {
    any: {
      fr: 'Le code de sécurité (cryptogramme) de votre carte a été refusé. Enregistrez à nouveau votre carte depuis votre espace adhérent.',
      en: "Your card's security code (CVC) was refused. Save your card again from your member area.",
    },
    memberMustAct: true,
  },
  processing_error: processingError,
  try_again_later: processingError,
  account_closed: closedAccount,
  account_frozen: closedAccount,
  bank_account_restricted: closedAccount,
  no_account: unknownAccount,
  invalid_account_number: unknownAccount,
  debit_not_authorized: {
    any: {
      fr: "Votre banque a refusé le prélèvement : le mandat n'est pas autorisé sur ce compte, ou il a été révoqué. Contactez votre banque, ou signez un nouveau mandat depuis votre espace adhérent.",
      en: 'Your bank refused the direct debit: the mandate is not authorised on this account, or it was revoked. Contact your bank, or sign a new mandate from your member area.',
    },
    memberMustAct: true,
  },
};

/** Why a charge failed and what the member can do, from Stripe's code (decline code first). */
export function paymentFailure(code: string | undefined, kind?: PaymentMethodKind): PaymentFailure {
  const known = code ? ownValue(explanations, code) : undefined;
  const explanation = known ?? genericDecline;
  const reason = (kind ? explanation[kind] : undefined) ?? explanation.any;
  return { code: code || 'generic', reason, memberMustAct: explanation.memberMustAct };
}

/** The reason a charge failed, in plain French and English, for the member's notice. */
export function declineReason(code: string | undefined, kind?: PaymentMethodKind): Localized {
  return paymentFailure(code, kind).reason;
}
