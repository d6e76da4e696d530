import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApi, type TestApi } from '../support/api.ts';
import { createTestGarden } from '../support/environment.ts';
import {
  assertWebBuilt,
  baseUrl,
  browserTestPort,
  launchBrowser,
  phoneContext,
  scrollWidth,
  signInAs,
  webDist,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { emailsTo, ensureTestSender } from '../support/moto.ts';

/** What a element says, its spaces (the narrow no-break space of « 12,00 € ») made plain. */
async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ');
}

/** Waits for the inbox to list an application (Temporal's visibility follows a moment later). */
async function inboxItem(page: Page, text: string) {
  const item = page.getByTestId('inbox-item').filter({ hasText: text });
  await expect
    .poll(
      async () => {
        if (await item.count()) return true;
        await page.getByTestId('refresh-inbox').click();
        await page.waitForTimeout(1000);
        return (await item.count()) > 0;
      },
      { timeout: 45_000, interval: 500 },
    )
    .toBe(true);
  return item;
}

describe('a person joins a garden online', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    assertWebBuilt();
    api = await startTestApi('signup', { webDist });
    // More than six gardens, as in a network: the garden list then offers its search (on a
    // fresh database the other tests may not have made enough yet).
    for (let index = 0; index < 6; index++) await createTestGarden(api.store, `signup-neighbour-${index}`);
    await api.app.listen({ host: '127.0.0.1', port: browserTestPort });
    browser = await launchBrowser();
    await ensureTestSender();
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('offers to create an account on the welcome page, with Keycloak’s registration form', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('register-button').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('register-button').textContent()).toContain('Créer un compte');
    await page.getByTestId('register-button').click();
    await page.waitForURL((url) => url.pathname.includes('/protocol/openid-connect/registrations'), {
      timeout: 30_000,
    });
    expect(await page.locator('#kc-register-form').isVisible()).toBe(true);
    await page.close();
  });

  it('shows a visitor the prices before any account; the form estimates a month, takes the names of the account, and an email acknowledges the application', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('see-gardens').isVisible(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('see-gardens').click();
    await page.waitForURL((url) => url.pathname === '/jardins', { timeout: 20_000 });
    await page.getByTestId('signup-garden-search').fill(api.gardenId.toUpperCase());
    await page.getByTestId(`signup-garden-${api.gardenId}`).click();
    await expect
      .poll(() => page.getByTestId('offer-title').textContent(), { timeout: 20_000 })
      .toContain(api.gardenId);

    // Nobody is signed in: the garden's prices, its solidarity tier and the membership fee show.
    const prices = await textOf(page, 'garden-prices');
    for (const expected of [
      'Petit panier',
      '12,00 €',
      '17,00 €',
      '23,00 €',
      'Tarif solidaire',
      '6,00 €',
      '8,50 €',
      '11,50 €',
    ]) {
      expect(prices).toContain(expected);
    }
    expect(prices).toMatch(/Adhésion.*20,00 € par an/);
    // About a month, every week and every other week: 12 € × 52 / 12 = 52 €, half of it.
    expect(prices).toContain('52,00 €');
    expect(prices).toContain('26,00 €');
    expect(await page.getByTestId('application-form').count()).toBe(0);
    expect(await page.getByTestId('join-register').isVisible()).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    // The person makes an account (here beforehand, as Keycloak's registration would), then
    // signs in from the offer and comes back to it, with the form.
    const newcomer = await createAccount({ firstName: 'Camille', lastName: 'Claudel' });
    accounts.push(newcomer);
    await page.getByTestId('join-sign-in').click();
    await page.locator('#username').fill(newcomer.username);
    await page.locator('#password').fill(newcomer.password);
    await page.locator('#kc-login').click();
    await page.waitForURL((url) => url.pathname === '/adhesion' && url.search.includes(api.gardenId), {
      timeout: 30_000,
    });
    await page.getByTestId('application-form').waitFor({ timeout: 20_000 });

    // The names come from the account, and stay editable.
    expect(await page.getByTestId('signup-firstName').inputValue()).toBe('Camille');
    expect(await page.getByTestId('signup-lastName').inputValue()).toBe('Claudel');
    expect(await page.getByTestId('signup-firstName').isEditable()).toBe(true);

    // The estimate follows the size and the frequency chosen.
    await page.getByTestId('signup-basketSize').selectOption('medium');
    await page.getByTestId('signup-frequency').selectOption('weekly');
    await expect.poll(() => textOf(page, 'price-estimate')).toContain('73,67 €');
    await page.getByTestId('signup-frequency').selectOption('fortnightly');
    await expect.poll(() => textOf(page, 'price-estimate')).toContain('36,83 €');
    await page.getByTestId('signup-basketSize').selectOption('large');
    await expect.poll(() => textOf(page, 'price-estimate')).toContain('49,83 €');
    const estimate = await textOf(page, 'price-estimate');
    expect(estimate).toContain('23,00 €');
    expect(estimate).toMatch(/Tarif solidaire.*24,92 €/);
    expect(estimate).toContain('20,00 €');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    await page.getByTestId('signup-depotId').selectOption(api.depotId);
    await page.getByTestId('signup-consent').check();
    await page.getByTestId('submit-application').click();
    await page.waitForURL((url) => url.pathname === '/adherent', { timeout: 45_000 });

    // The acknowledgement arrives at once, before any decision.
    const email = `${newcomer.username}@example.org`;
    await expect
      .poll(async () => (await emailsTo(email)).map((sent) => sent.subject), {
        timeout: 30_000,
        interval: 500,
      })
      .toContain("Nous avons bien reçu votre demande d'abonnement");
    const [acknowledgement] = await emailsTo(email);
    expect(acknowledgement?.body).toContain('Bonjour Camille');
    expect(acknowledgement?.body).toContain('Grand panier');
    await context.close();
  });

  it('applies through /adhesion, then staff approve it from the inbox and the member sees it active', async () => {
    // A freshly registered account: no garden, no role.
    const newcomer = await createAccount({ firstName: 'Rosa', lastName: 'Bonheur' });
    accounts.push(newcomer);

    const memberContext = await phoneContext(browser);
    const page = await memberContext.newPage();
    await signInAs(page, newcomer);
    await page.waitForURL((url) => url.pathname === '/adhesion', { timeout: 30_000 });

    // Every garden is listed: the search narrows the list to ours.
    await page.getByTestId('signup-garden-search').fill(api.gardenId.toUpperCase());
    await expect.poll(() => page.locator('[data-testid^="signup-garden-t-"]').count()).toBe(1);
    await page.getByTestId(`signup-garden-${api.gardenId}`).click();
    await expect
      .poll(() => page.getByTestId('offer-title').textContent(), { timeout: 20_000 })
      .toContain(api.gardenId);
    expect(await page.getByTestId('garden-offer').textContent()).toContain('Dépôt du centre');
    // The email comes from the account.
    expect(await page.getByTestId('signup-email').inputValue()).toBe(`${newcomer.username}@example.org`);

    await page.getByTestId('signup-firstName').fill('Rosa');
    await page.getByTestId('signup-lastName').fill('Bonheur');
    await page.getByTestId('signup-phone').fill('06 39 90 00 01');
    await page.getByTestId('signup-basketSize').selectOption('small');
    await page.getByTestId('signup-depotId').selectOption(api.depotId);
    // The start date offers the depot's next delivery days (Tuesdays); the first is chosen.
    const startDate = await page.getByTestId('signup-startDate').inputValue();
    expect(new Date(`${startDate}T00:00:00Z`).getUTCDay()).toBe(2);
    // Nothing is sent without the consent.
    await page.getByTestId('submit-application').click();
    await expect
      .poll(() => page.getByTestId('field-error-consent').textContent())
      .toContain('acceptez les conditions');
    await page.getByTestId('signup-consent').check();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.getByTestId('submit-application').click();

    // The account is now a member account: the portal shows the application, pending.
    await page.waitForURL((url) => url.pathname === '/adherent', { timeout: 45_000 });
    await expect
      .poll(() => page.getByTestId('subscription-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('pending');
    expect(await page.getByTestId('status-explanation').textContent()).toContain('en attente');
    const subscriptionId =
      (await page.getByTestId('my-subscription').getAttribute('data-subscription-id')) ?? '';
    expect(subscriptionId).toContain(startDate);

    // Staff, in their own browser, approve it from the inbox.
    const staffContext = await browser.newContext();
    const staffPage = await staffContext.newPage();
    await signInAs(staffPage, api.accounts.staff);
    await staffPage.getByTestId('nav-pending').click();
    const item = await inboxItem(staffPage, 'Rosa Bonheur');
    expect(await item.getByTestId('depot-load').textContent()).toMatch(/Dépôt : \d+ \/ 40/);
    await item.getByTestId('approve-button').click();
    await expect
      .poll(async () => (await api.store.subscriptions.get(api.gardenId, subscriptionId))?.status, {
        timeout: 30_000,
      })
      .toBe('active');
    await staffContext.close();

    // The member reloads: active.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('subscription-status').waitFor({ timeout: 20_000 });
          return page.getByTestId('subscription-status').getAttribute('data-status');
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toBe('active');
    const member = await api.store.members.get(api.gardenId, subscriptionId.split('.')[0] ?? '');
    expect(member).toMatchObject({ firstName: 'Rosa', lastName: 'Bonheur', phone: '+33639900001' });
    expect(member?.termsAcceptedAt).toBeDefined();
    await memberContext.close();
  });
});
