import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../support/api.ts';
import { baseUrl, memberPhonePage, scrollWidth, signedInPage, startBrowserTest } from '../support/browser.ts';

/**
 * « Mes données » (issue 14): a member corrects their phone and address on their phone, finds
 * them again after a reload, and staff see the change on the member's page.
 */
describe('a member corrects their own details', () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('member-details-ui'));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('changes their phone and address on a phone, reloads and sees them; staff see them too', async () => {
    const page = await memberPhonePage(browser, api.accounts.member);
    await page.getByTestId('open-my-data').click({ timeout: 30_000 });
    await page.waitForURL(`${baseUrl}/adherent/mes-donnees`);

    await page.getByTestId('edit-details').click({ timeout: 30_000 });
    await page.getByTestId('my-phone').fill('06 11 22 33 44');
    // Markup typed in a field is kept as text, and shown as such.
    await page.getByTestId('my-street').fill('<b>5</b> rue des Granges');
    await page.getByTestId('my-postalCode').fill('25290');
    await page.getByTestId('my-city').fill('Ornans');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.getByTestId('save-details').click();

    const saved = page.getByTestId('details-saved');
    await saved.waitFor({ timeout: 10_000 });
    expect(await saved.textContent()).toContain('Vos coordonnées sont enregistrées.');
    expect(await api.store.members.get(api.gardenId, api.member.id)).toMatchObject({
      phone: '+33611223344',
      address: { street: '<b>5</b> rue des Granges', postalCode: '25290', city: 'Ornans' },
    });

    await page.reload();
    const phone = page.getByTestId('my-phone-shown');
    await phone.waitFor({ timeout: 30_000 });
    expect((await phone.textContent())?.trim()).toBe('06 11 22 33 44');
    const address = page.getByTestId('my-address-shown');
    expect(await address.textContent()).toContain('<b>5</b> rue des Granges');
    expect(await address.textContent()).toContain('25290 Ornans');
    expect(await address.locator('b').count()).toBe(0);
    await page.context().close();

    const staff = await signedInPage(browser, api.accounts.staff);
    await staff.goto(`${baseUrl}/equipe/adherents/${api.member.id}`);
    const details = staff.locator('section[aria-labelledby="member-details-title"]');
    await details.waitFor({ timeout: 30_000 });
    await expect.poll(() => details.textContent(), { timeout: 10_000 }).toContain('06 11 22 33 44');
    expect(await details.textContent()).toContain('<b>5</b> rue des Granges');
    expect(await details.textContent()).toContain('25290 Ornans');
    await staff.context().close();
  });
});
