import { Value } from 'typebox/value';
import {
  formatIban,
  GardenContactInput,
  ibanRefusal,
  type GardenContact,
} from '../../../../domain/garden-contact.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { formatPhone } from '../../../../domain/phone.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';

/** The contact form as typed: every field text, the payment block left out when all blank. */
export interface ContactFormModel {
  email: string;
  phone: string;
  address: string;
  payee: string;
  iban: string;
  bic: string;
  chequeAddress: string;
}

/** The fields the form shows, as the API and the schema name them (a refusal goes beside them). */
export function contactFieldsOf(): string[] {
  return ['email', 'phone', 'address', 'payee', 'iban', 'bic', 'chequeAddress'];
}

export function contactFormOf(contact: GardenContact): ContactFormModel {
  return {
    email: contact.email,
    phone: contact.phone ? formatPhone(contact.phone) : '',
    address: contact.address ?? '',
    payee: contact.payment?.payee ?? '',
    iban: contact.payment ? formatIban(contact.payment.iban) : '',
    bic: contact.payment?.bic ?? '',
    chequeAddress: contact.payment?.chequeAddress ?? '',
  };
}

export type ContactCheck = { ok: true; input: GardenContactInput } | { ok: false; issues: InputIssue[] };

/** What the API would refuse, said before sending: the same schema and the same IBAN rule. */
export function checkContactForm(form: ContactFormModel, locale: Locale): ContactCheck {
  const text = (value: string) => value.trim();
  const paymentTyped = [form.payee, form.iban, form.bic, form.chequeAddress].some((value) => text(value));
  const input: GardenContactInput = {
    email: text(form.email),
    ...(text(form.phone) ? { phone: text(form.phone) } : {}),
    ...(text(form.address) ? { address: text(form.address) } : {}),
    ...(paymentTyped
      ? {
          payment: {
            payee: text(form.payee),
            iban: text(form.iban),
            ...(text(form.bic) ? { bic: text(form.bic) } : {}),
            ...(text(form.chequeAddress) ? { chequeAddress: text(form.chequeAddress) } : {}),
          },
        }
      : {}),
  };
  const issues = Value.Check(GardenContactInput, input)
    ? []
    : schemaIssues(GardenContactInput, input, locale);
  // An IBAN that has its shape may still have a typo: its check digits say so.
  if (input.payment && !issues.some((issue) => issue.field === 'iban')) {
    const refusal = ibanRefusal(input.payment.iban);
    if (refusal) issues.push({ field: 'iban', message: refusal[locale] });
  }
  return issues.length === 0 ? { ok: true, input } : { ok: false, issues };
}
