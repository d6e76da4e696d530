import { afterEach, describe, expect, it, vi } from 'vitest';
import { gardenId, signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import type { ConsentsView } from './consents-api.ts';
import { useConsentsStore } from './consents-store.ts';
import { termsGuard } from './terms-guard.ts';

const member = { ...staffIdentity, userId: 'u-lea', roles: ['member' as const], memberId: 'm-lea' };

const view = (overrides: Partial<ConsentsView> = {}): ConsentsView => ({
  state: {
    terms: { cgv: { version: 1, acceptedAt: '2026-01-01T00:00:00.000Z' }, confidentialite: null },
    optional: { newsletter: null, photos: null, sms: null },
  },
  current: { cgv: 2, confidentialite: null },
  mustAccept: [{ document: 'cgv', version: 2, acceptedVersion: 1 }],
  entries: [],
  ...overrides,
});

const memberPage = { meta: { area: 'member' as const }, path: '/adherent', fullPath: '/adherent' };

describe('consents store and the terms guard', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends a member with new terms to accept to the terms page first, then lets them through', async () => {
    signedIn(member);
    const api = stubApi((call) => ({
      body: call.method === 'POST' ? view({ mustAccept: [] }) : view(),
    }));
    expect(await termsGuard(memberPage)).toEqual({
      path: '/adherent/conditions',
      query: { retour: '/adherent' },
    });
    expect(await termsGuard({ ...memberPage, path: '/adherent/conditions' })).toBe(true);

    await useConsentsStore().accept(gardenId, 'm-lea', { cgv: 2, confidentialite: null });
    expect(await termsGuard(memberPage)).toBe(true);
    expect(api.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `GET /api/gardens/${gardenId}/members/m-lea/consents`,
      `POST /api/gardens/${gardenId}/members/m-lea/consents/terms`,
    ]);
    expect(api.calls[1]?.body).toEqual({ cgv: 2, confidentialite: null });
  });

  it('never holds staff, and lets a member through when the consents cannot be read', async () => {
    signedIn(staffIdentity);
    const api = stubApi(() => ({ body: view() }));
    expect(await termsGuard({ ...memberPage, meta: { area: 'staff' } })).toBe(true);
    expect(api.calls).toHaveLength(0);

    signedIn(member);
    stubApi(() => ({ status: 503, body: { message: 'Indisponible' } }));
    expect(await termsGuard(memberPage)).toBe(true);
  });

  it('shows a consent at once, and puts it back when the API refuses', async () => {
    signedIn(member);
    let refuse = false;
    stubApi((call) => {
      if (call.method === 'PUT' && refuse) return { status: 500, body: { message: 'Erreur' } };
      if (call.method === 'PUT')
        return {
          body: view({
            state: {
              ...view().state,
              optional: { ...view().state.optional, sms: { given: true, at: 'now' } },
            },
          }),
        };
      return { body: view() };
    });
    const consents = useConsentsStore();
    await consents.load(gardenId, 'm-lea');
    await consents.setOptional(gardenId, 'm-lea', 'sms', true);
    expect(consents.view?.state.optional.sms).toEqual({ given: true, at: 'now' });

    refuse = true;
    const before = consents.view;
    const failing = consents.setOptional(gardenId, 'm-lea', 'photos', true);
    expect(consents.view?.state.optional.photos?.given).toBe(true);
    await expect(failing).rejects.toThrow();
    expect(consents.view).toEqual(before);
  });
});
