import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import type { JournalEntry } from '../../domain/journal/journal-entry.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  phoneContext,
  scrollWidth,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * Issue 13's network overview as the network admin uses it, on a phone: the test garden among
 * the gardens with running processes (its subscription), then « Ouvrir ce jardin », which asks
 * why; the opening and its reason are in that garden's « Journal des actions » before its pages show.
 */
describe('the network admin’s overview', () => {
  let api: TestApi;
  let browser: Browser;
  let networkAdmin: TestAccount;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('network-overview-ui'));
    networkAdmin = await createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' });
    await activeSubscription(api, api.member.id, addDays(gardenDay(new Date()), 10));
  });

  afterAll(async () => {
    if (networkAdmin) await deleteAccounts([networkAdmin]);
    await browser?.close();
    await api?.close();
  });

  it('counts the garden’s processes, opens the garden with a reason, and the garden’s log says so', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, networkAdmin);
    await page.getByTestId('network-overview-link').click({ timeout: 30_000 });

    // Every garden's processes are many on a shared stack: the admin narrows to this garden by its id.
    await page.getByTestId('garden-counts').first().waitFor({ timeout: 30_000 });
    const gardenFilter = page.getByTestId('overview-garden');
    await gardenFilter.fill(api.gardenId);
    await gardenFilter.press('Tab');
    const garden = page.locator(`[data-testid="garden-counts"][data-garden="${api.gardenId}"]`);
    await garden.waitFor({ timeout: 30_000 });
    // Temporal's visibility follows the subscription's start a moment later: read again until it counts.
    await expect
      .poll(
        async () => {
          const running = Number(await garden.getByTestId('count-running').textContent());
          if (running === 0) {
            await gardenFilter.fill('');
            await gardenFilter.press('Tab');
            await gardenFilter.fill(api.gardenId);
            await gardenFilter.press('Tab');
          }
          return running;
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    await page.getByTestId(`open-garden-${api.gardenId}`).click();
    const dialog = page.getByTestId('open-garden-dialog');
    await dialog.waitFor();
    // No reason: said, and the garden stays closed.
    await page.getByTestId('confirm-open-garden').click();
    expect(await page.getByTestId('field-error-open-garden-reason').textContent()).toContain(
      'Dites pourquoi vous ouvrez ce jardin.',
    );
    await page.getByTestId('open-garden-reason').fill('Ticket 4242 : un prélèvement bloqué');
    await page.getByTestId('confirm-open-garden').click();
    await page.waitForURL(`${baseUrl}/equipe`, { timeout: 30_000 });

    const log = await api.call(networkAdmin, 'GET', `/api/gardens/${api.gardenId}/staff-actions`);
    expect(log.statusCode).toBe(200);
    const opened = log
      .json<{ entries: JournalEntry[] }>()
      .entries.find((entry) => entry.kind === 'garden.opened');
    expect(opened?.reason).toBe('Ticket 4242 : un prélèvement bloqué');

    // The garden's « Journal des actions » shows it to whoever runs the garden.
    // Through the app's menu: the garden opened lives in this page, a reload would close it.
    await page.getByTestId('nav-more').click();
    await page.getByTestId('nav-staff-actions').click();
    await page.waitForURL(`${baseUrl}/equipe/journal`);
    const entry = page.locator('[data-testid="journal-entry"][data-kind="garden.opened"]');
    await entry.first().waitFor({ timeout: 30_000 });
    expect(await entry.first().getByTestId('journal-reason').textContent()).toContain(
      'Ticket 4242 : un prélèvement bloqué',
    );
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
