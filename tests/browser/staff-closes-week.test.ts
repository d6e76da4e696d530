import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import {
  baseUrl,
  phoneContext,
  scrollWidth,
  signedInPage,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

describe('staff close and reopen a week of the delivery calendar', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];
  const closedWeeks = async () => (await api.store.settings.calendar(api.gardenId, new Date())).closedWeeks;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('calendar'));
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('closes a week in one action from a day of the month view, then reopens it', async () => {
    const page = await signedInPage(browser, api.accounts.staff);
    await page.getByTestId('nav-calendar').click();
    await page.getByTestId('staff-calendar').waitFor({ timeout: 20_000 });
    // The depot's Tuesdays show as deliveries.
    await expect
      .poll(() => page.locator('.cal-delivery').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4);

    await page.getByRole('button', { name: 'Mois suivant' }).click();
    await page.locator('.ec-day').nth(16).click();
    const panel = page.getByTestId('week-panel');
    const week = (await panel.getAttribute('data-week')) ?? '';
    expect(week).toMatch(/^\d{4}-W\d{2}$/);
    const number = Number(week.slice(6));
    expect(await page.getByTestId('close-week').textContent()).toContain(`Fermer la semaine ${number}`);

    await page.getByTestId('close-week').click();
    // Shown at once, saved right after.
    await page.getByTestId('reopen-week').waitFor({ timeout: 5_000 });
    await expect.poll(closedWeeks, { timeout: 20_000 }).toContain(week);
    expect(await page.locator('.cal-closed-label').first().textContent()).toContain(
      `Semaine ${number} fermée`,
    );

    await page.getByTestId('reopen-week').click();
    await page.getByTestId('close-week').waitFor({ timeout: 5_000 });
    await expect.poll(closedWeeks, { timeout: 20_000 }).not.toContain(week);
    await page.close();
  });

  it('lists the weeks with a toggle each on a phone', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/calendrier`);
    const row = page.getByTestId('week-row').nth(3);
    await row.waitFor({ timeout: 20_000 });
    const week = (await row.getAttribute('data-week')) ?? '';
    await page.getByTestId(`week-toggle-${week}`).click();
    await expect.poll(() => row.getAttribute('data-closed')).toBe('true');
    await expect.poll(closedWeeks, { timeout: 20_000 }).toContain(week);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await context.close();
  });

  it('sends a garden admin on a phone from the calendar to the garden rules, where they choose « crédité » for absent baskets, the three rules within its width', async () => {
    const admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Claire',
      lastName: 'Vuillemin',
    });
    accounts.push(admin);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, admin);
    await page.goto(`${baseUrl}/equipe/calendrier`);
    await page.getByTestId('calendar-rules-link').click();
    await page.waitForURL(`${baseUrl}/equipe/regles`);
    const setting = page.getByTestId('rules-absences');
    await setting.getByTestId('absence-policy-credited').waitFor({ timeout: 20_000 });
    await setting.scrollIntoViewIfNeeded();
    for (const rule of ['donated', 'compensated', 'credited']) {
      const box = await setting
        .locator('label', { has: page.getByTestId(`absence-policy-${rule}`) })
        .boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    }
    await setting.getByText('Le panier d’un adhérent absent lui est crédité').click();
    await page.getByTestId('save-rules').click();
    await expect
      .poll(() => page.getByTestId('rules-saved').textContent(), { timeout: 20_000 })
      .toContain('Enregistré');
    expect((await api.store.settings.rules(api.gardenId)).absencePolicy).toBe('credited');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
