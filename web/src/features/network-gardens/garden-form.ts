import {
  NewGardenRequest,
  normaliseSiret,
  normaliseSlug,
  type gardenTimeZones,
} from '../../../../domain/garden-provisioning.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { relabel } from '../../forms/issues.ts';

/** What « Créer un jardin » holds, flat, as typed. */
export interface GardenFormModel {
  slug: string;
  name: string;
  city: string;
  legalName: string;
  siret: string;
  address: string;
  contactEmail: string;
  timeZone: (typeof gardenTimeZones)[number];
  /** The garden's own host name, if any (optional: empty is none). */
  hostName: string;
  firstName: string;
  lastName: string;
  email: string;
}

/** The form's fields, named as the API's issues name them (the last segment of their path). */
export const gardenFormFields = [
  'name',
  'slug',
  'city',
  'legalName',
  'siret',
  'address',
  'contactEmail',
  'timeZone',
  'hostName',
  'firstName',
  'lastName',
  'email',
] as const satisfies readonly (keyof GardenFormModel)[];

export function emptyGardenForm(): GardenFormModel {
  return {
    slug: '',
    name: '',
    city: '',
    legalName: '',
    siret: '',
    address: '',
    contactEmail: '',
    timeZone: 'Europe/Paris',
    hostName: '',
    firstName: '',
    lastName: '',
    email: '',
  };
}

/** Words that say what a garden is, not which one: left out of the suggested slug. */
const fillerWords = new Set(['jardin', 'jardins', 'de', 'du', 'des', 'la', 'le', 'les', 'l', 'd', 'cocagne']);

/**
 * A slug from the garden's name: « Les Jardins de Cocagne du Val de Loue » → `val-loue`, in the
 * pattern's alphabet (lowercase letters without accents, digits, single dashes), at most 40
 * characters. Only a suggestion: the field stays editable.
 */
export function suggestSlug(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const telling = words.filter((word) => !fillerWords.has(word));
  let slug = '';
  for (const word of telling.length > 0 ? telling : words) {
    const longer = slug ? `${slug}-${word}` : word;
    if (longer.length > 40) break;
    slug = longer;
  }
  return slug.slice(0, 40);
}

/** The request sent: trimmed, the slug in lowercase, the SIRET without its spaces. */
export function gardenRequestOf(form: GardenFormModel): NewGardenRequest {
  return {
    slug: normaliseSlug(form.slug),
    name: form.name.trim(),
    city: form.city.trim(),
    legal: {
      legalName: form.legalName.trim(),
      siret: normaliseSiret(form.siret.trim()),
      address: form.address.trim(),
    },
    contactEmail: form.contactEmail.trim(),
    timeZone: form.timeZone,
    ...(form.hostName.trim() ? { hostName: form.hostName.trim().toLowerCase() } : {}),
    firstAdmin: {
      firstName: form.firstName.trim(),
      lastName: form.lastName.trim(),
      email: form.email.trim(),
    },
  };
}

/** The form's own labels for the fields the domain names by their property. */
export function gardenFieldLabels(label: (field: keyof GardenFormModel) => string): Record<string, string> {
  return Object.fromEntries(gardenFormFields.map((field) => [field, label(field)]));
}

/**
 * The form checked with the API's own schema, so the browser refuses with the API's sentences;
 * fields the domain has no label for are said with the form's.
 */
export function checkGardenForm(
  form: GardenFormModel,
  locale: Locale,
  labels: Readonly<Record<string, string>>,
  /** What a field typed but malformed needs, said better than « n'a pas le bon format » (slug, SIRET). */
  formatProblems: Readonly<Partial<Record<keyof GardenFormModel, string>>> = {},
): { ok: true; input: NewGardenRequest } | { ok: false; issues: InputIssue[] } {
  const input = gardenRequestOf(form);
  const issues = relabel(schemaIssues(NewGardenRequest, input, locale), labels).map((issue) => {
    const field = issue.field as keyof GardenFormModel;
    const better = formatProblems[field];
    const typed = typeof form[field] === 'string' && form[field].trim() !== '';
    return better && typed ? { ...issue, message: better } : issue;
  });
  return issues.length === 0 ? { ok: true, input } : { ok: false, issues };
}
