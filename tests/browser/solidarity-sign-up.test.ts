import { describe, expect, it } from 'vitest';
import { polledSubscription, scrollWidth, signInAs } from '../support/browser.ts';
import { createAccount } from '../support/keycloak.ts';
import { sampleBrowserTest } from '../support/sample-browser-test.ts';

/**
 * A garden runs quotient-familial (solidarity-price): the application form asks the household's
 * quotient familial, and the application keeps the tier the extension proposes, for staff.
 */
describe('the quotient familial in the application form', () => {
  const garden = sampleBrowserTest('ext-solidarity-web', 'quotient-familial');

  it('asks it on a phone, says a wrong one beside the field, and keeps the proposed tier with the application', async () => {
    const account = await createAccount({ firstName: 'Simone', lastName: 'Veil' });
    garden.accounts.push(account);
    const context = await garden.browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signInAs(page, account);
    await page.waitForURL((url) => url.pathname === '/adhesion', { timeout: 30_000 });
    await page.getByTestId('signup-garden-search').fill(garden.api.gardenId.toUpperCase());
    await page.getByTestId(`signup-garden-${garden.api.gardenId}`).click();
    await page.getByTestId('application-form').waitFor({ timeout: 20_000 });

    const solidarity = page.getByTestId('signup-solidarity');
    expect(await solidarity.textContent()).toContain('Quotient familial (CAF), en euros par mois');
    await page.getByTestId('signup-basketSize').selectOption('medium');
    await page.getByTestId('signup-depotId').selectOption(garden.api.depotId);
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
    await polledSubscription(
      garden.api,
      subscriptionId,
      (subscription) => subscription?.solidarityProposal,
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
