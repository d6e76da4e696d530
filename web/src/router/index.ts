import {
  createRouter,
  createWebHistory,
  type RouteLocationNormalized,
  type RouteLocationRaw,
  type RouteRecordRaw,
} from 'vue-router';
import { portalPaths } from '../../../domain/portal-paths.ts';
import { onSessionLost } from '../auth/keycloak.ts';
import { useSessionStore } from '../stores/session.ts';
import { currentWeek } from '../features/weeks/week-dates.ts';
import { acceptTermsPath, termsGuard } from '../features/consents/terms-guard.ts';

/**
 * Who may open a page: anyone, signed-in people, one area's roles, or (`joining`) a signed-in
 * person who belongs to no garden yet.
 */
export type Area = 'public' | 'signed-in' | 'joining' | 'staff' | 'member' | 'driver' | 'network';

declare module 'vue-router' {
  interface RouteMeta {
    area: Area;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', redirect: () => useSessionStore().homePath },
  {
    path: '/connexion',
    name: 'welcome',
    component: () => import('../views/WelcomePage.vue'),
    meta: { area: 'public' },
  },
  {
    // The gardens and what each offers (prices included), before any account: signed in, the same
    // page with the application form is /adhesion.
    path: '/jardins',
    name: 'gardens',
    component: () => import('../features/joining/JoinPage.vue'),
    meta: { area: 'public' },
  },
  {
    path: '/equipe',
    component: () => import('../layouts/StaffLayout.vue'),
    meta: { area: 'staff' },
    children: [
      {
        path: '',
        name: 'dashboard',
        component: () => import('../features/dashboard/DashboardPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'adherents',
        name: 'members',
        component: () => import('../features/members/MemberListPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'adherents/nouveau',
        name: 'member-new',
        component: () => import('../features/members/MemberCreatePage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'adherents/:id',
        name: 'member',
        component: () => import('../features/members/MemberPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        path: 'abonnements',
        name: 'subscriptions',
        component: () => import('../features/subscriptions/SubscriptionListPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'abonnements/:id',
        name: 'subscription',
        component: () => import('../features/subscriptions/SubscriptionPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        path: 'a-valider',
        name: 'pending',
        component: () => import('../features/inbox/PendingPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'calendrier',
        name: 'calendar',
        component: () => import('../features/calendar/CalendarPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'semaines',
        name: 'this-week',
        redirect: () => `/equipe/semaines/${currentWeek()}`,
        meta: { area: 'staff' },
      },
      {
        path: 'semaines/:week',
        name: 'week',
        component: () => import('../features/weeks/WeekPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        path: 'tournees/:date',
        name: 'round',
        component: () => import('../features/rounds/RoundPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        path: 'depots',
        name: 'depots',
        component: () => import('../features/depots/DepotListPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'depots/nouveau',
        name: 'depot-new',
        component: () => import('../features/depots/DepotEditPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'depots/:id',
        name: 'depot',
        component: () => import('../features/depots/DepotEditPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        path: 'carte',
        name: 'staff-map',
        component: () => import('../features/depots/StaffMapPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'produits',
        name: 'products',
        component: () => import('../features/products/ProductsPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'facturation',
        name: 'billing',
        component: () => import('../features/billing/BillingPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'facturation/tarifs',
        name: 'pricing',
        component: () => import('../features/pricing/PricingPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // The rounds' vehicles and drivers (garden admins set them; staff read them).
        path: 'tournees/vehicules',
        name: 'fleet',
        component: () => import('../features/fleet/FleetPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // The garden's extensions: garden administrators upload, approve and roll back; staff read.
        path: 'extensions',
        name: 'extensions',
        component: () => import('../features/extensions/ExtensionsPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'jardin',
        name: 'garden-contact',
        component: () => import('../features/garden-contact/GardenContactPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // The garden's subscription rules: garden administrators change them; staff read them.
        path: 'regles',
        name: 'garden-rules',
        component: () => import('../features/garden-rules/GardenRulesPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // The garden's legal pages and its own pages: garden administrators write and publish them.
        path: 'pages',
        name: 'garden-pages',
        component: () => import('../features/garden-pages/PagesAdminPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // Who publishes the site (the mentions légales name them): garden administrators set it.
        path: 'pages/informations-legales',
        name: 'legal-details',
        component: () => import('../features/garden-pages/LegalDetailsPage.vue'),
        meta: { area: 'staff' },
      },
      {
        path: 'pages/:slug',
        name: 'page-editor',
        component: () => import('../features/garden-pages/PageEditorPage.vue'),
        props: true,
        meta: { area: 'staff' },
      },
      {
        // The garden's team (staff, drivers, administrators): garden administrators manage it.
        path: 'equipe-du-jardin',
        name: 'team',
        component: () => import('../features/team/TeamPage.vue'),
        meta: { area: 'staff' },
      },
      {
        // Every staff action in the garden (who, when, from where, what changed): garden administrators read it.
        path: 'journal',
        name: 'staff-actions',
        component: () => import('../features/journal/StaffActionsPage.vue'),
        meta: { area: 'staff' },
      },
    ],
  },
  {
    path: portalPaths.home,
    name: 'portal',
    component: () => import('../features/member-portal/MemberPortal.vue'),
    meta: { area: 'member' },
  },
  {
    // The link in the messages about a failed payment: the portal, its means of payment first.
    path: portalPaths.paymentMethod,
    name: 'portal-payment',
    component: () => import('../features/member-portal/MemberPortal.vue'),
    props: { section: 'payment' },
    meta: { area: 'member' },
  },
  {
    // « Mes données »: the member sees and corrects their own details.
    path: portalPaths.myData,
    name: 'my-data',
    component: () => import('../features/member-portal/MyDataPage.vue'),
    meta: { area: 'member' },
  },
  {
    // « Nos conditions ont changé »: a substantial new CGV or privacy policy, accepted first.
    path: acceptTermsPath,
    name: 'accept-terms',
    component: () => import('../features/consents/AcceptTermsPage.vue'),
    meta: { area: 'member' },
  },
  {
    path: '/adherent/resiliation/:id',
    name: 'cancellation',
    component: () => import('../features/subscriptions/CancellationPage.vue'),
    props: true,
    meta: { area: 'member' },
  },
  {
    path: '/adherent/nouvel-abonnement',
    name: 'new-subscription',
    component: () => import('../features/joining/NewSubscriptionPage.vue'),
    meta: { area: 'member' },
  },
  {
    path: '/adhesion',
    name: 'join',
    component: () => import('../features/joining/JoinPage.vue'),
    meta: { area: 'joining' },
  },
  {
    path: '/chauffeur',
    name: 'driver',
    component: () => import('../features/driver/DriverRoundsPage.vue'),
    meta: { area: 'driver' },
  },
  {
    // The link in the driver's SMS: the day's route.
    path: '/chauffeur/:date',
    name: 'driver-route',
    component: () => import('../features/driver/DriverRoutePage.vue'),
    props: true,
    meta: { area: 'driver' },
  },
  {
    path: '/reseau',
    name: 'network',
    component: () => import('../views/NetworkPage.vue'),
    meta: { area: 'network' },
  },
  {
    // The network's gardens: their state and health, creating and retiring one.
    path: '/reseau/jardins',
    name: 'network-gardens',
    component: () => import('../features/network-gardens/GardensPage.vue'),
    meta: { area: 'network' },
  },
  {
    // Across gardens: the processes waiting on a person, failed or stuck, and opening a garden (logged).
    path: '/reseau/vue-d-ensemble',
    name: 'network-overview',
    component: () => import('../features/network-overview/NetworkOverviewPage.vue'),
    meta: { area: 'network' },
  },
  {
    // The network's own action log: its pages published, its images deleted, its legal details.
    path: '/reseau/journal-des-actions',
    name: 'network-staff-actions',
    component: () => import('../features/journal/StaffActionsPage.vue'),
    props: { scope: 'network' },
    meta: { area: 'network' },
  },
  {
    // The register of processing activities (RGPD article 30), from the product's data model.
    path: '/reseau/registre-des-traitements',
    name: 'network-register',
    component: () => import('../features/network-register/ProcessingRegisterPage.vue'),
    meta: { area: 'network' },
  },
  {
    // A garden's published pages (legal pages, its own), and the network's: anyone reads them.
    path: '/jardins/:gardenId/pages/:slug',
    name: 'garden-page',
    component: () => import('../features/garden-pages/PublicPage.vue'),
    props: true,
    meta: { area: 'public' },
  },
  {
    path: '/reseau/pages/:slug',
    name: 'network-page',
    component: () => import('../features/garden-pages/PublicPage.vue'),
    props: true,
    meta: { area: 'public' },
  },
  {
    // The network's own pages, for its administrators: the same list and editor as a garden's.
    path: '/reseau/pages-du-reseau',
    name: 'network-pages',
    component: () => import('../features/garden-pages/PagesAdminPage.vue'),
    props: { scope: 'network' },
    meta: { area: 'network' },
  },
  {
    // Who publishes the network's own pages (its mentions légales name them).
    path: '/reseau/pages-du-reseau/informations-legales',
    name: 'network-legal-details',
    component: () => import('../features/garden-pages/LegalDetailsPage.vue'),
    props: { scope: 'network' },
    meta: { area: 'network' },
  },
  {
    path: '/reseau/pages-du-reseau/:slug',
    name: 'network-page-editor',
    component: () => import('../features/garden-pages/PageEditorPage.vue'),
    props: (route) => ({ slug: route.params.slug, scope: 'network' }),
    meta: { area: 'network' },
  },
  {
    path: '/compte-sans-jardin',
    name: 'no-garden',
    component: () => import('../views/NoGardenPage.vue'),
    meta: { area: 'signed-in' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundPage.vue'),
    meta: { area: 'public' },
  },
];

/** Where a person may not go, the page they are sent to instead; undefined when they may. */
export function redirectFor(
  to: Pick<RouteLocationNormalized, 'meta' | 'name' | 'fullPath' | 'query'>,
): RouteLocationRaw | undefined {
  const session = useSessionStore();
  const signedIn = session.status === 'signed-in';
  const area = to.meta.area;
  if (area === 'public') {
    if (!signedIn) return undefined;
    if (to.name === 'welcome') return session.homePath;
    // Signed in: the offers come with the application form, for whoever may still join.
    if (to.name === 'gardens')
      return session.mayJoin ? { path: '/adhesion', query: to.query } : session.homePath;
    return undefined;
  }
  if (!signedIn) {
    return to.fullPath === '/' ? '/connexion' : { path: '/connexion', query: { retour: to.fullPath } };
  }
  const allowed =
    area === 'signed-in' ||
    (area === 'joining' && session.mayJoin) ||
    (area === 'staff' && session.isStaff && session.gardenId !== undefined) ||
    (area === 'member' && session.isMember && session.gardenId !== undefined) ||
    (area === 'driver' && session.isDriver && session.gardenId !== undefined) ||
    (area === 'network' && session.isNetworkAdmin);
  return allowed ? undefined : session.homePath;
}

/**
 * Created after hydration: the web history reads the address when it is created, and Keycloak
 * removes its sign-in answer (#state=…&code=…) from the address during hydration.
 */
export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
  router.beforeEach((to) => redirectFor(to) ?? true);
  router.beforeEach(termsGuard);
  // A refresh failed or the API refused the token: sign in again, then come back here.
  onSessionLost(() => {
    const here = router.currentRoute.value;
    if (here.meta.area !== 'public')
      void router.replace({ path: '/connexion', query: { retour: here.fullPath } });
  });
  router.afterEach((to, from) => {
    // A new page: keyboard and screen-reader users start from its content, as after a page load.
    if (from.matched.length > 0 && to.path !== from.path) {
      requestAnimationFrame(() => document.getElementById('main')?.focus({ preventScroll: true }));
    }
  });
  return router;
}
