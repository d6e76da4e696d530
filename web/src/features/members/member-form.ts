import { Value } from 'typebox/value';
import { locales, type Locale } from '../../../../domain/locale.ts';
import { MemberInput, normalizeMemberInput, type Member } from '../../../../domain/member.ts';
import { formatPhone } from '../../../../domain/phone.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { schemaIssues } from '../../../../domain/validation.ts';

/** What the member form holds: text as typed. */
export interface MemberFormModel {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  householdSize: string;
  notes: string;
  /** How the driver reaches the door (door code, « behind the barn »): staff type it. */
  accessNotes: string;
  /** The language of the garden's messages; '' when never chosen (French). */
  language: Locale | '';
}

export const memberFormFields = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'street',
  'postalCode',
  'city',
  'householdSize',
  'notes',
  'accessNotes',
  'language',
] as const satisfies readonly (keyof MemberFormModel)[];

export function emptyMemberForm(): MemberFormModel {
  return {
    firstName: '',
    lastName: '',
    email: '',
    phone: '',
    street: '',
    postalCode: '',
    city: '',
    householdSize: '',
    notes: '',
    accessNotes: '',
    language: '',
  };
}

export function memberFormOf(member: Member): MemberFormModel {
  return {
    firstName: member.firstName,
    lastName: member.lastName,
    email: member.email ?? '',
    phone: member.phone ? formatPhone(member.phone) : '',
    street: member.address?.street ?? '',
    postalCode: member.address?.postalCode ?? '',
    city: member.address?.city ?? '',
    householdSize: member.householdSize === undefined ? '' : String(member.householdSize),
    notes: member.notes ?? '',
    accessNotes: member.accessNotes ?? '',
    language: locales.find((locale) => locale === member.language) ?? '',
  };
}

/**
 * The form as the API's `MemberInput`: text trimmed, empty optional fields left out (not sent
 * as ""), the address given whole or not at all. The result is checked against the schema
 * before use, hence `unknown` values where a person may have typed something wrong.
 */
export function memberInputOf(form: MemberFormModel): Record<string, unknown> {
  const text = (value: string) => value.trim();
  const input: Record<string, unknown> = { firstName: text(form.firstName), lastName: text(form.lastName) };
  if (text(form.email)) input.email = text(form.email);
  if (text(form.phone)) input.phone = text(form.phone);
  const address = { street: text(form.street), postalCode: text(form.postalCode), city: text(form.city) };
  if (address.street || address.postalCode || address.city) input.address = address;
  const household = text(form.householdSize);
  // Not a whole number: kept as text, so the schema says what is wrong with it.
  if (household) input.householdSize = /^\d+$/.test(household) ? Number(household) : household;
  if (text(form.notes)) input.notes = text(form.notes);
  if (text(form.accessNotes)) input.accessNotes = text(form.accessNotes);
  // Not chosen: left out, so a new member reads French and an edit keeps what the member chose.
  if (form.language) input.language = form.language;
  return input;
}

/**
 * Checks the form with the same schema and rules as the API, in the same words.
 * Returns the input ready to send, or the issues to show.
 */
export function checkMemberForm(
  form: MemberFormModel,
  locale: Locale,
): { ok: true; input: MemberInput } | { ok: false; issues: InputIssue[] } {
  const candidate = memberInputOf(form);
  if (!Value.Check(MemberInput, candidate)) {
    return { ok: false, issues: schemaIssues(MemberInput, candidate, locale) };
  }
  const normalized = normalizeMemberInput(candidate, locale);
  if (!normalized.ok) return { ok: false, issues: normalized.issues };
  return { ok: true, input: normalized.value };
}
