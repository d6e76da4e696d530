import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/api.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { baseUrl, signInAs, startBrowserTest } from '../support/browser.ts';

/**
 * Versioned terms (issue 14): the garden publishes a substantial new CGV; at their next sign-in
 * the member is asked to accept it before their area, accepts, and reaches the portal.
 */
describe('a member accepts the new terms at sign-in', () => {
  let api: TestApi;
  let browser: Browser;
  let gardenAdmin: TestAccount | undefined;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('member-new-terms'));
    gardenAdmin = await createAccount({ role: 'garden-admin', gardenId: api.gardenId });
  });

  afterAll(async () => {
    await deleteAccounts(gardenAdmin ? [gardenAdmin] : []);
    await browser?.close();
    await api?.close();
  });

  it('is asked to accept a substantial new CGV, accepts it and reaches the portal', async () => {
    const pages = `/api/gardens/${api.gardenId}/page-drafts/cgv`;
    const saved = await api.call(gardenAdmin, 'PUT', pages, {
      title: 'Conditions générales de vente',
      html: '<h2>Article 1</h2><p>Les paniers sont livrés chaque semaine.</p>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await api.call(gardenAdmin, 'POST', `${pages}/publish`, { substantial: true });
    expect(published.statusCode, published.body).toBe(201);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, api.accounts.member);
    await page.waitForURL(`${baseUrl}/adherent/conditions**`, { timeout: 30_000 });
    await page.getByTestId('accept-terms').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(
      'Nos conditions ont changé',
    );
    expect(await page.getByTestId('terms-cgv').textContent()).toContain(
      'Conditions générales de vente, version 1',
    );
    expect(await page.getByTestId('read-cgv').getAttribute('href')).toBe(
      `/jardins/${api.gardenId}/pages/cgv`,
    );

    await page.getByTestId('accept-terms-button').click();
    await page.waitForURL(`${baseUrl}/adherent`, { timeout: 30_000 });
    await page.getByTestId('greeting').waitFor({ timeout: 30_000 });
    const [entry] = (await api.store.consents.list(api.gardenId, api.member.id)).filter(
      (logged) => logged.kind === 'terms',
    );
    expect(entry).toMatchObject({ how: 'portal', terms: { cgv: 1, confidentialite: null } });
    await page.context().close();
  });
});
