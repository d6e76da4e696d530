import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { memberPhonePage, startBrowserTest } from '../support/browser.ts';

/**
 * Issue 17, item 6: on a phone (375 px), the confirmation toast must not cover the controls of
 * the form the person just used, whether that form sits low or high on the screen.
 */
describe('a confirmation on a phone', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('toast-ui'));
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** The element a finger lands on at the centre of the control: the control, not the toast. */
  async function reachable(page: Page, selector: string): Promise<boolean> {
    return page.evaluate<boolean>(`(() => {
      const element = document.querySelector(${JSON.stringify(selector)});
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit !== null && (element === hit || element.contains(hit) || hit.contains(element));
    })()`);
  }

  async function overlaps(toast: Locator, control: Locator): Promise<boolean> {
    const [a, b] = [await toast.boundingBox(), await control.boundingBox()];
    if (!a || !b) return false;
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  }

  it('leaves the switch just used visible and usable, low or high on the screen', async () => {
    const page = await memberPhonePage(browser, api.accounts.member);
    const preferences = page.getByTestId('contact-preferences');
    await preferences.waitFor({ timeout: 20_000 });
    await expect.poll(() => preferences.isEnabled(), { timeout: 20_000 }).toBe(true);
    // Everything above the switches is read (the page stops growing), so the switch stays put.
    await page.getByTestId('my-balance').waitFor({ timeout: 20_000 });
    await page.getByTestId('online-payment-offline').waitFor({ timeout: 30_000 });
    const switchSelector = '[data-testid="preference-email"]';
    const rowSelector = 'label.switch:has([data-testid="preference-email"])';
    const emailSwitch = page.locator(switchSelector);
    const emailRow = page.locator(rowSelector);

    for (const [where, block] of [
      ['low on the screen', 'end'],
      ['high on the screen', 'start'],
    ] as const) {
      // The page has stopped moving: the row's place in the page is the same half a second apart.
      const offset = () =>
        page.evaluate<number>(
          `document.querySelector('${rowSelector}').getBoundingClientRect().top + window.scrollY`,
        );
      await expect
        .poll(
          async () => {
            const first = await offset();
            await new Promise((resolve) => setTimeout(resolve, 500));
            return (await offset()) - first;
          },
          { timeout: 20_000 },
        )
        .toBe(0);
      // Where a thumb reaches it after scrolling: the switch's row at the bottom (or top) edge.
      await page.evaluate(
        `document.querySelector('${rowSelector}').scrollIntoView({ block: '${block}', behavior: 'instant' })`,
      );
      const before = await emailRow.boundingBox();
      await emailSwitch.click();
      const toast = page.getByTestId('toast');
      await toast.waitFor({ timeout: 10_000 });
      expect(await toast.textContent()).toContain('Préférences enregistrées');
      // The page did not move under the finger.
      expect((await emailRow.boundingBox())?.y, where).toBeCloseTo(before?.y ?? -1, 0);
      expect(await overlaps(toast, emailRow), `${where}: toast over the switch`).toBe(false);
      expect(await reachable(page, switchSelector), `${where}: switch reachable`).toBe(true);
      // The toast itself is on the screen, whole.
      const box = await toast.boundingBox();
      expect(box && box.y >= 0 && box.y + box.height <= 667, where).toBe(true);
      await toast.getByRole('button', { name: 'Fermer la notification' }).click();
      await toast.waitFor({ state: 'detached' });
    }
    await page.context().close();
  });
});
