import { defaultPricing, offerPrices } from '../../../../domain/pricing.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../../api-client/me.ts';
import type { GardenOffer } from './joining-api.ts';
import { signedIn, staffIdentity, stubApi, type ApiCall, type StubAnswer } from '../../testing/api-stub.ts';
import { aSubscription } from '../../testing/fixtures.ts';
import { useJoiningStore } from './joining-store.ts';
import { useSessionStore } from '../../stores/session.ts';
import { useSubscriptionStore } from '../subscriptions/subscriptions-store.ts';

const newcomer: Identity = {
  userId: 'u-new',
  username: 'nouvelle',
  name: 'Rosa Bonheur',
  email: 'rosa@example.org',
  roles: [],
};
const joined: Identity = {
  ...newcomer,
  roles: ['member'],
  gardenId: 'val-du-doubs',
  memberId: 'm-new',
  garden: staffIdentity.garden!,
};

const offer: GardenOffer = {
  garden: { id: 'val-du-doubs', name: 'Jardin du Val du Doubs', city: 'Besançon' },
  depots: [],
  seasons: [{ id: '2026-2027', start: '2026-03-01', end: '2027-02-28' }],
  closedWeeks: [],
  rules: { maxAbsencesPerSeason: 4, absencePolicy: 'donated', cancellationNoticeDays: 14, renewal: 'season' },
  prices: offerPrices(defaultPricing),
};

const application = {
  household: { firstName: 'Rosa', lastName: 'Bonheur', email: 'rosa@example.org' },
  subscription: {
    basketSize: 'small' as const,
    frequency: 'weekly' as const,
    depotId: 'd-centre',
    startDate: '2026-12-01',
  },
  consent: true as const,
};

describe('joining store', () => {
  beforeEach(() => signedIn(newcomer));
  afterEach(() => vi.unstubAllGlobals());

  it('reads the gardens and a garden’s offer once', async () => {
    const api = stubApi((call) =>
      call.path === '/api/gardens' ? { body: [offer.garden] } : { body: offer },
    );
    const joining = useJoiningStore();
    await joining.loadGardens();
    await joining.loadOffer('val-du-doubs');
    await joining.loadOffer('val-du-doubs');
    expect(joining.gardens).toEqual([offer.garden]);
    expect(api.calls.map((call) => call.path)).toEqual(['/api/gardens', '/api/gardens/val-du-doubs/offer']);
    expect(joining.offers['val-du-doubs']?.rules.cancellationNoticeDays).toBe(14);
  });

  it('applies, then reads the account again: it is now a member account', async () => {
    const api = stubApi((call): StubAnswer => {
      if (call.method === 'POST')
        return {
          status: 201,
          body: {
            subscription: aSubscription({ memberId: 'm-new', id: 'm-new.2026-12-01' }),
            accountLinked: true,
          },
        };
      return { body: joined };
    });
    const result = await useJoiningStore().apply('val-du-doubs', application, { attempts: 3, delayMs: 0 });
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/gardens/val-du-doubs/applications',
      body: application,
    });
    expect(api.calls[1]?.path).toBe('/api/me');
    expect(result.memberAccount).toBe(true);
    const session = useSessionStore();
    expect(session.memberId).toBe('m-new');
    expect(session.homePath).toBe('/adherent');
    expect(
      useSubscriptionStore()
        .forMember('m-new')
        .map((subscription) => subscription.id),
    ).toEqual(['m-new.2026-12-01']);
  });

  it('waits for the account to be linked when the answer came first', async () => {
    let reads = 0;
    const api = stubApi((call: ApiCall): StubAnswer => {
      if (call.method === 'POST')
        return {
          status: 202,
          body: { subscription: aSubscription({ memberId: 'm-new' }), accountLinked: false },
        };
      return { body: ++reads < 3 ? newcomer : joined };
    });
    const result = await useJoiningStore().apply('val-du-doubs', application, { attempts: 5, delayMs: 0 });
    expect(result.memberAccount).toBe(true);
    expect(api.calls.filter((call) => call.path === '/api/me')).toHaveLength(3);
  });

  it('says so when the account is still not linked after waiting', async () => {
    stubApi((call) =>
      call.method === 'POST'
        ? { status: 202, body: { subscription: aSubscription({ memberId: 'm-new' }), accountLinked: false } }
        : { body: newcomer },
    );
    const result = await useJoiningStore().apply('val-du-doubs', application, { attempts: 2, delayMs: 0 });
    expect(result.memberAccount).toBe(false);
    expect(useSessionStore().mayJoin).toBe(true);
  });

  it('hands a refusal to the form, field by field', async () => {
    stubApi(() => ({
      status: 400,
      body: {
        error: 'invalid_input',
        message: 'Pour adhérer, acceptez les conditions du jardin.',
        issues: [{ field: 'consent', message: 'Pour adhérer, acceptez les conditions du jardin.' }],
      },
    }));
    await expect(useJoiningStore().apply('val-du-doubs', application)).rejects.toMatchObject({
      status: 400,
      issues: [{ field: 'consent' }],
    });
  });

  it('does not read the account again for someone who is already a member', async () => {
    signedIn({ ...joined });
    const api = stubApi(() => ({
      status: 201,
      body: { subscription: aSubscription({ memberId: 'm-new' }), accountLinked: false },
    }));
    const result = await useJoiningStore().apply('val-du-doubs', {
      subscription: application.subscription,
      consent: true,
    });
    expect(result.memberAccount).toBe(true);
    expect(api.calls.map((call) => call.path)).toEqual(['/api/gardens/val-du-doubs/applications']);
  });
});
