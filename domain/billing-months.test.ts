import { describe, expect, it } from 'vitest';
import { billingMonthRefusal, membershipYear, monthBefore, seasonOfMonth } from './billing-months.ts';

describe('which month a garden may bill', () => {
  it('bills last month during this one, on any day of it', () => {
    expect(billingMonthRefusal('2026-11', '2026-12-01')).toBeUndefined();
    expect(billingMonthRefusal('2026-11', '2026-12-31')).toBeUndefined();
    expect(billingMonthRefusal('2026-12', '2027-01-15')).toBeUndefined();
  });

  it('refuses a month not over yet', () => {
    expect(billingMonthRefusal('2026-12', '2026-12-05')?.fr).toBe(
      "Seul un mois terminé peut être facturé : 2026-12 n'est pas encore fini.",
    );
    expect(billingMonthRefusal('2027-03', '2026-12-05')?.en).toMatch(/is not over yet/);
  });

  it('refuses a closed month, saying which one can still be billed', () => {
    expect(billingMonthRefusal('2026-10', '2026-12-01')).toEqual({
      fr:
        'Le mois « octobre 2026 » est clos : un mois se facture au plus tard le mois suivant, ' +
        "par le calendrier du jardin ou par l'équipe. Seul « novembre 2026 » peut encore être facturé.",
      en:
        'Month "October 2026" is closed: a month is billed at the latest during the following month, ' +
        `by the garden's schedule or by staff. Only "November 2026" can still be billed.`,
    });
    expect(billingMonthRefusal('2019-05', '2026-12-05')?.fr).toMatch(/^Le mois « mai 2019 » est clos/);
    expect(billingMonthRefusal('2026-11', '2027-01-01')?.fr).toMatch(/Seul « décembre 2026 » peut/);
  });

  it('counts months across the new year', () => {
    expect(monthBefore('2027-01')).toBe('2026-12');
    expect(monthBefore('2026-03')).toBe('2026-02');
  });
});

describe('the year of a membership fee', () => {
  const seasons = [
    { id: '2025-2026', start: '2025-09-01', end: '2026-08-31' },
    { id: '2026-2027', start: '2026-09-07', end: '2027-08-31' },
  ];

  it('is the year the season started, whichever month is billed', () => {
    expect(membershipYear(seasons[0], '2026-05')).toBe('2025');
    expect(membershipYear(seasonOfMonth(seasons, '2026-01'), '2026-01')).toBe('2025');
    expect(membershipYear(seasonOfMonth(seasons, '2027-02'), '2027-02')).toBe('2026');
  });

  it('takes the new season in a month where one ends and the next begins', () => {
    expect(seasonOfMonth(seasons, '2026-09')?.id).toBe('2026-2027');
    expect(seasonOfMonth(seasons, '2026-08')?.id).toBe('2025-2026');
  });

  it("is the month's own year only when no season covers the month", () => {
    expect(seasonOfMonth(seasons, '2024-12')).toBeUndefined();
    expect(membershipYear(seasonOfMonth(seasons, '2024-12'), '2024-12')).toBe('2024');
  });
});
