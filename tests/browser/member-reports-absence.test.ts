import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays } from '../../domain/calendar.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  phoneContext,
  scrollWidth,
  signIn,
  startBrowserTest,
} from '../support/browser.ts';
import { deliveryDayAhead } from '../support/delivery-days.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { uniqueEmail } from '../support/moto.ts';

describe('a member reports an absence on their phone', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('absence'));
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('ticks the second coming delivery, which then shows as absent', async () => {
    // The test depot delivers on Tuesdays. The first delivery is still open to changes, and its
    // season holds a second one: a subscription ends with its season, late in February.
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 1 });
    const member = await api.createMember({
      firstName: 'Marie',
      lastName: 'Curie',
      email: uniqueEmail('absence'),
    });
    const account = await createAccount({
      role: 'member',
      gardenId: api.gardenId,
      memberId: member.id,
      firstName: 'Marie',
      lastName: 'Curie',
    });
    accounts.push(account);
    const { id } = await activeSubscription(api, member.id, startDate);

    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(baseUrl);
    await expect.poll(() => page.getByTestId('login-button').isVisible(), { timeout: 30_000 }).toBe(true);
    await signIn(page, baseUrl, account.username, account.password);

    const deliveries = page.getByTestId('next-delivery');
    await expect.poll(() => deliveries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const first = await deliveries.nth(0).getAttribute('data-date');
    const second = (await deliveries.nth(1).getAttribute('data-date')) ?? '';
    expect(first).toBe(startDate);
    expect(second).toBe(addDays(startDate, 7));
    expect(await deliveries.nth(1).getAttribute('data-state')).toBe('delivery');
    expect(await deliveries.nth(1).textContent()).toContain('Modifiable avant le');

    await page.getByTestId('report-absence').click();
    await page.getByTestId(`absence-date-${second}`).check();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.getByTestId('confirm-absence').click();

    const reported = page.locator(`[data-testid="next-delivery"][data-date="${second}"]`);
    await expect.poll(() => reported.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');
    await expect
      .poll(
        async () =>
          (await api.store.subscriptions.get(api.gardenId, id))?.absences?.map((absence) => absence.date),
        {
          timeout: 30_000,
        },
      )
      .toEqual([second]);
    // Read again from the workflow, the list still says so, and the first delivery is untouched.
    await page.reload();
    await expect.poll(() => reported.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');
    expect(
      await page
        .locator(`[data-testid="next-delivery"][data-date="${startDate}"]`)
        .getAttribute('data-state'),
    ).toBe('delivery');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
