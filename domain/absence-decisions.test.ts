import { describe, expect, it } from 'vitest';
import { decidedOutcomes, decidedPolicy, type AbsenceDecision } from './absence-decisions.ts';

describe('an absence report decided by the garden’s extension', () => {
  const rules = { maxAbsencesPerSeason: 2 };
  const reason = { fr: 'Pas en juin.', en: 'Not in June.' };
  const decisions: AbsenceDecision[] = [
    { date: '2027-07-06', decision: 'credited', reason: { fr: 'Déduit.', en: 'Credited.' } },
    { date: '2027-06-01', decision: 'refused', reason },
    { date: '2027-06-08', decision: 'unknown' as never, reason },
  ];
  const policy = decidedPolicy(decisions, rules);

  it('takes a day it allowed beyond the season’s maximum', () => {
    expect(policy('2027-07-06', 5)).toBeUndefined();
  });
  it('refuses a day it refused, in its words, even under the maximum', () => {
    expect(policy('2027-06-01', 0)).toEqual(reason);
  });
  it('keeps the garden’s maximum for a day without a decision, or with one it cannot carry out', () => {
    expect(policy('2027-06-15', 1)).toBeUndefined();
    expect(policy('2027-06-15', 2)?.fr).toMatch(/maximum prévu par le jardin/);
    expect(policy('2027-06-08', 2)?.fr).toMatch(/maximum prévu par le jardin/);
  });
});

describe('what becomes of the basket of each decided day', () => {
  const reason = { fr: 'Vu.', en: 'Seen.' };
  it('keeps the outcome of each day the extension allowed, the first decision of a day only', () => {
    expect(
      decidedOutcomes([
        { date: '2027-07-06', decision: 'credited', reason },
        { date: '2027-07-13', decision: 'donated', reason },
        { date: '2027-07-20', decision: 'compensated', reason },
        { date: '2027-07-06', decision: 'donated', reason },
      ]),
    ).toEqual({ '2027-07-06': 'credited', '2027-07-13': 'donated', '2027-07-20': 'compensated' });
  });
  it('leaves refused, unknown and malformed decisions to the garden rule', () => {
    expect(
      decidedOutcomes([
        { date: '2027-06-01', decision: 'refused', reason },
        { date: '2027-06-08', decision: 'unknown' as never, reason },
        { date: '__proto__', decision: 'credited', reason },
        null as never,
      ]),
    ).toEqual({});
    expect(decidedOutcomes(undefined)).toEqual({});
  });
});
