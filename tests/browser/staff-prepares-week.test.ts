import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import type { DeliveryCalendar } from '../../domain/delivery-calendar.ts';
import { mondayOfWeek } from '../../domain/iso-weeks.ts';
import type { BasketSize } from '../../domain/subscription.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  phoneContext,
  scrollWidth,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';

// The test reads today (this week, next week) once, then runs against services on the real
// clock: it starts clear of the garden's midnight, when they would move on to the next day.
await clearOfMidnight();

/** The first bytes of a PDF the page holds as an object URL, read from the page itself. */
function pdfStart(page: Page, url: string): Promise<string> {
  return page.evaluate(async (address) => {
    const bytes = new Uint8Array(await (await fetch(address)).arrayBuffer());
    return String.fromCharCode(...bytes.slice(0, 5));
  }, url);
}

describe('staff prepare a delivery week in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  const today = gardenDay(new Date());
  const week = isoWeek(addDays(today, 7));
  // The test garden's depot delivers on Tuesdays: next week's Tuesday is always ahead.
  const tuesday = addDays(mondayOfWeek(week), 1);
  const products: Record<'carrots' | 'leeks' | 'squash', string> = { carrots: '', leeks: '', squash: '' };
  const members: string[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('week-ui'));

    const garden = `/api/gardens/${api.gardenId}`;
    const staff = api.accounts.staff;
    // A season around next week, no week closed: next week has deliveries.
    const calendar = (await api.call(staff, 'GET', `${garden}/calendar`)).json<DeliveryCalendar>();
    const saved = await api.call(staff, 'PUT', `${garden}/calendar`, {
      seasons: [{ id: 'saison-test', start: addDays(today, -30), end: addDays(today, 200) }],
      closedWeeks: [],
      cutoffHours: 48,
      version: calendar.version,
    });
    expect(saved.statusCode).toBe(200);

    const product = async (name: string, unit: string) => {
      const created = await api.call(staff, 'POST', `${garden}/products`, { name, unit, active: true });
      expect(created.statusCode).toBe(201);
      return created.json<{ id: string }>().id;
    };
    products.carrots = await product('Carottes', 'kg');
    products.leeks = await product('Poireaux', 'bunch');
    products.squash = await product('Courge', 'piece');

    const sizes: [string, BasketSize][] = [
      ['Berthe', 'small'],
      ['Camille', 'small'],
      ['Denise', 'medium'],
      ['Émile', 'large'],
    ];
    for (const [firstName, size] of sizes) {
      const member = await api.createMember({ firstName, lastName: 'Jardin', notes: `Panier ${size}` });
      await activeSubscription(api, member.id, tuesday, size);
      members.push(member.id);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('prepares next week, composes its baskets, approves it from the inbox and opens its documents', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);

    // From the dashboard to next week's page.
    await page.getByTestId('next-week-link').click();
    await page.waitForURL(`${baseUrl}/equipe/semaines/${week}`);
    await page.locator(`[data-week="${week}"][data-state="not-started"]`).waitFor({ timeout: 20_000 });
    await page.getByTestId('prepare-week').click();

    // The progress reaches every running subscription, and the counts show by depot and size.
    const progress = page.getByTestId('week-progress');
    await expect
      .poll(() => progress.getAttribute('data-phase').catch(() => null), { timeout: 60_000 })
      .toBe('awaiting-composition');
    expect(await progress.textContent()).toContain('4 sur 4');
    const total = page.getByTestId('week-counts-total');
    expect((await total.locator('td').allTextContents()).map((text) => text.trim()).slice(1, 5)).toEqual([
      '2',
      '1',
      '1',
      '4',
    ]);
    expect(await page.getByTestId('week-counts-row').getAttribute('data-over-capacity')).toBe('false');

    // Compose the three sizes; the expected harvest follows the typing.
    const harvest = (productId: string) =>
      page.locator(
        `[data-testid="harvest-total"][data-product="${productId}"] [data-testid="harvest-quantity"]`,
      );
    const addLine = async (size: BasketSize, productId: string, quantity: string) => {
      const basket = page.locator(`[data-testid="composition-basket"][data-size="${size}"]`);
      await basket.getByTestId('add-line').click();
      const line = basket.getByTestId('composition-line').last();
      await line.getByTestId('composition-product').selectOption(productId);
      await line.getByTestId('composition-quantity').fill(quantity);
    };
    await addLine('small', products.carrots, '0,5');
    await expect.poll(() => harvest(products.carrots).textContent()).toBe('1 kg');
    await addLine('medium', products.carrots, '1');
    await expect.poll(() => harvest(products.carrots).textContent()).toBe('2 kg');
    await addLine('medium', products.leeks, '1');
    await addLine('large', products.carrots, '1,5');
    await addLine('large', products.squash, '1');
    await expect.poll(() => harvest(products.carrots).textContent()).toBe('3,5 kg');
    expect(await harvest(products.leeks).textContent()).toBe('1 botte(s)');
    expect(await harvest(products.squash).textContent()).toBe('1 pièce(s)');

    await page.getByTestId('save-composition').click();
    await expect
      .poll(async () => (await api.store.weeks.composition(api.gardenId, week))?.baskets.large.length, {
        timeout: 20_000,
      })
      .toBe(2);
    await page.getByTestId('composition-unsaved').waitFor({ state: 'detached', timeout: 10_000 });

    // Approve from the inbox: the week is listed there (Temporal's visibility follows shortly).
    await page.getByTestId('nav-pending').click();
    const item = page.locator(
      `[data-testid="inbox-item"][data-kind="week-composition"][data-week="${week}"]`,
    );
    await expect
      .poll(
        async () => {
          if ((await item.count()) === 0) await page.getByTestId('refresh-inbox').click();
          return item.count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    expect(await item.textContent()).toContain(
      `Composition de la semaine ${Number(week.slice(6))} à valider`,
    );
    expect(await item.getByTestId('inbox-week-total').textContent()).toContain('2 petits');
    await item.getByTestId('approve-week').click();
    await item.getByTestId('week-approved').waitFor({ timeout: 60_000 });

    // The week's page: documents, the harvest list on screen, the depot sheet.
    await item.getByTestId('week-link').click();
    await page.waitForURL(`${baseUrl}/equipe/semaines/${week}`);
    const harvestList = page.locator('[data-testid="week-document"][data-name="recolte.pdf"]');
    await harvestList.waitFor({ timeout: 20_000 });
    const sheetName = `emargement-${api.depotId}.pdf`;
    const sheet = page.locator(`[data-testid="week-document"][data-name="${sheetName}"]`);
    await sheet.waitFor();

    const opened = context.waitForEvent('page');
    await sheet.click();
    const tab = await opened;
    const sheetLink = page.locator(`[data-testid="week-document-link"][data-name="${sheetName}"]`);
    await sheetLink.waitFor({ timeout: 20_000 });
    const sheetUrl = (await sheetLink.getAttribute('href')) ?? '';
    expect(sheetUrl).toMatch(/^blob:/);
    expect(await pdfStart(page, sheetUrl)).toBe('%PDF-');
    await tab.close();

    const openedHarvest = context.waitForEvent('page');
    await harvestList.click();
    await (await openedHarvest).close();
    const harvestLink = page.locator('[data-testid="week-document-link"][data-name="recolte.pdf"]');
    await harvestLink.waitFor({ timeout: 20_000 });
    expect(await pdfStart(page, (await harvestLink.getAttribute('href')) ?? '')).toBe('%PDF-');
    // The same bytes through the API, with the staff's token.
    const direct = await api.call(
      api.accounts.staff,
      'GET',
      `/api/gardens/${api.gardenId}/weeks/${week}/documents/recolte.pdf`,
    );
    expect(direct.statusCode).toBe(200);
    expect(direct.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Locked now, the harvest list on screen shows the approved totals.
    expect(await page.getByTestId('composition-form').count()).toBe(0);
    expect(await harvest(products.carrots).textContent()).toBe('3,5 kg');
    expect(await harvest(products.leeks).textContent()).toBe('1 botte(s)');
    expect(await harvest(products.squash).textContent()).toBe('1 pièce(s)');

    const depotSheet = page.locator(`[data-testid="depot-sheet"][data-depot-id="${api.depotId}"]`);
    await depotSheet.waitFor({ timeout: 20_000 });
    await depotSheet.locator('summary').click();
    expect(await depotSheet.getByTestId('sheet-row').count()).toBe(4);
    expect(await depotSheet.textContent()).toContain('Panier large');
    await context.close();
  });

  it('fits a phone: the week page has no sideways scroll', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/semaines/${week}`);
    await page.getByTestId('week-counts').waitFor({ timeout: 20_000 });
    await page.getByTestId('composition').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    // The sections not in the bottom bar open from « Plus ».
    await page.getByTestId('nav-more').click();
    await page.getByTestId('nav-products').click();
    await page.waitForURL(`${baseUrl}/equipe/produits`);
    await expect.poll(() => page.getByTestId('product-row').count(), { timeout: 20_000 }).toBe(3);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
