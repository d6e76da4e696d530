import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays } from '../../domain/calendar.ts';
import { deliveryUid } from '../../domain/ical-feed.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  memberWithAccount,
  phoneContext,
  scrollWidth,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { deliveryDayAhead } from '../support/delivery-days.ts';
import { deleteAccounts, type TestAccount } from '../support/keycloak.ts';
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

  /** The days of the subscription's absences (or withdrawn ones) as the store holds them. */
  const recordedDays = (id: string, which: 'absences' | 'withdrawnAbsences') => async () =>
    (await api.store.subscriptions.get(api.gardenId, id))?.[which]?.map((absence) => absence.date);

  it('ticks the second coming delivery, which then shows as absent', async () => {
    // The test depot delivers on Tuesdays. The first delivery is still open to changes, and its
    // season holds a second one: a subscription ends with its season, late in February.
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 1 });
    const { member, account } = await memberWithAccount(
      api,
      { firstName: 'Marie', lastName: 'Curie', email: uniqueEmail('absence') },
      accounts,
    );
    const { id } = await activeSubscription(api, member.id, startDate);

    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, account);

    const deliveries = page.getByTestId('next-delivery');
    await expect.poll(() => deliveries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const first = await deliveries.nth(0).getAttribute('data-date');
    const second = (await deliveries.nth(1).getAttribute('data-date')) ?? '';
    expect(first).toBe(startDate);
    expect(second).toBe(addDays(startDate, 7));
    expect(await deliveries.nth(1).getAttribute('data-state')).toBe('delivery');
    expect(await deliveries.nth(1).textContent()).toMatch(/Modifiable jusqu'au \S+ \d+ \S+ inclus/);

    await page.getByTestId('report-absence').click();
    await page.getByTestId(`absence-date-${second}`).check();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await page.getByTestId('confirm-absence').click();

    const reported = page.locator(`[data-testid="next-delivery"][data-date="${second}"]`);
    await expect.poll(() => reported.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');
    await expect.poll(recordedDays(id, 'absences'), { timeout: 30_000 }).toEqual([second]);
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

  /** The description of one day's event in the member's iCal feed, unfolded and unescaped. */
  async function feedDescription(account: TestAccount, memberId: string, uid: string): Promise<string> {
    const link = await api.call(
      account,
      'GET',
      `/api/gardens/${api.gardenId}/members/${memberId}/calendar-link`,
    );
    expect(link.statusCode, link.body).toBe(200);
    const feed = await api.app.inject({
      method: 'GET',
      url: new URL(link.json<{ url: string }>().url).pathname,
    });
    expect(feed.statusCode, feed.body).toBe(200);
    const unfolded = feed.body.replace(/\r\n[ \t]/g, '');
    const event = unfolded.split('BEGIN:VEVENT').find((block) => block.includes(`UID:${uid}`)) ?? '';
    const description = /\r\nDESCRIPTION:(.*)\r\n/.exec(event)?.[1] ?? '';
    return description.replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1');
  }

  it('reports an absence, then takes it back with « Annuler l’absence », reading the deadline as the iCal feed says it', async () => {
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 1 });
    const second = addDays(startDate, 7);
    const { member, account } = await memberWithAccount(
      api,
      { firstName: 'Irène', lastName: 'Joliot', email: uniqueEmail('undo') },
      accounts,
    );
    const { id } = await activeSubscription(api, member.id, startDate);
    const uid = deliveryUid(id, second);

    // The iCal feed's words for the second delivery's deadline: « jusqu'au samedi … inclus ».
    const before = await feedDescription(account, member.id, uid);
    const deadline = /Signalez-le depuis votre espace adhérent (jusqu'au \S+ \d+ \S+ inclus)\./.exec(
      before,
    )?.[1];
    expect(deadline, before).toBeDefined();

    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, account);

    const row = page.locator(`[data-testid="next-delivery"][data-date="${second}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('delivery');
    // The portal says it as the feed does, to the word.
    expect(await row.getByTestId('delivery-deadline').textContent()).toBe(`Modifiable ${deadline}`);
    expect(await page.getByTestId(`withdraw-absence-${second}`).count()).toBe(0);

    await page.getByTestId('report-absence').click();
    await page.getByTestId(`absence-date-${second}`).check();
    await page.getByTestId('confirm-absence').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');
    await expect.poll(recordedDays(id, 'absences'), { timeout: 30_000 }).toEqual([second]);
    // While absent, the feed offers to take it back, until the same last day.
    expect(await feedDescription(account, member.id, uid)).toContain(
      `Finalement présent ? Annulez l'absence depuis votre espace adhérent ${deadline}.`,
    );

    const undo = page.getByTestId(`withdraw-absence-${second}`);
    await expect.poll(() => undo.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await undo.textContent()).toContain('Annuler l’absence');
    expect(await row.getByTestId('delivery-deadline').textContent()).toBe(`Modifiable ${deadline}`);
    // The button fits the phone: nothing scrolls sideways, and it is big enough to touch.
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    const box = await undo.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(40);
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
    await undo.click();

    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('delivery');
    await expect
      .poll(() => page.getByText(/Absence annulée : le panier du .* est maintenu\./).isVisible(), {
        timeout: 30_000,
      })
      .toBe(true);
    await expect.poll(recordedDays(id, 'withdrawnAbsences'), { timeout: 30_000 }).toEqual([second]);
    expect((await api.store.subscriptions.get(api.gardenId, id))?.absences).toEqual([]);

    // Read again from the workflow: the basket is back, nothing left to take back.
    await page.reload();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('delivery');
    expect(await page.getByTestId(`withdraw-absence-${second}`).count()).toBe(0);
    expect(await feedDescription(account, member.id, uid)).toContain(
      `Signalez-le depuis votre espace adhérent ${deadline}.`,
    );
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
