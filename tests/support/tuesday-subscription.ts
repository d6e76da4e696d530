import type { Subscription } from '../../domain/subscription.ts';

/** Who asked, and when, in the domain tests' made-up records. */
export const someone = { by: { userId: 'u-1', name: 'Sophie Girardot' }, at: '2026-10-01T10:00:00.000Z' };

/**
 * An active weekly subscription at the Tuesday depot `d-mardi`, from Tuesday 3 November 2026,
 * with no end; the domain tests' common case, which each test overrides where it matters.
 */
export function tuesdaySubscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: 'm-1.2026-11-03',
    gardenId: 'g-1',
    memberId: 'm-1',
    basketSize: 'medium',
    frequency: 'weekly',
    depotId: 'd-mardi',
    startDate: '2026-11-03',
    status: 'active',
    requested: someone,
    changes: [],
    absences: [],
    updatedAt: someone.at,
    revision: 2,
    ...overrides,
  };
}

/** The same, for the 2026–2027 season (it ends with February). */
export const seasonSubscription = (overrides: Partial<Subscription> = {}): Subscription =>
  tuesdaySubscription({ endDate: '2027-02-28', seasonId: '2026-2027', ...overrides });
