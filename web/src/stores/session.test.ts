import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Identity } from '../api-client/me.ts';
import { stubApi } from '../testing/api-stub.ts';
import { useSessionStore } from './session.ts';

const someone = (roles: Identity['roles'], extra: Partial<Identity> = {}): Identity => ({
  userId: 'u-1',
  username: 'someone',
  name: 'Quelqu’un',
  roles,
  ...extra,
});

describe('session store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('sends people to the welcome page until they are signed in', () => {
    const session = useSessionStore();
    expect(session.homePath).toBe('/connexion');
    session.signedOut();
    expect(session.homePath).toBe('/connexion');
  });

  it.each([
    [someone(['staff'], { gardenId: 'g-1' }), '/equipe'],
    [someone(['garden-admin', 'staff'], { gardenId: 'g-1' }), '/equipe'],
    [someone(['member'], { gardenId: 'g-1', memberId: 'm-1' }), '/adherent'],
    [someone(['driver'], { gardenId: 'g-1' }), '/chauffeur'],
    [someone(['network-admin']), '/reseau'],
    [someone(['staff']), '/compte-sans-jardin'],
    [someone(['driver']), '/compte-sans-jardin'],
    [someone([]), '/adhesion'],
    [someone(['member']), '/adhesion'],
    [someone([], { gardenId: 'g-1' }), '/compte-sans-jardin'],
  ])('routes by role: %o → %s', (identity, path) => {
    const session = useSessionStore();
    session.signedIn(identity);
    expect(session.homePath).toBe(path);
  });

  it('lets a network admin open a garden, which then counts as theirs', async () => {
    stubApi((call) =>
      call.path === '/api/gardens/val-du-doubs'
        ? { body: { id: 'val-du-doubs', name: 'Val du Doubs', city: 'Besançon' } }
        : { status: 404, body: { error: 'not_found', message: 'Jardin introuvable.' } },
    );
    const session = useSessionStore();
    session.signedIn(someone(['network-admin']));
    await expect(session.openGarden('nulle-part')).rejects.toMatchObject({ message: 'Jardin introuvable.' });
    expect(session.gardenId).toBeUndefined();
    await session.openGarden('val-du-doubs');
    expect(session.gardenId).toBe('val-du-doubs');
    expect(session.homePath).toBe('/equipe');
  });

  it('lets a newly registered account join a garden, and reads it again once it has joined', async () => {
    const joined = someone(['member'], { gardenId: 'val-du-doubs', memberId: 'm-new' });
    const api = stubApi(() => ({ body: joined }));
    const session = useSessionStore();
    session.signedIn(someone([]));
    expect(session.mayJoin).toBe(true);
    await session.refreshIdentity();
    expect(api.calls.map((call) => call.path)).toEqual(['/api/me']);
    expect(session.memberId).toBe('m-new');
    expect(session.mayJoin).toBe(false);
    expect(session.homePath).toBe('/adherent');
  });

  it('records which start-up step failed', () => {
    const session = useSessionStore();
    session.failed('signIn');
    expect(session.status).toBe('failed');
    expect(session.failure).toBe('signIn');
  });
});
