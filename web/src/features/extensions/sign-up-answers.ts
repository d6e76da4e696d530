import type { Frequency, BasketSize } from '../../../../domain/subscription.ts';
import type { HookAnswer } from '../../../../domain/extensions/solidarity-price.ts';
import type {
  SignUpChecksInput,
  SignUpField,
  SignUpProblem,
} from '../../../../domain/extensions/sign-up-checks.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { isoDatePattern } from '../../../../domain/calendar.ts';
import { entityIdPattern } from '../../../../domain/ids.ts';
import type { InputIssue } from '../../../../domain/validation.ts';
import { numberOf } from '../../forms/issues.ts';

/** The extra fields' answers as the form holds them: text as typed, boxes ticked or not. */
export type ExtraAnswers = Record<string, string | boolean>;

/** The answers to send (and to check): those given, numbers as numbers, empty ones left out. */
export function hookAnswers(fields: readonly SignUpField[], model: ExtraAnswers): Record<string, HookAnswer> {
  const answers: Record<string, HookAnswer> = {};
  for (const field of fields) {
    const value = Object.hasOwn(model, field.key) ? model[field.key] : undefined;
    if (field.kind === 'checkbox') {
      if (value === true) answers[field.key] = true;
    } else if (typeof value === 'string' && value.trim() !== '') {
      answers[field.key] = field.kind === 'number' ? numberOf(value) : value.trim();
    }
  }
  return answers;
}

/** What the form has so far, as the hook reads it (no name, email or phone). */
export function signUpChecksInput(
  form: {
    subscription: {
      basketSize: BasketSize | '';
      frequency: Frequency | '';
      depotId: string;
      startDate: string;
    };
    household: { householdSize: string; postalCode: string; city: string };
  },
  alreadyMember: boolean,
  answers: Record<string, HookAnswer>,
): SignUpChecksInput {
  const { basketSize, frequency, depotId, startDate } = form.subscription;
  const size = Number(form.household.householdSize.trim());
  const postalCode = form.household.postalCode.trim();
  const city = form.household.city.trim().slice(0, 80);
  const household = {
    ...(Number.isInteger(size) && size >= 1 && size <= 20 ? { size } : {}),
    ...(/^\d{5}$/.test(postalCode) ? { postalCode } : {}),
    ...(city ? { city } : {}),
  };
  return {
    application: {
      ...(basketSize ? { basketSize } : {}),
      ...(frequency ? { frequency } : {}),
      ...(new RegExp(entityIdPattern).test(depotId) ? { depotId } : {}),
      ...(new RegExp(isoDatePattern).test(startDate) ? { startDate } : {}),
      alreadyMember,
      ...(alreadyMember ? {} : { household }),
    },
    answers,
  };
}

/** The hook's names for the application's fields, as the form names them. */
const formFieldOf: Record<string, string> = {
  'household.size': 'householdSize',
  'household.postalCode': 'postalCode',
  'household.city': 'city',
};

/** The extension's problems as the form's issues, in the reader's language. */
export function problemIssues(problems: readonly SignUpProblem[], locale: Locale): InputIssue[] {
  return problems.map((problem) => ({
    field: formFieldOf[problem.field] ?? problem.field,
    message: problem.message[locale],
  }));
}
