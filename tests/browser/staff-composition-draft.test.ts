import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { isoWeek, weekAfter } from '../../domain/iso-weeks.ts';
import type { TestApi } from '../support/api.ts';
import { baseUrl, signedInPage, startBrowserTest } from '../support/browser.ts';

describe('a composition typed on the week page is not lost when staff leave it', () => {
  let api: TestApi;
  let browser: Browser;
  // A week well ahead, not prepared yet: its composition can be written already.
  const week = isoWeek(addDays(gardenDay(new Date()), 28));
  let carrots = '';

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('composition-draft'));
    const created = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/products`, {
      name: 'Carottes',
      unit: 'kg',
      active: true,
    });
    expect(created.statusCode).toBe(201);
    carrots = created.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const smallLines = (page: Page) =>
    page.locator('[data-testid="composition-basket"][data-size="small"] [data-testid="composition-line"]');

  it('keeps the typed lines as a draft across leaving, coming back and reloading, until saved', async () => {
    const page = await signedInPage(browser, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/semaines/${week}`);
    await page.getByTestId('composition-form').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('composition-draft-restored').count()).toBe(0);

    const small = page.locator('[data-testid="composition-basket"][data-size="small"]');
    await small.getByTestId('add-line').click();
    await smallLines(page).last().getByTestId('composition-product').selectOption(carrots);
    await smallLines(page).last().getByTestId('composition-quantity').fill('0,5');

    // Away to the members, and back: the lines are there, and the page says they are a draft.
    await page.getByTestId('nav-members').click();
    await page.waitForURL(`${baseUrl}/equipe/adherents`);
    await page.goBack();
    await page.waitForURL(`${baseUrl}/equipe/semaines/${week}`);
    const restored = page.getByTestId('composition-draft-restored');
    await restored.waitFor({ timeout: 20_000 });
    expect(await restored.textContent()).toContain('Brouillon non enregistré restauré');
    expect(await smallLines(page).count()).toBe(1);
    expect(await smallLines(page).getByTestId('composition-product').inputValue()).toBe(carrots);
    expect(await smallLines(page).getByTestId('composition-quantity').inputValue()).toBe('0,5');
    expect(await page.getByTestId('composition-unsaved').count()).toBe(1);

    // The next week has its own (empty) composition: the draft stays with its week.
    await page.getByTestId('next-week').click();
    await page.waitForURL(`${baseUrl}/equipe/semaines/${weekAfter(week)}`);
    await page.getByTestId('composition-form').waitFor({ timeout: 20_000 });
    await expect.poll(() => smallLines(page).count()).toBe(0);
    expect(await page.getByTestId('composition-draft-restored').count()).toBe(0);

    // A reload (or a closed tab) keeps it too.
    await page.goto(`${baseUrl}/equipe/semaines/${week}`);
    await page.getByTestId('composition-draft-restored').waitFor({ timeout: 20_000 });
    await page.reload();
    await page.getByTestId('composition-draft-restored').waitFor({ timeout: 20_000 });
    expect(await smallLines(page).getByTestId('composition-quantity').inputValue()).toBe('0,5');

    // Saved, it is no longer a draft: read again, the page shows the saved composition alone.
    await page.getByTestId('save-composition').click();
    await expect
      .poll(async () => (await api.store.weeks.composition(api.gardenId, week))?.baskets.small.length, {
        timeout: 20_000,
      })
      .toBe(1);
    await page.getByTestId('composition-unsaved').waitFor({ state: 'detached', timeout: 10_000 });
    await page.reload();
    await page.getByTestId('composition-form').waitFor({ timeout: 20_000 });
    await expect.poll(() => smallLines(page).count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('composition-draft-restored').count()).toBe(0);
    expect(await page.getByTestId('composition-unsaved').count()).toBe(0);
    await page.close();
  });
});
