import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import type { GardenRules } from '../../domain/garden-rules.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  phoneContext,
  scrollWidth,
  signedInPage,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * Issue 13's journal as people read it: a garden admin opens a subscription's « Journal » tab and
 * reads its application and its approval by the staff member, by name (Camille Martin, the test
 * API's staff account, named short: « Camille M. »), and downloads it as CSV; a staff member is
 * told in words that the garden keeps journals to its administrators, until it opens them.
 */
describe('an admin reads a subscription’s journal', () => {
  let api: TestApi;
  let browser: Browser;
  let admin: TestAccount;
  let subscriptionId: string;
  const rulesUrl = () => `/api/gardens/${api.gardenId}/rules`;
  const journalTab = async (page: Awaited<ReturnType<typeof signedInPage>>) => {
    await page.goto(`${baseUrl}/equipe/abonnements/${encodeURIComponent(subscriptionId)}`);
    await page.getByTestId('tab-journal').click({ timeout: 30_000 });
  };

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('journal-ui'));
    admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Odile',
      lastName: 'Perrin',
    });
    ({ id: subscriptionId } = await activeSubscription(
      api,
      api.member.id,
      addDays(gardenDay(new Date()), 10),
    ));
  });

  afterAll(async () => {
    if (admin) await deleteAccounts([admin]);
    await browser?.close();
    await api?.close();
  });

  it('shows the application and the approval by the staff member, by name, and exports the CSV', async () => {
    const page = await signedInPage(browser, admin);
    await journalTab(page);
    const entries = page.getByTestId('journal-entry');
    await entries.first().waitFor({ timeout: 30_000 });
    const kinds = await Promise.all((await entries.all()).map((entry) => entry.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['subscription.requested', 'subscription.approved']));
    // Newest first: the approval above the application.
    expect(kinds.indexOf('subscription.approved')).toBeLessThan(kinds.indexOf('subscription.requested'));

    const approved = page.locator('[data-testid="journal-entry"][data-kind="subscription.approved"]');
    expect(await approved.getByTestId('journal-text').textContent()).toContain('Validée par Camille M.');
    expect(await approved.getByTestId('journal-category').textContent()).toBe('Décision');
    // An administrator reads the raw source: the process and its event.
    await approved.getByTestId('journal-source').locator('summary').click();
    expect(await approved.getByTestId('source-workflow').textContent()).toBe(
      `${api.gardenId}/subscription/${subscriptionId}`,
    );

    const download = page.waitForEvent('download');
    await page.getByTestId('journal-export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('Camille M.');
    await page.close();
  });

  it('fits a phone: nothing sticks out sideways at 360 px', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, admin);
    await journalTab(page);
    await page.getByTestId('journal-entry').first().waitFor({ timeout: 30_000 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });

  it('tells a staff member they may not read it, until the garden lets its staff', async () => {
    const rules = (await api.call(admin, 'GET', rulesUrl())).json<GardenRules>();
    const { version, ...input } = rules;
    if (rules.journalForStaff === true) {
      const closed = await api.call(admin, 'PUT', rulesUrl(), { ...input, journalForStaff: false, version });
      expect(closed.statusCode).toBe(200);
    }
    const page = await signedInPage(browser, api.accounts.staff);
    await journalTab(page);
    const refused = page.getByTestId('journal-forbidden');
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toContain('pas autorisé');
    expect(await page.getByTestId('journal-entry').count()).toBe(0);

    // The garden opens its journals to staff: the same tab now reads them (raw source kept to admins).
    const current = (await api.call(admin, 'GET', rulesUrl())).json<GardenRules>();
    const { version: now, ...rest } = current;
    const opened = await api.call(admin, 'PUT', rulesUrl(), { ...rest, journalForStaff: true, version: now });
    expect(opened.statusCode).toBe(200);
    await journalTab(page);
    await page.getByTestId('journal-entry').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('journal-source').count()).toBe(0);
    await page.close();
  });
});
