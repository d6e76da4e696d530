import { Value } from 'typebox/value';
import type { Locale } from '../../../../domain/locale.ts';
import {
  MemberDetails,
  normalizeMemberDetails,
  type Member,
  type MemberInput,
} from '../../../../domain/member.ts';
import { formatPhone } from '../../../../domain/phone.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { schemaIssues } from '../../../../domain/validation.ts';

/** What « Mes données » lets a member correct, as typed: names, contact, address. */
export interface MyDetailsFormModel {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
}

/** The fields the form shows, and `address` (the three together), where issues go. */
export const myDetailsFormFields = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'address',
] as const;

export function myDetailsFormOf(member: Member): MyDetailsFormModel {
  return {
    firstName: member.firstName,
    lastName: member.lastName,
    email: member.email ?? '',
    phone: member.phone ? formatPhone(member.phone) : '',
    street: member.address?.street ?? '',
    postalCode: member.address?.postalCode ?? '',
    city: member.address?.city ?? '',
  };
}

/**
 * The form as the API's `MemberDetails`: text trimmed, an empty email or phone left out (the
 * record has none any more), the address whole or not at all.
 */
export function myDetailsOf(form: MyDetailsFormModel): Record<string, unknown> {
  const text = (value: string) => value.trim();
  const details: Record<string, unknown> = { firstName: text(form.firstName), lastName: text(form.lastName) };
  if (text(form.email)) details.email = text(form.email);
  if (text(form.phone)) details.phone = text(form.phone);
  const address = { street: text(form.street), postalCode: text(form.postalCode), city: text(form.city) };
  if (address.street || address.postalCode || address.city) details.address = address;
  return details;
}

/**
 * Checks the form with the API's schema and rules, in the same words, against the record the
 * member read (a phone is needed while they get SMS). Returns what to send, or the issues.
 */
export function checkMyDetailsForm(
  form: MyDetailsFormModel,
  member: Member,
  locale: Locale,
): { ok: true; details: MemberDetails; input: MemberInput } | { ok: false; issues: InputIssue[] } {
  const candidate = myDetailsOf(form);
  if (!Value.Check(MemberDetails, candidate)) {
    return { ok: false, issues: schemaIssues(MemberDetails, candidate, locale) };
  }
  const normalized = normalizeMemberDetails(member, candidate, locale);
  if (!normalized.ok) return { ok: false, issues: normalized.issues };
  return { ok: true, details: candidate, input: normalized.value };
}
