import { Value } from 'typebox/value';
import { GardenRulesInput, type GardenRules } from '../../../../domain/garden-rules.ts';
import type { Locale } from '../../../../domain/locale.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { numberOf } from '../../forms/issues.ts';

/**
 * The rules form as filled in: counts of days as typed (a number input gives '' when empty,
 * or text it could not read), the other rules as chosen.
 */
export interface RulesFormModel {
  maxAbsencesPerSeason: number | string;
  absencePolicy: GardenRules['absencePolicy'];
  cancellationNoticeDays: number | string;
  renewal: GardenRules['renewal'];
  renewalReminderDays: number | string;
  resumeReminderDays: number | string;
  waitingList: boolean;
  /** '' when no reminder is sent the day before a delivery. */
  dayBeforeReminderHour: number | '';
  weekPreparationDay: number;
  weekPreparationHour: number;
  /** Staff who are not administrators may read the journals. */
  journalForStaff: boolean;
}

type RuleName = keyof RulesFormModel;

/** Every rule the form shows, as the API and the schema name them (a refusal goes beside it). */
export const ruleNames: readonly RuleName[] = [
  'maxAbsencesPerSeason',
  'absencePolicy',
  'cancellationNoticeDays',
  'renewal',
  'renewalReminderDays',
  'resumeReminderDays',
  'waitingList',
  'dayBeforeReminderHour',
  'weekPreparationDay',
  'weekPreparationHour',
  'journalForStaff',
];

export function rulesFormOf(rules: GardenRules): RulesFormModel {
  return {
    maxAbsencesPerSeason: rules.maxAbsencesPerSeason,
    absencePolicy: rules.absencePolicy,
    cancellationNoticeDays: rules.cancellationNoticeDays,
    renewal: rules.renewal,
    renewalReminderDays: rules.renewalReminderDays,
    resumeReminderDays: rules.resumeReminderDays,
    waitingList: rules.waitingList,
    dayBeforeReminderHour: rules.dayBeforeReminderHour ?? '',
    weekPreparationDay: rules.weekPreparationDay,
    weekPreparationHour: rules.weekPreparationHour,
    // Rules stored before the rule existed: closed to staff.
    journalForStaff: rules.journalForStaff === true,
  };
}

export type RulesCheck = { ok: true; input: GardenRulesInput } | { ok: false; issues: InputIssue[] };

/** A count as typed: left out when blank (the schema then says it is missing). */
function count(value: number | string): number | string | undefined {
  if (typeof value === 'number') return value;
  return value.trim() === '' ? undefined : numberOf(value);
}

const counts = [
  'maxAbsencesPerSeason',
  'cancellationNoticeDays',
  'renewalReminderDays',
  'resumeReminderDays',
] as const;

/** What the API would refuse, said before sending: the same schema, its bounds and its words. */
export function checkRulesForm(form: RulesFormModel, locale: Locale): RulesCheck {
  const typedCounts = Object.fromEntries(
    counts.flatMap((name) => {
      const value = count(form[name]);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  const input: unknown = {
    absencePolicy: form.absencePolicy,
    renewal: form.renewal,
    waitingList: form.waitingList,
    ...(form.dayBeforeReminderHour === '' ? {} : { dayBeforeReminderHour: form.dayBeforeReminderHour }),
    weekPreparationDay: form.weekPreparationDay,
    weekPreparationHour: form.weekPreparationHour,
    journalForStaff: form.journalForStaff,
    ...typedCounts,
  };
  if (Value.Check(GardenRulesInput, input)) return { ok: true, input };
  return { ok: false, issues: schemaIssues(GardenRulesInput, input, locale) };
}

/** The rules a person changed in the form since it was filled from `filledFrom`. */
export function changedRules(form: RulesFormModel, filledFrom: RulesFormModel): RuleName[] {
  return ruleNames.filter((name) => form[name] !== filledFrom[name]);
}

/**
 * After a colleague's save: their version of every rule, except those this person changed,
 * which keep what they typed. Nothing typed is lost; they check it and save again.
 */
export function keepTyped(
  form: RulesFormModel,
  filledFrom: RulesFormModel,
  fresh: RulesFormModel,
): RulesFormModel {
  const merged: RulesFormModel = { ...fresh };
  for (const name of changedRules(form, filledFrom)) Object.assign(merged, { [name]: form[name] });
  return merged;
}
