import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { signedInPage, startBrowserTest } from '../support/browser.ts';

/** Where each delivery shows on the grid, rounded to the pixel. */
async function deliveryBoxes(page: Page): Promise<string[]> {
  const deliveries = page.locator('.cal-delivery');
  const boxes: string[] = [];
  for (let i = 0; i < (await deliveries.count()); i++) {
    const box = await deliveries.nth(i).boundingBox();
    boxes.push(box ? `${Math.round(box.x)},${Math.round(box.y)},${Math.round(box.width)}` : 'hidden');
  }
  return boxes.sort();
}

// The API has no action that moves one delivery day: the calendar must not pretend it does.
describe('staff cannot drag deliveries on the calendar', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('calendar-drag'));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('leaves a delivery on its day when it is dragged to another day, or stretched', async () => {
    const page = await signedInPage(browser, api.accounts.staff);
    await page.getByTestId('nav-calendar').click();
    await page.getByTestId('staff-calendar').waitFor({ timeout: 20_000 });
    // Next month: its Tuesdays are all delivery days, whatever today is.
    await page.getByRole('button', { name: 'Mois suivant' }).click();
    await expect
      .poll(() => page.locator('.cal-delivery').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4);
    const before = await deliveryBoxes(page);

    const delivery = page.locator('.cal-delivery').nth(1);
    const box = await delivery.boundingBox();
    if (!box) throw new Error('the delivery has no box');
    const day = await page.locator('.ec-day').first().boundingBox();
    const dayWidth = day?.width ?? 150;
    // Drag it two days to the right, slowly, as a hand would.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + dayWidth, box.y + box.height / 2, { steps: 10 });
    await page.mouse.move(box.x + box.width / 2 + 2 * dayWidth, box.y + box.height / 2, { steps: 10 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    expect(await deliveryBoxes(page)).toEqual(before);

    // No handle to stretch a delivery over several days either.
    expect(await page.locator('.cal-delivery .ec-resizer').count()).toBe(0);
    await page.close();
  });
});
