import { Value } from 'typebox/value';
import type { Locale } from '../../../../domain/locale.ts';
import {
  MemberDetails,
  normalizeMemberDetails,
  type Member,
  type MemberInput,
} from '../../../../domain/member.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { schemaIssues } from '../../../../domain/validation.ts';
import { emptyMemberForm, memberFormOf, memberInputOf } from '../members/member-form.ts';

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
  const { firstName, lastName, email, phone, street, postalCode, city } = memberFormOf(member);
  return { firstName, lastName, email, phone, street, postalCode, city };
}

/**
 * The form as the API's `MemberDetails`: as staff's form makes its input (text trimmed, an
 * empty email or phone left out, the address whole or not at all), the details alone.
 */
export function myDetailsOf(form: MyDetailsFormModel): Record<string, unknown> {
  const { firstName, lastName, email, phone, address } = memberInputOf({ ...emptyMemberForm(), ...form });
  return {
    firstName,
    lastName,
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
    ...(address === undefined ? {} : { address }),
  };
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
