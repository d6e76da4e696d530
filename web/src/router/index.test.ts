import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { portalPaths } from '../../../domain/portal-paths.ts';
import { useSessionStore } from '../stores/session.ts';
import { signedIn, staffIdentity } from '../testing/api-stub.ts';
import { redirectFor, routes } from './index.ts';

function routerAt() {
  const router = createRouter({ history: createMemoryHistory(), routes });
  router.beforeEach((to) => redirectFor(to) ?? true);
  return router;
}

async function landing(path: string): Promise<string> {
  const router = routerAt();
  await router.push(path);
  return router.currentRoute.value.fullPath;
}

describe('routing by role', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('sends anonymous visitors to the welcome page, remembering where they were going', async () => {
    useSessionStore().signedOut();
    expect(await landing('/')).toBe('/connexion');
    expect(await landing('/equipe/a-valider')).toBe('/connexion?retour=/equipe/a-valider');
  });

  it('takes staff to their home page, and keeps them out of the member portal', async () => {
    signedIn();
    expect(await landing('/')).toBe('/equipe');
    expect(await landing('/connexion')).toBe('/equipe');
    expect(await landing('/adherent')).toBe('/equipe');
    expect(await landing('/adhesion')).toBe('/equipe');
    expect(await landing('/equipe/calendrier')).toBe('/equipe/calendrier');
    expect(await landing('/equipe/abonnements?statut=pending')).toBe('/equipe/abonnements?statut=pending');
    expect(await landing('/equipe/semaines')).toMatch(/^\/equipe\/semaines\/\d{4}-W\d{2}$/);
    expect(await landing('/equipe/depots/nouveau')).toBe('/equipe/depots/nouveau');
  });

  it('keeps members in their portal', async () => {
    signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-demo-0001' });
    expect(await landing('/')).toBe('/adherent');
    expect(await landing('/equipe/adherents')).toBe('/adherent');
    expect(await landing('/adherent/resiliation/s-1')).toBe('/adherent/resiliation/s-1');
    expect(await landing('/adhesion')).toBe('/adherent');
  });

  it('opens every portal address that messages link to, for a member and after signing in', async () => {
    signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-demo-0001' });
    for (const path of Object.values(portalPaths)) {
      const router = routerAt();
      await router.push(path);
      expect(router.currentRoute.value.fullPath).toBe(path);
      expect(router.currentRoute.value.name).not.toBe('not-found');
    }
    useSessionStore().signedOut();
    expect(await landing(portalPaths.paymentMethod)).toBe('/connexion?retour=/adherent/paiement');
  });

  it('shows anyone the gardens and their offers; signed in, the same with the form, or home', async () => {
    useSessionStore().signedOut();
    expect(await landing('/jardins?jardin=t-1')).toBe('/jardins?jardin=t-1');
    signedIn({ ...staffIdentity, roles: [], gardenId: undefined, garden: undefined });
    expect(await landing('/jardins?jardin=t-1')).toBe('/adhesion?jardin=t-1');
    signedIn({ ...staffIdentity, roles: ['member'], memberId: 'm-demo-0001' });
    expect(await landing('/jardins')).toBe('/adherent');
  });

  it('takes a newly registered account, with no garden, to joining one', async () => {
    signedIn({ ...staffIdentity, roles: [], gardenId: undefined, garden: undefined });
    expect(await landing('/')).toBe('/adhesion');
    expect(await landing('/adherent')).toBe('/adhesion');
    expect(await landing('/equipe/a-valider')).toBe('/adhesion');
  });

  it('gives drivers their page', async () => {
    signedIn({ ...staffIdentity, roles: ['driver'] });
    expect(await landing('/equipe/a-valider')).toBe('/chauffeur');
  });

  it('tells an account without a garden so', async () => {
    signedIn({ ...staffIdentity, roles: ['staff'], gardenId: undefined, garden: undefined });
    expect(await landing('/equipe/adherents')).toBe('/compte-sans-jardin');
  });

  it('shows the not-found page for unknown addresses', async () => {
    signedIn();
    const router = routerAt();
    await router.push('/nulle-part');
    expect(router.currentRoute.value.name).toBe('not-found');
  });
});
