import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { baseUrl, phoneContext, signIn, startBrowserTest } from '../support/browser.ts';

/**
 * What a phone on a slow link pays for a visit: the app is downloaded once, a first visitor's
 * page does not go to Keycloak and back, and a returning member's session is checked in a hidden
 * frame, not by sending the whole page away.
 */
describe('a first visit and a return, on a phone', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('browser-first-visit'));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** The addresses the page's main frame goes to, and every answer that was an error. */
  function watch(page: Page): { pages: string[]; failures: string[] } {
    const seen = { pages: [] as string[], failures: [] as string[] };
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) seen.pages.push(frame.url());
    });
    page.on('response', (response) => {
      if (response.status() >= 400) seen.failures.push(`${response.status()} ${response.url()}`);
    });
    return seen;
  }

  it('loads the app once for a first visitor, with a favicon and without a detour through Keycloak', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const seen = watch(page);
    const documents: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'document' && request.frame() === page.mainFrame())
        documents.push(request.url());
    });

    await page.goto(baseUrl);
    await page.getByTestId('login-button').waitFor({ timeout: 30_000 });
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);

    expect(documents).toEqual([`${baseUrl}/`]);
    expect(seen.pages.every((url) => url.startsWith(baseUrl))).toBe(true);
    expect(seen.failures).toEqual([]);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBe('/favicon.svg');
    await context.close();
  });

  it('checks a returning member in a hidden frame: the page never leaves the app', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signIn(page, baseUrl, api.accounts.member.username, api.accounts.member.password);
    // Straight on to another page, before the first has read Keycloak's answer: still signed in.
    await page.goto(`${baseUrl}/adherent`);
    await page.getByTestId('logout-button').waitFor({ timeout: 30_000 });

    const again = await context.newPage();
    const seen = watch(again);
    await again.goto(`${baseUrl}/adherent`);
    await again.getByTestId('logout-button').waitFor({ timeout: 30_000 });

    expect(seen.pages.length).toBeGreaterThan(0);
    expect(seen.pages.filter((url) => !url.startsWith(baseUrl))).toEqual([]);
    expect(seen.failures).toEqual([]);

    // Signed out, the next visit is a first visit again: no session check at all.
    await again.getByTestId('logout-button').click();
    await again.getByTestId('login-button').waitFor({ timeout: 30_000 });
    const third = await context.newPage();
    const keycloakCalls: string[] = [];
    third.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) keycloakCalls.push(request.url());
    });
    await third.goto(baseUrl);
    await third.getByTestId('login-button').waitFor({ timeout: 30_000 });
    expect(keycloakCalls.filter((url) => url.includes('/protocol/openid-connect/auth'))).toEqual([]);
    await context.close();
  });
});
