import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { GardenRules } from '../../domain/garden-rules.ts';
import type { TestApi } from '../support/api.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * Issue 11, « Garden admin »: the garden's rules edited in a form. A garden administrator on a
 * 360 px phone changes two rules and saves; the API then answers them; other staff find them
 * on the same page, to read only.
 */
describe('the garden rules page', () => {
  let api: TestApi;
  let browser: Browser;
  let admin: TestAccount;
  let before: GardenRules;
  const rulesUrl = () => `/api/gardens/${api.gardenId}/rules`;
  // Two rules changed from what the garden holds, whatever that is.
  const notice = () => (before.cancellationNoticeDays === 21 ? 28 : 21);
  const preparationDay = () => (before.weekPreparationDay === 3 ? 2 : 3);

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('rules-ui'));
    admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Odile',
      lastName: 'Perrin',
    });
    before = await api.store.settings.rules(api.gardenId);
  });

  afterAll(async () => {
    if (admin) await deleteAccounts([admin]);
    await browser?.close();
    await api?.close();
  });

  it('are changed by a garden admin on a phone: two rules saved, « Enregistré », the API answers them', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, admin);
    await page.getByTestId('nav-more').click();
    await page.getByTestId('nav-garden-rules').click();
    await page.waitForURL(`${baseUrl}/equipe/regles`);
    await page.getByTestId('rules-form').waitFor({ timeout: 20_000 });

    await page.getByTestId('rule-cancellationNoticeDays').fill(String(notice()));
    await page.getByTestId('rule-weekPreparationDay').selectOption(String(preparationDay()));
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.getByTestId('save-rules').click();
    await expect
      .poll(() => page.getByTestId('rules-saved').textContent(), { timeout: 20_000 })
      .toContain('Enregistré : les règles du jardin s’appliquent dès maintenant.');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    const answer = await api.call(admin, 'GET', rulesUrl());
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json<GardenRules>()).toEqual({
      ...before,
      cancellationNoticeDays: notice(),
      weekPreparationDay: preparationDay(),
      version: before.version + 1,
    });
    await context.close();
  });

  it('are shown to staff as they were saved, to read only', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);
    await page.getByTestId('nav-more').click();
    await page.getByTestId('nav-garden-rules').click();
    await page.getByTestId('rules-form').waitFor({ timeout: 20_000 });
    await page.getByTestId('rules-read-only').waitFor();

    const noticeField = page.getByTestId('rule-cancellationNoticeDays');
    expect(await noticeField.inputValue()).toBe(String(notice()));
    expect(await noticeField.isDisabled()).toBe(true);
    const day = page.getByTestId('rule-weekPreparationDay');
    expect(await day.inputValue()).toBe(String(preparationDay()));
    expect(await day.isDisabled()).toBe(true);
    expect(await page.getByTestId('save-rules').count()).toBe(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    // Staff may read the rules through the API, not change them.
    const refused = await api.call(api.accounts.staff, 'PUT', rulesUrl(), {
      ...(await api.call(api.accounts.staff, 'GET', rulesUrl())).json<GardenRules>(),
      maxAbsencesPerSeason: 1,
    });
    expect(refused.statusCode).toBe(403);
    await context.close();
  });
});
