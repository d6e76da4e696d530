import { describe, expect, it } from 'vitest';
import { defaultGardenRules } from '../../../../domain/garden-rules.ts';
import { changedRules, checkRulesForm, keepTyped, rulesFormOf } from './rules-form.ts';

const { version: _version, ...defaults } = defaultGardenRules;

describe('the rules form', () => {
  it('sends the rules as read, and no reminder the day before when none is chosen', () => {
    const form = rulesFormOf(defaultGardenRules);
    expect(checkRulesForm(form, 'fr')).toEqual({ ok: true, input: defaults });
    const { dayBeforeReminderHour: _hour, ...withoutReminder } = defaults;
    expect(checkRulesForm({ ...form, dayBeforeReminderHour: '' }, 'fr')).toEqual({
      ok: true,
      input: withoutReminder,
    });
  });

  it('says which count is out of its bounds, blank or not a whole number, in the garden’s words', () => {
    const form = rulesFormOf(defaultGardenRules);
    const check = checkRulesForm(
      {
        ...form,
        maxAbsencesPerSeason: 60,
        cancellationNoticeDays: '',
        resumeReminderDays: 0,
        renewalReminderDays: '2,5',
      },
      'fr',
    );
    expect(check.ok).toBe(false);
    const issues = check.ok ? [] : check.issues;
    expect(issues.map((issue) => issue.field).sort()).toEqual([
      'cancellationNoticeDays',
      'maxAbsencesPerSeason',
      'renewalReminderDays',
      'resumeReminderDays',
    ]);
    const byField = Object.fromEntries(issues.map((issue) => [issue.field, issue.message]));
    expect(byField.maxAbsencesPerSeason).toBe('« Absences par saison » ne peut pas dépasser 52.');
    expect(byField.resumeReminderDays).toBe('« Rappel avant reprise (jours) » doit être au moins 1.');
    expect(byField.cancellationNoticeDays).toContain('Préavis de résiliation (jours)');
  });

  it('accepts a count typed as text', () => {
    const form = { ...rulesFormOf(defaultGardenRules), cancellationNoticeDays: ' 30 ' };
    const check = checkRulesForm(form, 'fr');
    expect(check.ok && check.input.cancellationNoticeDays).toBe(30);
  });

  it('keeps what the person changed over a colleague’s newer version, and takes the rest from it', () => {
    const filledFrom = rulesFormOf(defaultGardenRules);
    const typed = { ...filledFrom, maxAbsencesPerSeason: 6, waitingList: false };
    const colleagues = rulesFormOf({
      ...defaultGardenRules,
      maxAbsencesPerSeason: 2,
      cancellationNoticeDays: 30,
    });
    expect(changedRules(typed, filledFrom)).toEqual(['maxAbsencesPerSeason', 'waitingList']);
    expect(keepTyped(typed, filledFrom, colleagues)).toEqual({
      ...colleagues,
      maxAbsencesPerSeason: 6,
      waitingList: false,
    });
  });
});
