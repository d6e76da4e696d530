import { describe, expect, it } from 'vitest';
import { locales } from './locale.ts';
import { declineReason, paymentFailure } from './payment-failures.ts';

// card_declined is Stripe's generic decline: it gets the generic answer (tested below).
const cardCodes = [
  'insufficient_funds',
  'expired_card',
  'authentication_required',
  'incorrect_cvc',
  'processing_error',
];
const sepaCodes = ['insufficient_funds', 'account_closed', 'no_account', 'debit_not_authorized'];

describe('why a payment failed, for the member', () => {
  it('explains every common card and SEPA code in French and English, each differently', () => {
    const seen = new Set<string>();
    for (const [kind, codes] of [
      ['card', cardCodes],
      ['sepa', sepaCodes],
    ] as const) {
      for (const code of codes) {
        const reason = declineReason(code, kind);
        for (const locale of locales) {
          expect(reason[locale].length, `${kind} ${code} ${locale}`).toBeGreaterThan(30);
          expect(reason[locale]).not.toMatch(/_/); // never Stripe's code itself
        }
        expect(reason).not.toEqual(declineReason('generic', kind));
        seen.add(reason.fr);
      }
    }
    expect(seen.size).toBe(cardCodes.length + sepaCodes.length);
  });

  it('says in plain words what happened and what to do', () => {
    expect(declineReason('insufficient_funds', 'card').fr).toContain('le solde ou le plafond de votre carte');
    expect(declineReason('insufficient_funds', 'sepa').fr).toContain(
      "le compte n'était pas suffisamment approvisionné",
    );
    expect(declineReason('expired_card').fr).toBe(
      'Votre carte a expiré. Enregistrez votre nouvelle carte depuis votre espace adhérent.',
    );
    expect(declineReason('expired_card').en).toBe(
      'Your card has expired. Save your new card from your member area.',
    );
    expect(declineReason('account_closed', 'sepa').fr).toContain('Enregistrez un autre compte (IBAN)');
    expect(declineReason('debit_not_authorized', 'sepa').en).toContain('mandate');
    expect(declineReason('authentication_required', 'card').fr).toContain('3-D Secure');
  });

  it('gives the generic answer to unknown codes, to no code, and to codes that hint at fraud', () => {
    const generic = declineReason('generic', 'card');
    expect(declineReason(undefined, 'card')).toEqual(generic);
    expect(declineReason('some_new_code_from_stripe', 'card')).toEqual(generic);
    expect(declineReason('stolen_card', 'card')).toEqual(generic);
    expect(declineReason('fraudulent', 'card')).toEqual(generic);
    expect(declineReason('card_declined', 'card')).toEqual(generic);
    expect(generic.fr).toContain('sans en donner la raison');
    expect(declineReason(undefined, 'sepa').fr).toContain('prélèvement');
    expect(declineReason(undefined).fr).toContain("Le paiement n'a pas abouti");
  });

  it('tells apart failures only the member can fix from technical ones a retry may solve', () => {
    expect(paymentFailure('processing_error', 'card')).toMatchObject({
      code: 'processing_error',
      memberMustAct: false,
    });
    expect(paymentFailure('processing_error').reason.fr).toContain(
      "votre moyen de paiement n'est pas en cause",
    );
    // Whether a retry follows is the message's to say: no reason promises one.
    for (const code of ['processing_error', 'insufficient_funds', 'card_declined', 'account_closed'])
      for (const kind of ['card', 'sepa', undefined] as const)
        expect(paymentFailure(code, kind).reason.fr, `${code} ${kind}`).not.toMatch(
          /réessaierons|rien à faire/,
        );
    for (const code of ['insufficient_funds', 'expired_card', 'account_closed', 'card_declined']) {
      expect(paymentFailure(code).memberMustAct, code).toBe(true);
    }
    expect(paymentFailure(undefined).code).toBe('generic');
  });

  it('uses the wording for both kinds when the kind is not known', () => {
    expect(declineReason('insufficient_funds').fr).toContain('Le paiement a été refusé');
    expect(declineReason('incorrect_cvc', 'sepa')).toEqual(declineReason('incorrect_cvc', 'card'));
  });
});
