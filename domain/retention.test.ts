import { describe, expect, it } from 'vitest';
import { retention, retentionText } from './retention.ts';

describe('retention periods', () => {
  it('keeps what the law asks: members 3 years, invoices and payments 10', () => {
    expect(retention.inactiveMember).toMatchObject({ months: 36, then: 'anonymise' });
    expect(retention.invoicesAndPayments.months).toBe(120);
    for (const rule of Object.values(retention)) expect(rule.months).toBeGreaterThan(0);
  });

  it('says each rule in words, in French and English', () => {
    expect(retentionText(retention.inactiveMember, 'fr')).toBe(
      '3 ans après la dernière activité, puis anonymisation',
    );
    expect(retentionText(retention.staffAccounts, 'fr')).toBe(
      '3 mois après la désactivation du compte, puis suppression',
    );
    expect(retentionText(retention.signingSheets, 'en')).toBe('1 year after the delivery, then deleted');
  });
});
