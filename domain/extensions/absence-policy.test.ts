import { describe, expect, it } from 'vitest';
import { GardenRulesInput } from '../garden-rules.ts';
import { builtInAbsencePolicy, gardenAbsencePolicies, type AbsencePolicyInput } from './absence-policy.ts';

const input = (overrides: Partial<AbsencePolicyInput> = {}): AbsencePolicyInput => ({
  date: '2026-12-15',
  basketSize: 'medium',
  frequency: 'weekly',
  depotId: 'd-chalezeule',
  season: { start: '2026-09-01', end: '2027-03-31' },
  absencesThisSeason: ['2026-10-20', '2026-11-03'],
  rules: { maxAbsencesPerSeason: 4, absencePolicy: 'donated' },
  billing: 'monthly',
  ...overrides,
});

describe('the built-in absence policy', () => {
  it("follows the garden's policy while under the season's maximum", () => {
    expect(builtInAbsencePolicy(input())).toEqual({
      decision: 'donated',
      reason: {
        fr: 'Le panier d’un adhérent absent est donné à une association partenaire.',
        en: "An absent member's basket is given to a partner charity.",
      },
    });
    expect(
      builtInAbsencePolicy(input({ rules: { maxAbsencesPerSeason: 4, absencePolicy: 'compensated' } }))
        .decision,
    ).toBe('compensated');
  });

  it("follows a garden whose rule credits absent baskets, in the rule's words", () => {
    expect(
      builtInAbsencePolicy(input({ rules: { maxAbsencesPerSeason: 4, absencePolicy: 'credited' } })),
    ).toEqual({
      decision: 'credited',
      reason: {
        fr: 'Le panier d’un adhérent absent lui est crédité : son prix est déduit de sa prochaine facture.',
        en: "An absent member's basket is credited: its price is taken off their next invoice.",
      },
    });
  });

  it("carries every rule a garden may choose (a new one must be decided for the hook's version)", () => {
    expect([...gardenAbsencePolicies].sort()).toEqual(
      [...(GardenRulesInput.properties.absencePolicy.enum as readonly string[])].sort(),
    );
  });

  it("refuses one more than the season's maximum, in the words members read today", () => {
    const answer = builtInAbsencePolicy(
      input({ absencesThisSeason: ['2026-10-20', '2026-11-03', '2026-11-10', '2026-11-17'] }),
    );
    expect(answer).toEqual({
      decision: 'refused',
      reason: {
        fr: "Vous avez déjà signalé 4 absences cette saison : c'est le maximum prévu par le jardin.",
        en: "You have already reported 4 absences this season: that is the garden's maximum.",
      },
    });
  });

  it('counts only the season of the day, and never the day itself', () => {
    const answer = builtInAbsencePolicy(
      input({
        rules: { maxAbsencesPerSeason: 1, absencePolicy: 'donated' },
        absencesThisSeason: ['2026-06-02', '2026-12-15'],
      }),
    );
    expect(answer.decision).toBe('donated');
  });

  it('refuses every absence where the garden takes none', () => {
    const answer = builtInAbsencePolicy(
      input({ rules: { maxAbsencesPerSeason: 0, absencePolicy: 'donated' }, absencesThisSeason: [] }),
    );
    expect(answer.decision).toBe('refused');
    expect(answer.reason.fr).toBe("Le jardin ne prévoit pas d'absences : parlez-en à l'équipe du jardin.");
  });
});
