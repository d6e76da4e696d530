import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import type { Locale } from './locale.ts';
import { fieldLabels, formatHints } from './field-labels.ts';
import { ownValue } from './records.ts';

// TypeBox stops at 8 errors by default, and an empty required text already makes two
// (minLength and pattern): a blank form would name only its first fields. A person fixing a
// form wants every problem at once, from the browser and from the API alike.
Settings.Set({ maxErrors: 100 });

/**
 * A validation error as produced by TypeBox (and Ajv): the same shape on the server, where
 * Fastify validates requests, and in the browser, where forms are checked before sending.
 */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** One refused field, said in words a person understands. */
export interface InputIssue {
  /** The field's property name, or '' for the whole input. */
  field: string;
  message: string;
}

function labelOf(field: string, locale: Locale): string {
  const label = ownValue(fieldLabels, field)?.[locale];
  if (label) return `« ${label} »`;
  if (!field) return locale === 'fr' ? 'La saisie' : 'The input';
  return `« ${field} »`;
}

function lastSegment(path: string): string {
  const segments = path.split('/').filter(Boolean);
  // Array positions ("/items/2") are named after the array that holds them.
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] ?? '';
    if (!/^\d+$/.test(segment)) return segment;
  }
  return '';
}

const phrases = {
  fr: {
    required: (label: string) => `${label} est obligatoire.`,
    minLengthEmpty: (label: string) => `${label} est obligatoire.`,
    minLength: (label: string, limit: unknown) =>
      `${label} doit contenir au moins ${String(limit)} caractères.`,
    maxLength: (label: string, limit: unknown) =>
      `${label} ne peut pas dépasser ${String(limit)} caractères.`,
    minimum: (label: string, limit: unknown) => `${label} doit être au moins ${String(limit)}.`,
    maximum: (label: string, limit: unknown) => `${label} ne peut pas dépasser ${String(limit)}.`,
    pattern: (label: string) => `${label} n'a pas le bon format.`,
    enum: (label: string, allowed: unknown[]) =>
      `${label} doit être l'une de ces valeurs : ${allowed.join(', ')}.`,
    type: (label: string) => `${label} n'est pas du bon type.`,
    unknownField: (fields: string) => `Champ inconnu : ${fields}.`,
    invalid: (label: string) => `${label} n'est pas valide.`,
  },
  en: {
    required: (label: string) => `${label} is required.`,
    minLengthEmpty: (label: string) => `${label} is required.`,
    minLength: (label: string, limit: unknown) =>
      `${label} must be at least ${String(limit)} characters long.`,
    maxLength: (label: string, limit: unknown) =>
      `${label} must be at most ${String(limit)} characters long.`,
    minimum: (label: string, limit: unknown) => `${label} must be at least ${String(limit)}.`,
    maximum: (label: string, limit: unknown) => `${label} must be at most ${String(limit)}.`,
    pattern: (label: string) => `${label} is not in the expected format.`,
    enum: (label: string, allowed: unknown[]) => `${label} must be one of: ${allowed.join(', ')}.`,
    type: (label: string) => `${label} has the wrong type.`,
    unknownField: (fields: string) => `Unknown field: ${fields}.`,
    invalid: (label: string) => `${label} is not valid.`,
  },
} as const;

/** Turns schema errors into one sentence per refused field, in the reader's language. */
export function describeSchemaErrors(errors: readonly SchemaError[], locale: Locale): InputIssue[] {
  const say = phrases[locale];
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // anyOf/oneOf/const noise repeats what a more precise error already said.
    if (['anyOf', 'oneOf', 'if', 'not', 'boolean'].includes(error.keyword)) continue;
    const field = lastSegment(error.instancePath);
    let message: string;
    switch (error.keyword) {
      case 'required': {
        const missing = (error.params.requiredProperties ?? error.params.missingProperty) as
          string[] | string;
        for (const property of Array.isArray(missing) ? missing : [missing]) {
          if (seen.has(property)) continue;
          seen.add(property);
          issues.push({ field: property, message: say.required(labelOf(property, locale)) });
        }
        continue;
      }
      case 'minLength':
        message =
          error.params.limit === 1
            ? say.minLengthEmpty(labelOf(field, locale))
            : say.minLength(labelOf(field, locale), error.params.limit);
        break;
      case 'maxLength':
        message = say.maxLength(labelOf(field, locale), error.params.limit);
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        message = say.minimum(labelOf(field, locale), error.params.limit);
        break;
      case 'maximum':
      case 'exclusiveMaximum':
        message = say.maximum(labelOf(field, locale), error.params.limit);
        break;
      case 'pattern':
      case 'format': {
        // `\S` is how a text says it must not be blank: blank, it is missing, not malformed.
        if (error.keyword === 'pattern' && error.params.pattern === '\\S') {
          message = say.required(labelOf(field, locale));
          break;
        }
        const hint = ownValue(formatHints, field)?.[locale];
        message = hint ? `${labelOf(field, locale)} ${hint}.` : say.pattern(labelOf(field, locale));
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = (error.params.allowedValues ?? [error.params.allowedValue]) as unknown[];
        message = say.enum(labelOf(field, locale), allowed);
        break;
      }
      case 'type':
        message = say.type(labelOf(field, locale));
        break;
      case 'additionalProperties': {
        const extra = (error.params.additionalProperties ?? error.params.additionalProperty) as
          string[] | string;
        message = say.unknownField(Array.isArray(extra) ? extra.join(', ') : String(extra));
        break;
      }
      default:
        message = say.invalid(labelOf(field, locale));
    }
    if (seen.has(field)) continue;
    seen.add(field);
    issues.push({ field, message });
  }
  return issues;
}

/** What is wrong with a value for a schema, one sentence per field, in the reader's language. */
export function schemaIssues(schema: TSchema, value: unknown, locale: Locale): InputIssue[] {
  return describeSchemaErrors(Value.Errors(schema, value), locale);
}
