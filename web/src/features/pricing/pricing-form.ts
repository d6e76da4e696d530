import { Value } from 'typebox/value';
import { pricingRefusal } from '../../../../domain/billing-views.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { parseEuros } from '../../../../domain/money.ts';
import { PricingInput, type Pricing } from '../../../../domain/pricing.ts';
import { basketSizes, type BasketSize } from '../../../../domain/subscription.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { eurosText } from '../billing/payment-form.ts';

/** A solidarity tier as typed: prices in euros as text. A new tier has no code yet. */
export interface TierFormModel {
  id: string;
  label: string;
  prices: Record<BasketSize, string>;
}

/** The pricing form: amounts in euros as typed ("12,50"), numbers as text. */
export interface PricingFormModel {
  basketPrices: Record<BasketSize, string>;
  tiers: TierFormModel[];
  membershipFee: string;
  billing: 'monthly' | 'season';
  installments: string;
  /** "3, 7, 14". */
  retryDays: string;
  paymentTermDays: string;
  legalName: string;
  legalAddress: string;
  siret: string;
  vatNote: string;
}

const pricesText = (prices: Record<BasketSize, number>): Record<BasketSize, string> => ({
  small: eurosText(prices.small),
  medium: eurosText(prices.medium),
  large: eurosText(prices.large),
});

export function pricingFormOf(pricing: Pricing): PricingFormModel {
  return {
    basketPrices: pricesText(pricing.basketPrices),
    tiers: pricing.solidarityTiers.map((tier) => ({
      id: tier.id,
      label: tier.label,
      prices: pricesText(tier.prices),
    })),
    membershipFee: eurosText(pricing.membershipFee),
    billing: pricing.billing,
    installments: String(pricing.installments),
    retryDays: pricing.retryDays.join(', '),
    paymentTermDays: String(pricing.paymentTermDays),
    legalName: pricing.legal.name,
    legalAddress: pricing.legal.address,
    siret: pricing.legal.siret,
    vatNote: pricing.legal.vatNote,
  };
}

export function emptyTier(): TierFormModel {
  return { id: '', label: '', prices: { small: '', medium: '', large: '' } };
}

/** A tier's code from its name: "Tarif étudiant" → "tarif-etudiant", unique among the others. */
export function tierCode(label: string, taken: ReadonlySet<string>): string {
  const base =
    label
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 34) || 'tarif';
  let code = base;
  for (let index = 2; taken.has(code); index++) code = `${base}-${index}`;
  return code;
}

const say = (locale: Locale, fr: string, en: string) => (locale === 'fr' ? fr : en);

/**
 * Checks the form and builds what the API takes, with one sentence per refused field (named
 * as the form names it: `small`, `tier-0-label`, `retryDays`…).
 */
export function checkPricingForm(
  form: PricingFormModel,
  locale: Locale,
  labels: Readonly<Record<string, string>>,
): { ok: true; input: PricingInput } | { ok: false; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const label = (field: string) => labels[field] ?? field;

  function money(field: string, text: string): number {
    const amount = parseEuros(text);
    if (text.trim() === '') {
      issues.push({
        field,
        message: say(locale, `« ${label(field)} » est obligatoire.`, `« ${label(field)} » is required.`),
      });
    } else if (amount === undefined || amount < 0) {
      issues.push({
        field,
        message: say(
          locale,
          `« ${label(field)} » : « ${text.trim()} » n'est pas un montant (écrivez par exemple 12,50).`,
          `« ${label(field)} »: "${text.trim()}" is not an amount (write for example 12.50).`,
        ),
      });
    } else if (amount > 1_000_000) {
      issues.push({
        field,
        message: say(
          locale,
          `« ${label(field)} » ne peut pas dépasser 10 000 €.`,
          `« ${label(field)} » cannot be more than €10,000.`,
        ),
      });
    }
    return amount ?? 0;
  }

  function whole(field: string, text: string, min: number, max: number): number {
    const trimmed = String(text).trim();
    const value = Number(trimmed);
    if (!/^\d+$/.test(trimmed) || value < min || value > max) {
      issues.push({
        field,
        message: say(
          locale,
          `« ${label(field)} » : un nombre entier de ${min} à ${max}.`,
          `« ${label(field)} »: a whole number from ${min} to ${max}.`,
        ),
      });
    }
    return value;
  }

  const prices = (field: (size: BasketSize) => string, typed: Record<BasketSize, string>) =>
    Object.fromEntries(basketSizes.map((size) => [size, money(field(size), typed[size])])) as Record<
      BasketSize,
      number
    >;

  const basketPrices = prices((size) => size, form.basketPrices);
  const taken = new Set(form.tiers.map((tier) => tier.id).filter(Boolean));
  const solidarityTiers = form.tiers.map((tier, index) => {
    const name = tier.label.trim();
    if (!name) {
      issues.push({
        field: `tier-${index}-label`,
        message: say(
          locale,
          `Donnez un nom au tarif solidaire n° ${index + 1}.`,
          `Name solidarity tier no. ${index + 1}.`,
        ),
      });
    }
    let id = tier.id;
    if (!id) {
      id = tierCode(name, taken);
      taken.add(id);
    }
    return { id, label: name, prices: prices((size) => `tier-${index}-${size}`, tier.prices) };
  });
  const membershipFee = money('membershipFee', form.membershipFee);
  const installments = form.billing === 'season' ? whole('installments', form.installments, 1, 12) : 1;
  const retryTexts = form.retryDays.split(/[\s,;]+/).filter(Boolean);
  const retryDays = retryTexts.map(Number);
  if (
    retryTexts.length === 0 ||
    retryTexts.length > 6 ||
    retryTexts.some((text) => !/^\d+$/.test(text)) ||
    retryDays.some((days) => days < 1 || days > 60)
  ) {
    issues.push({
      field: 'retryDays',
      message: say(
        locale,
        `« ${label('retryDays')} » : de 1 à 6 nombres de jours (1 à 60), séparés par des virgules, par exemple 3, 7, 14.`,
        `« ${label('retryDays')} »: 1 to 6 numbers of days (1 to 60), separated by commas, for example 3, 7, 14.`,
      ),
    });
  }
  const paymentTermDays = whole('paymentTermDays', form.paymentTermDays, 0, 60);
  const siret = form.siret.replace(/\s/g, '');
  if (!/^\d{14}$/.test(siret)) {
    issues.push({
      field: 'siret',
      message: say(locale, '« SIRET » : 14 chiffres.', '« SIRET »: 14 digits.'),
    });
  }
  for (const [field, text] of [
    ['legalName', form.legalName],
    ['legalAddress', form.legalAddress],
  ] as const) {
    if (!text.trim()) {
      issues.push({
        field,
        message: say(locale, `« ${label(field)} » est obligatoire.`, `« ${label(field)} » is required.`),
      });
    }
  }
  if (issues.length > 0) return { ok: false, issues };

  const input: PricingInput = {
    basketPrices,
    solidarityTiers,
    membershipFee,
    billing: form.billing,
    installments,
    retryDays,
    paymentTermDays,
    legal: {
      name: form.legalName.trim(),
      address: form.legalAddress.trim(),
      siret,
      vatNote: form.vatNote.trim(),
    },
  };
  if (!Value.Check(PricingInput, input))
    return { ok: false, issues: schemaIssues(PricingInput, input, locale) };
  const refusal = pricingRefusal(input);
  if (refusal) return { ok: false, issues: [{ field: refusal.field, message: refusal.message[locale] }] };
  return { ok: true, input };
}
