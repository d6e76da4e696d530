import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { gardenDay } from '../../domain/calendar.ts';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice } from '../support/billing.ts';
import { baseUrl, signedInPage, startBrowserTest } from '../support/browser.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { manyUnpaidInvoices, recordSubscription, secondDepot } from '../support/long-lists.ts';

// Due dates are counted from today: start clear of the garden's midnight.
await clearOfMidnight();

/**
 * Staff lists at a garden's size, on a desktop: the billing page with the demo's volume (77
 * unpaid invoices, 80 in all) stays a few screens high, with counts, pages, filters and sorts
 * kept in the address; the member list filters by depot and standing and shows its total.
 */
describe('staff long lists', () => {
  let api: TestApi;
  let browser: Browser;
  let farm: string;
  const today = gardenDay(new Date());

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('long-lists'));
    const { memberIds } = await manyUnpaidInvoices(api, today, { households: 12, count: 77 });
    for (const memberId of memberIds.slice(0, 3)) {
      const paid = await issueTestInvoice(api, memberId, { total: 1500, dueOn: '2026-01-10' });
      await api.store.invoices.addPayment(api.gardenId, paid.number, {
        id: `p-${paid.number}`,
        method: 'cash',
        amount: 1500,
        receivedOn: '2026-01-10',
        recorded: { by: { userId: 'u-staff', name: 'Camille Martin' }, at: '2026-01-10T10:00:00.000Z' },
      });
    }
    farm = await secondDepot(api);
    // At the farm: two active households and a paused one; at the centre: one active.
    await recordSubscription(api, memberIds[0] ?? '', farm, 'active');
    await recordSubscription(api, memberIds[1] ?? '', farm, 'active');
    await recordSubscription(api, memberIds[2] ?? '', farm, 'paused');
    await recordSubscription(api, memberIds[3] ?? '', api.depotId, 'active');
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  // Signed in once the staff's menu shows: an address typed before that would start over.
  const staffPage = () => signedInPage(browser, api.accounts.staff, 'nav-members');
  const height = (page: Page) => page.evaluate<number>('document.documentElement.scrollHeight');

  it('shows the billing page a page of rows at a time, with counts, filters and sorts that survive a reload', async () => {
    const page = await staffPage();
    await page.goto(`${baseUrl}/equipe/facturation`);
    const unpaid = page.getByTestId('unpaid-report');
    await expect.poll(() => unpaid.getByTestId('unpaid-row').count(), { timeout: 30_000 }).toBe(20);
    await expect.poll(() => page.getByTestId('invoice-row').count(), { timeout: 20_000 }).toBe(20);
    expect(await unpaid.getByTestId('unpaid-count').textContent()).toBe('77 impayés');
    expect(await page.getByTestId('invoice-count').textContent()).toContain('80 factures');
    expect(await unpaid.getByTestId('page-number').textContent()).toBe('Page 1 sur 4');
    // A few screens, not 11,836 px.
    expect(await height(page)).toBeLessThan(5000);

    // The last page of the unpaid list: the 17 most recent.
    await unpaid.getByTestId('next-page').click();
    await unpaid.getByTestId('next-page').click();
    await unpaid.getByTestId('next-page').click();
    await expect.poll(() => unpaid.getByTestId('unpaid-row').count()).toBe(17);
    expect(new URL(page.url()).searchParams.get('impayes-page')).toBe('4');

    // Sorted by amount, largest first; overdue only.
    await unpaid.getByTestId('unpaid-sort').selectOption('amount');
    await unpaid.getByTestId('unpaid-situation').selectOption('overdue');
    await expect.poll(() => unpaid.getByTestId('page-number').textContent()).toBe('Page 1 sur 4');
    const amounts = async () =>
      (await unpaid.locator('[data-testid="unpaid-row"] .cell-number').allTextContents()).map((text) =>
        Number(text.replace(/[^\d,]/g, '').replace(',', '.')),
      );
    const first = await amounts();
    expect(first).toEqual([...first].sort((a, b) => b - a));
    const shown = await unpaid.getByTestId('unpaid-shown').textContent();
    expect(shown).toMatch(/^20 affichés sur \d+$/);

    // Nobody has a card here: no row promises a debit.
    expect(await unpaid.getByTestId('unpaid-next-step').allTextContents()).not.toContainEqual(
      expect.stringContaining('Prélèvement'),
    );

    // Paid invoices of January, after a reload: the same filters.
    await page.getByTestId('invoice-filter').selectOption('paid');
    await expect.poll(() => page.getByTestId('invoice-row').count(), { timeout: 10_000 }).toBe(3);
    await page.reload();
    await expect.poll(() => page.getByTestId('invoice-row').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('invoice-filter').inputValue()).toBe('paid');
    expect(await unpaid.getByTestId('unpaid-shown').textContent()).toBe(shown);
    expect(await unpaid.getByTestId('unpaid-sort').inputValue()).toBe('amount');
    await page.context().close();
  });

  it('filters members by depot and standing, with the total, kept in the address', async () => {
    const page = await staffPage();
    await page.goto(`${baseUrl}/equipe/adherents`);
    // Twelve households and the test's own member.
    await expect
      .poll(() => page.getByTestId('member-count').textContent(), { timeout: 30_000 })
      .toMatch(/^13 adhérents/);
    expect(await page.getByTestId('member-count').textContent()).toMatch(/13 affichés sur 13$/);

    await page.getByTestId('member-depot').selectOption(farm);
    await expect.poll(() => page.getByTestId('member-count').textContent()).toMatch(/^3 adhérents/);
    expect(await page.getByTestId('member-row').count()).toBe(3);

    await page.getByTestId('member-status').selectOption('active');
    await expect.poll(() => page.getByTestId('member-count').textContent()).toMatch(/^2 adhérents/);
    expect(await page.getByTestId('member-row').count()).toBe(2);

    await page.reload();
    await expect
      .poll(() => page.getByTestId('member-count').textContent(), { timeout: 20_000 })
      .toMatch(/^2 adhérents/);
    expect(await page.getByTestId('member-depot').inputValue()).toBe(farm);
    expect(await page.getByTestId('member-status').inputValue()).toBe('active');

    await page.getByTestId('member-depot').selectOption('');
    await page.getByTestId('member-status').selectOption('none');
    await expect.poll(() => page.getByTestId('member-count').textContent()).toMatch(/^9 adhérents/);
    await page.context().close();
  });

  it('pages through members with only a page number in the address, never a name', async () => {
    // Twenty more households without a subscription: 29 « sans abonnement », two pages of 25.
    const names: string[] = [];
    for (let index = 0; index < 20; index++) {
      const lastName = `Pagé${String(index + 1).padStart(2, '0')}`;
      names.push(lastName);
      await api.createMember({ firstName: 'Lise', lastName });
    }
    const page = await staffPage();
    await page.goto(`${baseUrl}/equipe/adherents?statut=none`);
    await expect
      .poll(() => page.getByTestId('member-count').textContent(), { timeout: 30_000 })
      .toMatch(/^29 adhérents/);
    expect(await page.getByTestId('member-row').count()).toBe(25);

    await page.getByTestId('next-page').click();
    await expect.poll(() => page.getByTestId('member-row').count()).toBe(4);
    expect(await page.getByTestId('page-number').textContent()).toMatch(/2/);
    expect(new URL(page.url()).search).toBe('?statut=none&page=2');
    // Nothing of a member in the address, not even encoded (the API's cursors hold names).
    const href = await page.evaluate<string>('location.href');
    for (const value of new URL(href).searchParams.values()) {
      const decoded = Buffer.from(value, 'base64url').toString('utf8').toLowerCase();
      expect(decoded).not.toMatch(/pagé|impayé|lise|foyer/);
    }
    expect(decodeURIComponent(href).toLowerCase()).not.toMatch(/pagé|impayé|lise|foyer|#m-/);

    // A reload forgets the cursors (they lived in memory): the first page, filter kept.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('member-count').textContent(), { timeout: 20_000 })
      .toMatch(/^29 adhérents/);
    await expect.poll(() => new URL(page.url()).search).toBe('?statut=none');
    expect(await page.getByTestId('member-row').count()).toBe(25);
    expect(await page.getByTestId('member-status').inputValue()).toBe('none');
    await page.context().close();
  });
});
