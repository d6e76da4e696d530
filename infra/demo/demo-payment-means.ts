import type { BillingProfile } from '../../domain/pricing.ts';

/**
 * Which demo households have a card or SEPA mandate saved, as if they had gone through Stripe's
 * form: one in three (numbers 2, 5, 8…), most of them by SEPA direct debit as in a real garden,
 * so the billing page shows both « Prélèvement prévu le … » and the wording for those who pay
 * by hand. The demo member (number 1) has none: the portal shows how to pay without a card.
 * Nothing here reaches Stripe: the ids are the demo's own.
 */
export function demoPaymentMeans(
  memberId: string,
): Required<Pick<BillingProfile, 'stripeCustomerId' | 'paymentMethod'>> | undefined {
  const number = Number(/-(\d+)$/.exec(memberId)?.[1]);
  if (!Number.isInteger(number) || number % 3 !== 2) return undefined;
  const suffix = memberId.replace(/[^A-Za-z0-9]/g, '');
  const nth = (number - 2) / 3;
  const digits = String(1000 + ((number * 7919) % 9000)).slice(-4);
  const paymentMethod: BillingProfile['paymentMethod'] =
    nth % 3 === 2
      ? {
          id: `pm_demo_card_${suffix}`,
          kind: 'card',
          label: nth % 2 === 0 ? 'Visa •••• 4242' : 'Mastercard •••• 4444',
        }
      : { id: `pm_demo_sepa_${suffix}`, kind: 'sepa', label: `IBAN FR •••• ${digits}` };
  return { stripeCustomerId: `cus_demo_${suffix}`, paymentMethod };
}
