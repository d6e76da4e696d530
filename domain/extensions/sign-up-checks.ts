import Type from 'typebox';
import { DepotId } from '../ids.ts';
import { basketSizes, frequencies } from '../subscription.ts';
import { HookDay, HookText } from './hook-text.ts';
import { HookAnswer } from './solidarity-price.ts';

/**
 * Hook `sign-up-checks`: the garden's extra fields on the application form and its own rules
 * about an application ("an association number is required for the social basket"). The same
 * module runs in the browser, for instant feedback while the form is filled in, and on the
 * server, whose answer is the one that counts. One call answers both: the fields to show, and
 * what is wrong with the application as it stands.
 */
export const signUpChecksHook = { name: 'sign-up-checks', version: 1 } as const;

/** An extra field's key: the name its answer is kept under. */
export const fieldKeyPattern = '^[a-z][a-zA-Z0-9]{0,39}$';

export const SignUpField = Type.Object(
  {
    key: Type.String({ pattern: fieldKeyPattern }),
    /** `choice`: one of `options`; `checkbox`: true or false; `number`: a whole number. */
    kind: Type.Enum(['text', 'number', 'checkbox', 'choice']),
    label: HookText,
    help: Type.Optional(HookText),
    /** Always needed (a `checkbox` then has to be ticked). Needs that depend on other answers are problems. */
    required: Type.Boolean(),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          { value: Type.String({ minLength: 1, maxLength: 40 }), label: HookText },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 20 },
      ),
    ),
    /** For `text`: at most this many characters (200 at most, the default). */
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    /** For `number`. */
    minimum: Type.Optional(Type.Integer()),
    maximum: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export type SignUpField = Type.Static<typeof SignUpField>;

export const SignUpChecksInput = Type.Object(
  {
    /**
     * The application as it stands: in the browser, what is chosen so far (a field not chosen
     * yet is absent); on the server, all of it. No name, email or phone: rules need none.
     */
    application: Type.Object(
      {
        basketSize: Type.Optional(Type.Enum([...basketSizes])),
        frequency: Type.Optional(Type.Enum([...frequencies])),
        depotId: Type.Optional(DepotId),
        startDate: Type.Optional(HookDay),
        /** A member applying again gives no household. */
        alreadyMember: Type.Boolean(),
        household: Type.Optional(
          Type.Object(
            {
              size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
              postalCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })),
              city: Type.Optional(Type.String({ maxLength: 80 })),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    /** Answers to the extra fields, by key (those left empty are absent). */
    answers: Type.Record(Type.String({ pattern: fieldKeyPattern }), HookAnswer, { maxProperties: 20 }),
  },
  { additionalProperties: false },
);
export type SignUpChecksInput = Type.Static<typeof SignUpChecksInput>;

export const SignUpProblem = Type.Object(
  {
    /** An extra field's key, an application field (`basketSize`, `depotId`, `household.size`…), or '' for the whole. */
    field: Type.String({ pattern: '^([a-zA-Z][a-zA-Z0-9.]{0,59})?$' }),
    message: HookText,
  },
  { additionalProperties: false },
);
export type SignUpProblem = Type.Static<typeof SignUpProblem>;

export const SignUpChecksOutput = Type.Object(
  {
    fields: Type.Array(SignUpField, { maxItems: 10 }),
    /** Empty when the garden's own rules accept the application. */
    problems: Type.Array(SignUpProblem, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type SignUpChecksOutput = Type.Static<typeof SignUpChecksOutput>;

/** Without an extension: no extra field, and no rule beyond the form's own. */
export function builtInSignUpChecks(_input: SignUpChecksInput): SignUpChecksOutput {
  return { fields: [], problems: [] };
}

/**
 * What is wrong with the answers given the fields declared, whoever declared them: the caller
 * adds these to the module's own problems, so a field marked required is required even if
 * the module forgets to say so.
 */
export function answerProblems(
  fields: readonly SignUpField[],
  answers: Readonly<Record<string, HookAnswer>>,
): SignUpProblem[] {
  const problems: SignUpProblem[] = [];
  for (const field of fields) {
    const answer = Object.hasOwn(answers, field.key) ? answers[field.key] : undefined;
    const say = (fr: string, en: string) =>
      problems.push({
        field: field.key,
        message: { fr: `« ${field.label.fr} » ${fr}`, en: `"${field.label.en}" ${en}` },
      });
    const empty = answer === undefined || answer === '' || (field.kind === 'checkbox' && answer === false);
    if (empty) {
      if (field.required)
        say(
          field.kind === 'checkbox' ? 'doit être coché.' : 'est obligatoire.',
          field.kind === 'checkbox' ? 'must be ticked.' : 'is required.',
        );
      continue;
    }
    if (field.kind === 'checkbox' && typeof answer !== 'boolean')
      say('doit être coché ou non.', 'must be ticked or not.');
    else if (field.kind === 'number') {
      if (typeof answer !== 'number' || !Number.isInteger(answer))
        say('doit être un nombre entier.', 'must be a whole number.');
      else if (field.minimum !== undefined && answer < field.minimum)
        say(`doit valoir au moins ${field.minimum}.`, `must be at least ${field.minimum}.`);
      else if (field.maximum !== undefined && answer > field.maximum)
        say(`doit valoir au plus ${field.maximum}.`, `must be at most ${field.maximum}.`);
    } else if (field.kind === 'text' || field.kind === 'choice') {
      if (typeof answer !== 'string') say('doit être un texte.', 'must be text.');
      else if (field.kind === 'choice' && !(field.options ?? []).some((option) => option.value === answer))
        say('n’est pas un choix proposé.', 'is not one of the choices.');
      else if (answer.length > (field.maxLength ?? 200))
        say(
          `fait plus de ${field.maxLength ?? 200} caractères.`,
          `is longer than ${field.maxLength ?? 200} characters.`,
        );
    }
  }
  return problems;
}

/** The answers to keep with an application: those to the fields declared, nothing else. */
export function declaredAnswers(
  fields: readonly SignUpField[],
  answers: Readonly<Record<string, HookAnswer>>,
): Record<string, HookAnswer> {
  const kept: Record<string, HookAnswer> = {};
  for (const field of fields) {
    if (Object.hasOwn(answers, field.key)) kept[field.key] = answers[field.key] as HookAnswer;
  }
  return kept;
}
