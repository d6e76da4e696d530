import { describe, expect, it } from 'vitest';
import { decisionRefusal, subscriptionId, subscriptionRequestRefusal } from './subscription.ts';

const request = {
  memberId: 'm-1',
  basketSize: 'medium' as const,
  frequency: 'weekly' as const,
  depotId: 'd-1',
  startDate: '2026-12-01',
};

describe('subscription rules', () => {
  it('names a subscription after its member and start day', () => {
    expect(subscriptionId('m-1', '2026-12-01')).toBe('m-1.2026-12-01');
  });

  it('accepts a start date from today to eighteen months ahead', () => {
    expect(subscriptionRequestRefusal(request, '2026-11-24')).toBeUndefined();
    expect(subscriptionRequestRefusal({ ...request, startDate: '2026-11-24' }, '2026-11-24')).toBeUndefined();
    expect(subscriptionRequestRefusal({ ...request, startDate: '2026-11-23' }, '2026-11-24')?.fr).toMatch(
      /passé/,
    );
    expect(subscriptionRequestRefusal({ ...request, startDate: '2028-12-01' }, '2026-11-24')?.fr).toMatch(
      /lointaine/,
    );
    expect(subscriptionRequestRefusal({ ...request, startDate: '2026-02-30' }, '2026-01-01')?.fr).toMatch(
      /n'existe pas/,
    );
  });

  it('lets staff decide once, and only with a reason when rejecting', () => {
    expect(decisionRefusal('pending', false, { decision: 'approve' })).toBeUndefined();
    expect(
      decisionRefusal('pending', false, { decision: 'reject', reason: 'Dépôt complet' }),
    ).toBeUndefined();
    expect(decisionRefusal('pending', false, { decision: 'reject' })?.fr).toMatch(/motif/);
    expect(decisionRefusal('pending', false, { decision: 'reject', reason: '  ' })?.fr).toMatch(/motif/);
    expect(decisionRefusal('active', false, { decision: 'approve' })?.fr).toMatch(/n'attend plus.*actif/);
    expect(decisionRefusal('pending', true, { decision: 'approve' })?.en).toMatch(/no longer awaits/);
  });
});
