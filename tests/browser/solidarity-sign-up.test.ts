import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { sampleUpload } from '../support/extensions.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * A garden runs quotient-familial (solidarity-price): the application form asks the household's
 * quotient familial, and the application keeps the tier the extension proposes, for staff.
 */
describe('the quotient familial in the application form', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('ext-solidarity-web'));
    const upload = await sampleUpload('quotient-familial');
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    await catalogue.upload(api.gardenId, upload, { by: { userId: 'u-admin', name: 'Admin' }, at });
    await catalogue.activate(api.gardenId, upload.manifest.name, upload.manifest.version, { at });
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('asks it on a phone, says a wrong one beside the field, and keeps the proposed tier with the application', async () => {
    const account = await createAccount({ firstName: 'Simone', lastName: 'Veil' });
    accounts.push(account);
    const context = await browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signInAs(page, account);
    await page.waitForURL((url) => url.pathname === '/adhesion', { timeout: 30_000 });
    await page.getByTestId('signup-garden-search').fill(api.gardenId.toUpperCase());
    await page.getByTestId(`signup-garden-${api.gardenId}`).click();
    await page.getByTestId('application-form').waitFor({ timeout: 20_000 });

    const solidarity = page.getByTestId('signup-solidarity');
    expect(await solidarity.textContent()).toContain('Quotient familial (CAF), en euros par mois');
    await page.getByTestId('signup-basketSize').selectOption('medium');
    await page.getByTestId('signup-depotId').selectOption(api.depotId);
    await page.getByTestId('signup-consent').check();
    await page.getByTestId('signup-quotientFamilial').fill('64O');
    await page.getByTestId('submit-application').click();
    await expect
      .poll(async () => (await page.getByTestId('field-error-quotientFamilial').allTextContents()).join(''))
      .toBe('Indiquez le quotient familial en euros, sans centimes (par exemple 640).');
    expect(new URL(page.url()).pathname).toBe('/adhesion');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);

    await page.getByTestId('signup-quotientFamilial').fill('640');
    await page.getByTestId('submit-application').click();
    await page.waitForURL((url) => url.pathname === '/adherent', { timeout: 45_000 });
    const subscriptionId =
      (await page.getByTestId('my-subscription').getAttribute('data-subscription-id')) ?? '';
    expect(
      (await api.store.subscriptions.get(api.gardenId, subscriptionId))?.solidarityProposal,
    ).toMatchObject({
      tierId: 'solidaire',
      basketPrice: 850,
      quotientFamilial: 640,
      source: 'extension',
      extension: { name: 'quotient-familial', version: '1.0.0' },
    });
    await context.close();
  });
});
