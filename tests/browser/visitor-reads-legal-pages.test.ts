import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * Issue 14, the public side of the pages: a visitor on a phone opens the mentions légales from
 * the welcome page's footer (the network's, since no garden is known there) and reads them;
 * axe finds no violation on the welcome page, the list of gardens and a published legal page.
 * The network administrator who published it finds the publication in the network's action log.
 */
describe('a visitor reads the legal pages', () => {
  let api: TestApi;
  let browser: Browser;
  let networkAdmin: TestAccount;
  // What this run publishes, told apart from what other runs published on the same network.
  const marker = `Éditeur du site, publication ${Date.now().toString(36)}`;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('legal-pages-visitor'));
    networkAdmin = await createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' });
    const draft = await api.call(networkAdmin, 'PUT', '/api/network/page-drafts/mentions-legales', {
      title: 'Mentions légales',
      html: `<h2>Éditeur</h2><p>${marker}.</p><h2>Hébergement</h2><p>Hébergé en France.</p>`,
    });
    expect(draft.statusCode, draft.body).toBe(200);
    const published = await api.call(
      networkAdmin,
      'POST',
      '/api/network/page-drafts/mentions-legales/publish',
      {
        substantial: false,
      },
    );
    expect(published.statusCode, published.body).toBe(201);
  });

  afterAll(async () => {
    if (networkAdmin) await deleteAccounts([networkAdmin]);
    await browser?.close();
    await api?.close();
  });

  it('opens the mentions légales from the welcome page’s footer, on a phone', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(baseUrl);
    const link = page.getByTestId('footer-mentions-legales');
    await link.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('site-footer').getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining([
        'Mentions légales',
        'Conditions générales de vente',
        'Politique de confidentialité',
        'Contact',
      ]),
    );
    await link.click();
    await page.waitForURL(`${baseUrl}/reseau/pages/mentions-legales`);
    await page.getByRole('heading', { level: 1, name: 'Mentions légales' }).waitFor();
    await expect.poll(() => page.getByTestId('page-body').textContent()).toContain(marker);
    expect(await page.getByTestId('page-version').textContent()).toMatch(/^Version \d+, publiée le /);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    // A page not published yet says so, with the footer still there.
    await page.goto(`${baseUrl}/jardins/${api.gardenId}/pages/accessibilite`);
    await page.getByTestId('page-not-published').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('footer-accessibilite').getAttribute('href')).toBe(
      `/jardins/${api.gardenId}/pages/accessibilite`,
    );
    await context.close();
  });

  /** axe-core's own script, read from its package and run in the page. */
  const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

  async function violations(page: Page): Promise<string[]> {
    // The app's policy allows no inline script: this context bypasses it for axe alone.
    await page.addScriptTag({ path: axeSource });
    return page.evaluate<string[]>(`axe.run(document).then((results) =>
      results.violations.flatMap((violation) =>
        violation.nodes.map((node) => violation.id + ' ' + node.target.join(' ') + ': ' + node.failureSummary),
      ),
    )`);
  }

  it('has no accessibility violation that axe finds on the welcome page, the gardens and a legal page', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const pages: Array<[string, () => Promise<unknown>]> = [
      ['/connexion', () => page.getByTestId('login-button').waitFor({ timeout: 30_000 })],
      ['/jardins', () => page.getByTestId('site-footer').waitFor({ timeout: 30_000 })],
      ['/reseau/pages/mentions-legales', () => page.getByTestId('page-body').waitFor({ timeout: 30_000 })],
    ];
    for (const [path, ready] of pages) {
      await page.goto(`${baseUrl}${path}`);
      await ready();
      await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
      expect(await violations(page), path).toEqual([]);
    }
    await context.close();
  });

  it('shows the publication in the network’s action log, to the network administrator, on a phone', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, networkAdmin);
    await page.waitForURL(`${baseUrl}/reseau`, { timeout: 30_000 });
    await page.getByTestId('network-staff-actions-link').click();
    await page
      .getByRole('heading', { level: 1, name: 'Journal des actions du réseau' })
      .waitFor({ timeout: 30_000 });
    // Rémi's own publication, among whatever other runs logged on the same network.
    await page.getByTestId('staff-actions-search').fill('Rémi');
    await page.getByTestId('staff-actions-search-button').click();
    const entry = page
      .getByTestId('journal-entry')
      .filter({ hasText: 'Page publiée' })
      .filter({ hasText: 'Rémi R.' })
      .first();
    await entry.waitFor({ timeout: 30_000 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
