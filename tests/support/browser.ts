import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { addDays, gardenDay, isoWeekday, type IsoDate } from '../../domain/calendar.ts';
import type { MemberInput } from '../../domain/member.ts';
import type { BasketSize, Subscription } from '../../domain/subscription.ts';
import { applyAsStaff, approveAsStaff, startTestApi, type TestApi } from './api.ts';
import { testEnvironment } from './environment.ts';
import { createAccount, type TestAccount } from './keycloak.ts';

/** The built web app; `npm test` builds it before the browser tests. */
export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/**
 * The ports browser tests serve the app on, one per test worker (browser test files run two at
 * a time): Keycloak's web client accepts redirects to each (infra/keycloak/realm-cocagne.json).
 */
export const browserTestPorts = [8089, 8090, 8091, 8092] as const;

/** This test worker's port: Vitest numbers its workers from 1 (VITEST_POOL_ID). */
function workerPort(): number {
  const slot = Number(process.env.VITEST_POOL_ID ?? '1') - 1;
  const port = browserTestPorts[slot];
  if (port === undefined) {
    throw new Error(
      `Browser tests run on at most ${browserTestPorts.length} workers (this is worker ${slot + 1}): ` +
        "lower --maxWorkers, or add ports to browserTestPorts and to the realm's redirect URIs.",
    );
  }
  return port;
}

/** The port this worker's browser tests serve the app on. */
export const browserTestPort = workerPort();

export function assertWebBuilt(): void {
  if (!existsSync(`${webDist}/index.html`)) {
    throw new Error('web/dist is missing: `npm test` builds it (vite build web) before the browser tests.');
  }
}

/** Headless Debian Chromium, with the flags this sandboxed, offline machine needs. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = testEnvironment().CHROMIUM_PATH || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where browser tests open the app. */
export const baseUrl = `http://localhost:${browserTestPort}`;

/**
 * The app as a person reaches it: the API with the built web app over the real stack, served
 * on the browser test port, and headless Chromium. The caller closes both.
 */
export async function startBrowserTest(name: string): Promise<{ api: TestApi; browser: Browser }> {
  assertWebBuilt();
  // The app is served here, not at the environment's PUBLIC_URL (the API's own port): the links
  // the product sends (a driver's SMS, an email) must open this one.
  const api = await startTestApi(name, { webDist, publicUrl: baseUrl });
  await api.app.listen({ host: '127.0.0.1', port: browserTestPort });
  return { api, browser: await launchBrowser() };
}

/** Signs in through the real Keycloak login page, starting from the app's own login page. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByTestId('login-button').click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('#kc-login').click();
  await page.waitForURL(
    (url) => url.origin === new URL(baseUrl).origin && !url.pathname.startsWith('/realms'),
  );
}

/**
 * Signs `page` (of any size or context) in as `account`: opens the app, waits for its login
 * button (the built app's first load checks for a session with Keycloak, slow on a cold server),
 * then goes through the real Keycloak login.
 */
export async function signInAs(page: Page, account: TestAccount): Promise<void> {
  await page.goto(baseUrl);
  await expect.poll(() => page.getByTestId('login-button').isVisible(), { timeout: 30_000 }).toBe(true);
  await signIn(page, baseUrl, account.username, account.password);
}

/**
 * A desktop page (1280 × 900) signed in as `account` through the real Keycloak login, once the
 * app's login button shows (the built app's first load may be slow); with `ready`, once the
 * element with that test id shows too.
 */
export async function signedInPage(browser: Browser, account: TestAccount, ready?: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signInAs(page, account);
  if (ready) await page.getByTestId(ready).waitFor({ timeout: 30_000 });
  return page;
}

/**
 * A member's phone (375 × 667, touch) signed in on their portal. js.stripe.com is out of reach
 * here: it is blocked, so that the page settles the same anywhere.
 */
export async function memberPhonePage(browser: Browser, account: TestAccount): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 375, height: 667 },
    isMobile: true,
    hasTouch: true,
  });
  await context.route('https://js.stripe.com/**', (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  await signIn(page, baseUrl, account.username, account.password);
  await page.waitForURL(`${baseUrl}/adherent`);
  return page;
}

/** A phone-sized page (360 × 780, touch), as most members use the portal. */
export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
}

/** Whether the page is wider than the screen (something sticks out sideways). */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth');
}

/**
 * The first day with this ISO weekday at least `daysAhead` days from today: far enough for the
 * garden's cutoff (48 h by default) to leave its delivery open to changes.
 */
export function comingWeekday(weekday: number, daysAhead = 3): IsoDate {
  let day = addDays(gardenDay(new Date()), daysAhead);
  while (isoWeekday(day) !== weekday) day = addDays(day, 1);
  return day;
}

/**
 * A member of the test garden and their own Keycloak account (with the same name), pushed onto
 * `accounts` for the test to delete after.
 */
export async function memberWithAccount(
  api: TestApi,
  household: MemberInput & { firstName: string; lastName: string },
  accounts: TestAccount[],
): Promise<{ member: { id: string }; account: TestAccount }> {
  const member = await api.createMember(household);
  const account = await createAccount({
    role: 'member',
    gardenId: api.gardenId,
    memberId: member.id,
    firstName: household.firstName,
    lastName: household.lastName,
  });
  accounts.push(account);
  return { member, account };
}

/** Applies for a subscription as staff and approves it, through the API; waits until it is active. */
export async function activeSubscription(
  api: TestApi,
  memberId: string,
  startDate: IsoDate,
  basketSize: BasketSize = 'medium',
): Promise<{ id: string }> {
  const { gardenId } = api;
  const applied = await applyAsStaff(api, { memberId, startDate, basketSize });
  if (applied.statusCode !== 201 && applied.statusCode !== 202)
    throw new Error(`application answered ${applied.statusCode}: ${applied.body}`);
  const { id } = applied.json<{ id: string }>();
  // The workflow may not have recorded it yet (202): the decision waits for it.
  for (let attempt = 0; ; attempt++) {
    const decided = await approveAsStaff(api, id);
    if (decided.statusCode === 200) break;
    if (attempt >= 20) throw new Error(`approval answered ${decided.statusCode}: ${decided.body}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  for (let attempt = 0; attempt < 40; attempt++) {
    if ((await api.store.subscriptions.get(gardenId, id))?.status === 'active') return { id };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`subscription ${id} did not become active`);
}

/**
 * Polls a field of the subscription the portal named (`id`, read from the page): the portal may
 * show an application from the API's answer (202) before its record is written, under a full
 * run's load, and the record comes within seconds.
 */
export function polledSubscription<Field>(
  api: TestApi,
  id: string,
  field: (subscription: Subscription | undefined) => Field,
) {
  expect(id).not.toBe('');
  return expect.poll(async () => field(await api.store.subscriptions.get(api.gardenId, id)), {
    timeout: 20_000,
    interval: 250,
  });
}
