import { afterEach, beforeEach, vi } from 'vitest';
import type { Depot } from '../../../domain/depot.ts';
import type { Member } from '../../../domain/member.ts';
import type { SubscriptionView } from '../features/subscriptions/subscriptions-api.ts';
import { gardenId } from './api-stub.ts';

export function aMember(overrides: Partial<Member> = {}): Member {
  return {
    id: 'm-0001',
    gardenId,
    firstName: 'Élodie',
    lastName: 'Bérard',
    email: 'elodie@example.org',
    phone: '+33612345678',
    address: { street: '3 rue des Lilas', postalCode: '25000', city: 'Besançon' },
    householdSize: 3,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

export function aSubscription(overrides: Partial<SubscriptionView> = {}): SubscriptionView {
  return {
    id: 'm-0001.2026-12-01',
    gardenId,
    memberId: 'm-0001',
    basketSize: 'medium',
    frequency: 'weekly',
    depotId: 'd-centre',
    startDate: '2026-12-01',
    status: 'pending',
    requested: { by: { userId: 'u-staff', name: 'Claire Martin' }, at: '2026-11-20T10:00:00.000Z' },
    updatedAt: '2026-11-20T10:00:00.000Z',
    revision: 1,
    memberName: 'Élodie Bérard',
    depotName: 'Biocoop Centre',
    ...overrides,
  };
}

export function aDepot(overrides: Partial<Depot> = {}): Depot {
  return {
    id: 'd-centre',
    gardenId,
    name: 'Biocoop Centre',
    address: { street: '12 place de la Révolution', postalCode: '25000', city: 'Besançon' },
    location: { lat: 47.24, lng: 6.02 },
    deliveryWeekday: 2,
    openingHours: '17 h – 19 h',
    capacity: 40,
    version: 1,
    ...overrides,
  };
}

/**
 * For a suite of component tests on the member's pages: each test's clock reads 10:00 UTC on
 * Tuesday 24 November 2026 (only Date is faked: promises and timers still run), and the page
 * and the stubbed globals are cleared after it.
 */
export function onTuesday24November(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-24T10:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    document.body.replaceChildren();
  });
}
