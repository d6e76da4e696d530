import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { BasketSize, SubscriptionStatus } from '../../domain/subscription.ts';
import type { TestApi } from '../support/api.ts';
import { baseUrl, signedInPage, startBrowserTest } from '../support/browser.ts';
import { recordSubscription, secondDepot } from '../support/long-lists.ts';

/**
 * The staff's subscription list at a garden's size, on a desktop: 45 subscriptions a page of 20
 * at a time, with the total, counts per status, filters by status, depot and basket size, and
 * sorts, all kept in the address so that a reload shows the same rows. Beside it, the depots'
 * count and the product catalogue's counts, filters and pages.
 */
describe('staff subscription list', () => {
  let api: TestApi;
  let browser: Browser;
  let farm: string;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('subscription-list'));
    farm = await secondDepot(api);
    const sizes: BasketSize[] = ['small', 'medium', 'large'];
    for (let index = 0; index < 45; index++) {
      // 30 active, 6 paused, 5 pending, 4 ended; one household in three at the farm.
      const status: SubscriptionStatus =
        index < 30 ? 'active' : index < 36 ? 'paused' : index < 41 ? 'pending' : 'ended';
      const member = await api.store.members.create(
        api.gardenId,
        `m-list-${String(index).padStart(2, '0')}`,
        {
          firstName: index === 7 ? '<b>Gras</b>' : `Prénom${index}`,
          // Names in reverse order of creation, so that a sort by name is not the default order.
          lastName: `Abonné${String(99 - index).padStart(2, '0')}`,
        },
        '2026-01-01T10:00:00.000Z',
      );
      await recordSubscription(
        api,
        member.id,
        index % 3 === 0 ? farm : api.depotId,
        status,
        `2026-${String(1 + (index % 12)).padStart(2, '0')}-06`,
        sizes[index % 3] ?? 'medium',
      );
    }
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  // Signed in once the staff's menu shows: an address typed before that would start over.
  const staffPage = () => signedInPage(browser, api.accounts.staff, 'nav-members');
  const text = async (page: Page, testId: string) =>
    ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const rowNames = (page: Page) =>
    page.locator('[data-testid="subscription-row"] .cell-title a').allTextContents();

  it('shows a page of 20 with the total, filters, sorts and pages that survive a reload', async () => {
    const page = await staffPage();
    await page.goto(`${baseUrl}/equipe/abonnements`);
    const countText = () => text(page, 'subscription-count');
    await expect.poll(() => countText(), { timeout: 30_000 }).toBe('45 abonnements · 20 affichés sur 45');
    expect(await page.getByTestId('subscription-row').count()).toBe(20);
    expect(await page.getByTestId('page-number').textContent()).toBe('Page 1 sur 3');
    expect(await text(page, 'status-count-active')).toBe('30');
    expect(await text(page, 'status-count-ended')).toBe('4');

    // Sorted by name: Abonné55 (the last created) first; a name holding HTML shows as text.
    await page.getByTestId('subscription-sort').selectOption('name');
    await expect.poll(() => rowNames(page).then((names) => names[0]?.trim())).toBe('Prénom44 Abonné55');
    const names = (await rowNames(page)).map((name) => name.trim());
    expect(names).toEqual([...names].sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!, 'fr')));

    // The farm's 15 subscriptions: 10 active.
    await page.getByTestId('subscription-depot').selectOption(farm);
    await expect.poll(() => countText()).toBe('15 abonnements · 15 affichés sur 15');
    expect(await text(page, 'status-count-active')).toBe('10');
    await page.getByTestId('status-filter-active').click();
    await expect.poll(() => countText()).toBe('10 abonnements · 10 affichés sur 10');

    // Everywhere, active, medium baskets: 10, then the last page of all active ones.
    await page.getByTestId('subscription-depot').selectOption('');
    await page.getByTestId('subscription-basket').selectOption('medium');
    await expect.poll(() => countText()).toBe('10 abonnements · 10 affichés sur 10');
    await page.getByTestId('subscription-basket').selectOption('');
    await expect.poll(() => countText()).toBe('30 abonnements · 20 affichés sur 30');
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('subscription-row').count()).toBe(10);
    expect(await page.getByTestId('page-number').textContent()).toBe('Page 2 sur 2');
    const secondPage = await rowNames(page);
    expect(secondPage).toContain('<b>Gras</b> Abonné92');

    // A reload keeps the status, the sort and the page.
    const address = new URL(page.url());
    expect(address.searchParams.get('statut')).toBe('active');
    expect(address.searchParams.get('tri')).toBe('name');
    expect(address.searchParams.get('page')).toBe('2');
    await page.reload();
    await expect.poll(() => countText(), { timeout: 20_000 }).toBe('30 abonnements · 10 affichés sur 30');
    expect(await rowNames(page)).toEqual(secondPage);
    expect(await page.getByTestId('subscription-sort').inputValue()).toBe('name');
    expect(await page.getByTestId('status-filter-active').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('b', { hasText: 'Gras' }).count()).toBe(0);
    await page.context().close();
  });

  it('counts the depots, and shows the catalogue 50 products at a time with its filters', async () => {
    for (let index = 0; index < 64; index++) {
      // 64 products, 16 of them no longer grown; 4 carrots.
      const name =
        index < 4 ? `Carotte ${['jaune', 'nantaise', 'violette', 'de Colmar'][index]}` : `Légume ${index}`;
      await api.store.products.create(api.gardenId, `p-list-${index}`, {
        name,
        unit: 'kg',
        active: index % 4 !== 3,
      });
    }
    const page = await staffPage();
    await page.goto(`${baseUrl}/equipe/depots`);
    await expect.poll(() => text(page, 'depot-count'), { timeout: 20_000 }).toBe('2 points de dépôt');

    await page.goto(`${baseUrl}/equipe/produits`);
    const countText = () => text(page, 'product-count');
    await expect.poll(countText, { timeout: 20_000 }).toBe('64 produits · 48 cultivés · 50 affichés sur 64');
    expect(await page.getByTestId('product-row').count()).toBe(50);
    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('product-row').count()).toBe(14);

    await page.getByTestId('product-culture').selectOption('not-grown');
    await expect.poll(countText).toBe('64 produits · 48 cultivés · 16 affichés sur 16');
    await page.getByTestId('product-culture').selectOption('');
    // Accents and case do not matter.
    await page.getByTestId('product-search').fill('CAROTTÉ');
    await expect.poll(countText).toBe('64 produits · 48 cultivés · 4 affichés sur 4');
    await page.reload();
    await expect.poll(countText, { timeout: 20_000 }).toBe('64 produits · 48 cultivés · 4 affichés sur 4');
    expect(await page.getByTestId('product-search').inputValue()).toBe('CAROTTÉ');
    await page.context().close();
  });
});
