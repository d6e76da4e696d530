import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays, formatDay } from '../../domain/calendar.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  memberPhonePage,
  memberWithAccount,
  scrollWidth,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { deliveryDayAhead } from '../support/delivery-days.ts';
import { deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { emailsTo, ensureTestSender, uniqueEmail } from '../support/moto.ts';

/**
 * A member who reads English chooses it in the portal, on a phone, and the next message the
 * garden sends (the confirmation of an absence, sent at once) arrives in English.
 */
describe("the language of the garden's messages: the member's choice on a phone, staff's on a desktop", () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('language-ui'));
    await ensureTestSender();
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('switches « Langue des messages » to English; the absence it then reports is confirmed in English', async () => {
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 1 });
    const second = addDays(startDate, 7);
    const email = uniqueEmail('language-ui');
    const { member, account } = await memberWithAccount(
      api,
      { firstName: 'Ann', lastName: 'Lee', email },
      accounts,
    );
    await activeSubscription(api, member.id, startDate);
    // Before the choice, the garden writes French: the approval is in French.
    await expect
      .poll(async () => (await emailsTo(email)).map((sent) => sent.subject), { timeout: 30_000 })
      .toContain('Votre abonnement est validé');

    const page = await memberPhonePage(browser, account);

    const language = page.getByTestId('preference-language');
    await language.waitFor({ timeout: 30_000 });
    await expect.poll(() => language.isEnabled(), { timeout: 20_000 }).toBe(true);
    // Labelled in the page's language, each choice in its own.
    expect(await page.getByLabel('Langue des messages').getAttribute('data-testid')).toBe(
      'preference-language',
    );
    expect(await language.inputValue()).toBe('fr');
    expect(await language.locator('option').allTextContents()).toEqual(['Français', 'English']);

    await language.scrollIntoViewIfNeeded();
    // Fits the phone: nothing sideways, big enough to touch.
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    const box = await language.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(40);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);

    await language.selectOption('en');
    const toast = page.getByTestId('toast');
    await toast.waitFor({ timeout: 10_000 });
    expect(await toast.textContent()).toContain('Langue des messages enregistrée : English.');
    await expect
      .poll(async () => (await api.store.members.get(api.gardenId, member.id))?.language, { timeout: 10_000 })
      .toBe('en');
    // The portal itself stays in the language the person reads it in.
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    // Reporting an absence sends its confirmation at once: in English now.
    await page.getByTestId('report-absence').click();
    await page.getByTestId(`absence-date-${second}`).check();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.getByTestId('confirm-absence').click();
    const reported = page.locator(`[data-testid="next-delivery"][data-date="${second}"]`);
    await expect.poll(() => reported.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');

    await expect
      .poll(async () => (await emailsTo(email)).map((sent) => sent.subject), { timeout: 30_000 })
      .toContain('Absence recorded');
    const confirmation = (await emailsTo(email)).find((sent) => sent.subject === 'Absence recorded');
    expect(confirmation?.body).toContain('<html lang="en">');
    expect(confirmation?.body).toContain('Hello Ann,');
    expect(confirmation?.body).toContain(`We have recorded your absence on ${formatDay(second, 'en')}.`);
    expect((await emailsTo(email)).map((sent) => sent.subject)).not.toContain('Absence notée');

    // Read again, the choice holds.
    await page.reload();
    await language.waitFor({ timeout: 30_000 });
    await expect.poll(() => language.inputValue(), { timeout: 20_000 }).toBe('en');
    await page.context().close();
  });

  it('shows staff the language on the member page, and lets them change it there and in the form', async () => {
    const member = await api.createMember({ firstName: 'Ann', lastName: 'Staffed', language: 'en' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/adherents/${member.id}`);

    const language = page.getByTestId('preference-language');
    await language.waitFor({ timeout: 30_000 });
    await expect.poll(() => language.inputValue(), { timeout: 20_000 }).toBe('en');
    await expect.poll(() => language.isEnabled(), { timeout: 20_000 }).toBe(true);
    await language.selectOption('fr');
    await expect
      .poll(async () => (await api.store.members.get(api.gardenId, member.id))?.language, { timeout: 10_000 })
      .toBe('fr');

    // The record's form carries it too: back to English with the rest of the details.
    await page.getByTestId('edit-member').click();
    const field = page.getByTestId('input-language');
    await expect.poll(() => field.inputValue(), { timeout: 10_000 }).toBe('fr');
    await field.selectOption('en');
    await page.getByTestId('save-member').click();
    await expect
      .poll(async () => (await api.store.members.get(api.gardenId, member.id))?.language, { timeout: 10_000 })
      .toBe('en');
    await expect.poll(() => language.inputValue(), { timeout: 10_000 }).toBe('en');
    await context.close();
  });
});
