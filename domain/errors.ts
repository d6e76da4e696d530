import type { Locale, Localized } from './locale.ts';
import type { InputIssue } from './validation.ts';

/**
 * The catalogue of errors a person can meet. Each carries its message in every locale, so
 * the API can answer in the caller's language and logs can keep the English one.
 */
export const errorCodes = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'duplicate',
  'refused',
  'too_many_requests',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export class CocagneError extends Error {
  readonly code: ErrorCode;
  readonly messages: Localized;
  /** For refused input: what is wrong with each field, already in the caller's language. */
  readonly issues: InputIssue[] | undefined;
  /** The one field this error is about, so a form can show the message beside it. */
  readonly field: string | undefined;

  constructor(
    code: ErrorCode,
    messages: Localized,
    options?: { cause?: unknown; issues?: InputIssue[]; field?: string },
  ) {
    super(messages.en, options);
    this.name = 'CocagneError';
    this.code = code;
    this.messages = messages;
    this.issues = options?.issues;
    this.field = options?.field;
  }

  say(locale: Locale): string {
    return this.messages[locale];
  }

  /** Field by field, in the reader's language. */
  issuesIn(locale: Locale): InputIssue[] | undefined {
    if (this.issues) return this.issues;
    return this.field === undefined ? undefined : [{ field: this.field, message: this.say(locale) }];
  }
}

export function isCocagneError(error: unknown): error is CocagneError {
  return error instanceof CocagneError;
}

export const notFound = (what: Localized) =>
  new CocagneError('not_found', { fr: `${what.fr} introuvable.`, en: `${what.en} not found.` });

export const conflict = () =>
  new CocagneError('conflict', {
    fr: "Quelqu'un d'autre a modifié cette fiche entre-temps. Rechargez-la pour voir ses changements, puis recommencez.",
    en: 'Someone else changed this record in the meantime. Reload it to see their changes, then try again.',
  });

/** Refused input, with one message per field (already in the caller's language). */
export function invalidInput(issues: InputIssue[]): CocagneError {
  const text = issues.map((issue) => issue.message).join(' ');
  return new CocagneError('invalid_input', { fr: text, en: text }, { issues });
}

/**
 * Input that has the shape the API describes, but that a rule between its fields or the
 * state of the garden refuses (422, not 400): one message per field.
 */
export function refusedInput(issues: InputIssue[]): CocagneError {
  const text = issues.map((issue) => issue.message).join(' ');
  return new CocagneError('refused', { fr: text, en: text }, { issues });
}
