import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { takenApplication, type TestApi } from '../support/api.ts';
import { baseUrl, signInAs, startBrowserTest } from '../support/browser.ts';

describe('staff approve a subscription in the browser', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('browser'));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('shows the login page, then the members of the garden, then approves from the inbox', async () => {
    const member = await api.createMember({
      firstName: 'Berthe',
      lastName: 'Morisot',
      address: { street: '3 rue Pasteur', postalCode: '25000', city: 'Besançon' },
    });
    const subscriptionId = await takenApplication(api, {
      memberId: member.id,
      basketSize: 'large',
      startDate: addDays(gardenDay(new Date()), 7),
    });

    const page = await browser.newPage();
    await signInAs(page, api.accounts.staff);
    await page.getByTestId('nav-members').click();
    await expect
      .poll(() => page.getByTestId('member-row').allTextContents(), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining('Morisot')]));

    await page.getByTestId('nav-pending').click();
    const row = page.getByTestId('inbox-item').filter({ hasText: 'Morisot' });
    // The inbox lists from Temporal's visibility, which follows a moment after the application.
    await expect
      .poll(
        async () => {
          if ((await row.count()) === 0) await page.getByTestId('refresh-inbox').click();
          return row.count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    await row.getByTestId('approve-button').click();
    await expect
      .poll(async () => (await api.store.subscriptions.get(api.gardenId, subscriptionId))?.status, {
        timeout: 20_000,
      })
      .toBe('active');

    // The subscription's page shows the new status…
    await page.goto(`${baseUrl}/equipe/abonnements/${encodeURIComponent(subscriptionId)}`);
    await expect
      .poll(() => page.getByTestId('subscription-status').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('active');

    // …and the workflow history holds the staff decision as an accepted Update.
    const history = await api.client.workflow
      .getHandle(`${api.gardenId}/subscription/${subscriptionId}`)
      .fetchHistory();
    const accepted =
      history.events?.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
    expect(accepted).toHaveLength(1);
    expect(accepted[0]?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe(
      'decide',
    );
    await page.close();
  });

  it('shows a member their own subscription and its status, on a phone', async () => {
    await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/subscriptions`, {
      memberId: api.member.id,
      basketSize: 'small',
      frequency: 'fortnightly',
      depotId: api.depotId,
      startDate: addDays(gardenDay(new Date()), 14),
    });
    const context = await browser.newContext({
      viewport: { width: 360, height: 780 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signInAs(page, api.accounts.member);
    await expect.poll(() => page.getByTestId('my-subscription').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.getByTestId('subscription-status').getAttribute('data-status')).toBe('pending');
    expect(await page.getByTestId('my-subscription').textContent()).toContain('Dépôt du centre');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await context.close();
  });
});
