/**
 * Every page of the web app's router, by route name: who opens it and at which address. The
 * accessibility browser test (every-page-accessible.test.ts) visits each, and
 * web/src/router/every-page-checked.test.ts fails when the router has a page this list leaves
 * out. Plain data: the web project's tests import it too.
 */

/** Who opens a page: the visitor is signed out, the newcomer is signed in but in no garden yet. */
export type Who = 'visitor' | 'newcomer' | 'member' | 'driver' | 'staff' | 'garden-admin' | 'network-admin';

/** What the pages' addresses are filled in with: the records the fixture makes. */
export interface Fixture {
  gardenId: string;
  memberId: string;
  subscriptionId: string;
  depotId: string;
  roundDate: string;
  week: string;
}

/** Each page of the router, by route name: who opens it, and at which address. */
export const pages: Record<string, { who: readonly Who[]; path: (fixture: Fixture) => string }> = {
  welcome: { who: ['visitor'], path: () => '/connexion' },
  gardens: { who: ['visitor'], path: () => '/jardins' },
  'garden-page': { who: ['visitor', 'member'], path: (f) => `/jardins/${f.gardenId}/pages/mentions-legales` },
  'network-page': { who: ['visitor'], path: () => '/reseau/pages/confidentialite' },
  'not-found': { who: ['visitor', 'staff'], path: () => '/cette-page-n-existe-pas' },
  dashboard: { who: ['staff', 'garden-admin'], path: () => '/equipe' },
  members: { who: ['staff', 'garden-admin'], path: () => '/equipe/adherents' },
  'member-new': { who: ['staff'], path: () => '/equipe/adherents/nouveau' },
  member: { who: ['staff', 'garden-admin'], path: (f) => `/equipe/adherents/${f.memberId}` },
  subscriptions: { who: ['staff'], path: () => '/equipe/abonnements' },
  subscription: { who: ['staff', 'garden-admin'], path: (f) => `/equipe/abonnements/${f.subscriptionId}` },
  pending: { who: ['staff'], path: () => '/equipe/a-valider' },
  calendar: { who: ['staff', 'garden-admin'], path: () => '/equipe/calendrier' },
  week: { who: ['staff'], path: (f) => `/equipe/semaines/${f.week}` },
  round: { who: ['staff'], path: (f) => `/equipe/tournees/${f.roundDate}` },
  depots: { who: ['staff', 'garden-admin'], path: () => '/equipe/depots' },
  'depot-new': { who: ['garden-admin'], path: () => '/equipe/depots/nouveau' },
  depot: { who: ['staff', 'garden-admin'], path: (f) => `/equipe/depots/${f.depotId}` },
  'staff-map': { who: ['staff'], path: () => '/equipe/carte' },
  products: { who: ['staff'], path: () => '/equipe/produits' },
  billing: { who: ['staff', 'garden-admin'], path: () => '/equipe/facturation' },
  pricing: { who: ['staff', 'garden-admin'], path: () => '/equipe/facturation/tarifs' },
  fleet: { who: ['staff', 'garden-admin'], path: () => '/equipe/tournees/vehicules' },
  extensions: { who: ['staff', 'garden-admin'], path: () => '/equipe/extensions' },
  'garden-contact': { who: ['staff', 'garden-admin'], path: () => '/equipe/jardin' },
  'garden-rules': { who: ['staff', 'garden-admin'], path: () => '/equipe/regles' },
  'garden-pages': { who: ['garden-admin'], path: () => '/equipe/pages' },
  'legal-details': { who: ['garden-admin'], path: () => '/equipe/pages/informations-legales' },
  'page-editor': { who: ['garden-admin'], path: () => '/equipe/pages/mentions-legales' },
  team: { who: ['garden-admin'], path: () => '/equipe/equipe-du-jardin' },
  'staff-actions': { who: ['garden-admin'], path: () => '/equipe/journal' },
  portal: { who: ['member'], path: () => '/adherent' },
  'portal-payment': { who: ['member'], path: () => '/adherent/paiement' },
  'my-data': { who: ['member'], path: () => '/adherent/mes-donnees' },
  'accept-terms': { who: ['member'], path: () => '/adherent/conditions' },
  cancellation: { who: ['member'], path: (f) => `/adherent/resiliation/${f.subscriptionId}` },
  'new-subscription': { who: ['member'], path: () => '/adherent/nouvel-abonnement' },
  join: { who: ['newcomer'], path: () => '/adhesion' },
  'no-garden': { who: ['newcomer'], path: () => '/compte-sans-jardin' },
  driver: { who: ['driver'], path: () => '/chauffeur' },
  'driver-route': { who: ['driver'], path: (f) => `/chauffeur/${f.roundDate}` },
  network: { who: ['network-admin'], path: () => '/reseau' },
  'network-gardens': { who: ['network-admin'], path: () => '/reseau/jardins' },
  'network-overview': { who: ['network-admin'], path: () => '/reseau/vue-d-ensemble' },
  'network-staff-actions': { who: ['network-admin'], path: () => '/reseau/journal-des-actions' },
  'network-register': { who: ['network-admin'], path: () => '/reseau/registre-des-traitements' },
  'network-pages': { who: ['network-admin'], path: () => '/reseau/pages-du-reseau' },
  'network-legal-details': {
    who: ['network-admin'],
    path: () => '/reseau/pages-du-reseau/informations-legales',
  },
  'network-page-editor': { who: ['network-admin'], path: () => '/reseau/pages-du-reseau/mentions-legales' },
};
