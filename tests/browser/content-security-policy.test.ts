import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { baseUrl, signInAs, startBrowserTest } from '../support/browser.ts';

/**
 * The app under its real Content-Security-Policy: the pages of each area open, sign-in goes
 * through Keycloak, maps and the calendar draw, and the browser reports no violation.
 */
describe('the web app under its Content-Security-Policy', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('browser-csp'));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** Every violation the browser reports, from the console and from the page's own event. */
  async function watchedContext(violations: string[]): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.exposeBinding('reportViolation', (_source, text: string) => violations.push(text));
    // A string: these files are typed for Node, the script runs in the page.
    await context.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        window.reportViolation(event.violatedDirective + ' blocked ' + event.blockedURI + ' on ' + location.pathname);
      });
    `);
    context.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    return context;
  }

  async function visit(page: Page, path: string, ready: string): Promise<void> {
    await page.goto(`${baseUrl}${path}`);
    await page.getByTestId(ready).first().waitFor({ timeout: 30_000 });
    // Let lazy parts (map tiles, the calendar, late requests) run.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  }

  it('runs the staff area, with its maps and calendar, without a violation', async () => {
    const violations: string[] = [];
    const context = await watchedContext(violations);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);

    const pages: Array<[string, string]> = [
      ['/equipe/adherents', 'member-row'],
      ['/equipe/a-valider', 'refresh-inbox'],
      ['/equipe/calendrier', 'nav-members'],
      ['/equipe/depots', 'nav-members'],
      [`/equipe/depots/${api.depotId}`, 'nav-members'],
      ['/equipe/carte', 'nav-members'],
      ['/equipe/produits', 'nav-members'],
      ['/equipe/facturation', 'nav-members'],
      ['/equipe/facturation/tarifs', 'pricing-form'],
    ];
    for (const [path, ready] of pages) await visit(page, path, ready);
    // Staff read the prices but do not set them: the form is read-only, with nothing to save.
    expect(await page.getByTestId('pricing-read-only').isVisible()).toBe(true);
    expect(await page.getByTestId('siret').isDisabled()).toBe(true);
    expect(await page.getByTestId('billing-season').isDisabled()).toBe(true);
    expect(await page.getByTestId('save-pricing').count()).toBe(0);
    // The maps did draw: Leaflet made its panes.
    await visit(page, '/equipe/carte', 'nav-members');
    expect(await page.locator('.leaflet-container').count()).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('runs the member portal without a violation', async () => {
    const violations: string[] = [];
    const context = await watchedContext(violations);
    const page = await context.newPage();
    await signInAs(page, api.accounts.member);
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    expect(new URL(page.url()).pathname).toMatch(/^\/adherent/);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('shows the API documentation (Swagger UI) without a violation', async () => {
    const violations: string[] = [];
    const context = await watchedContext(violations);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/docs/`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(violations).toEqual([]);
    await context.close();
  });
});
