import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  comingWeekday,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';

/**
 * Names are typed by people, and the maps draw them with Leaflet, which inserts any string it
 * is given as HTML. A depot and a member named with HTML must show that HTML as text on every
 * page that draws them: in the point picker's tooltips, on the garden map's labels and popups,
 * in the tables. Nothing may run, and no element may come out of a name.
 */
describe('staff name a depot and a member with HTML, and nothing runs', () => {
  let api: TestApi;
  let browser: Browser;
  const depotName = `<img src=x onerror="window.__xss='depot'"> Dépôt`;
  const memberFirstName = `<img src=y onerror="window.__xss='member';alert(1)">`;
  let otherDepotId = '';
  let memberId = '';

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('html-names'));

    const garden = `/api/gardens/${api.gardenId}`;
    // A second depot, whose page shows the first one as a landmark on its map.
    const created = await api.call(api.accounts.staff, 'POST', `${garden}/depots`, {
      name: 'Marché couvert',
      address: { street: '3 rue de la République', postalCode: '25000', city: 'Besançon' },
      location: { lat: 47.2392, lng: 6.0262 },
      deliveryWeekday: 2,
      openingHours: '17 h – 19 h',
      capacity: 20,
    });
    expect(created.statusCode).toBe(201);
    otherDepotId = created.json<{ id: string }>().id;

    // A member delivered at home by the test depot (made a round below), placed on the map.
    const member = await api.createMember({
      firstName: memberFirstName,
      lastName: 'Jardin',
      address: { street: '8 rue Battant', postalCode: '25000', city: 'Besançon' },
    });
    memberId = member.id;
    const placed = await api.call(api.accounts.staff, 'PUT', `${garden}/members/${memberId}/location`, {
      lat: 47.236,
      lng: 6.02,
    });
    expect(placed.statusCode).toBe(200);
    await activeSubscription(api, memberId, comingWeekday(2));
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /**
   * A context that records whatever a payload could do: dialogs, page errors, and inline
   * handlers the Content-Security-Policy had to block (each means HTML came out of a name).
   */
  async function watchedContext(attempts: string[]): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.exposeBinding('reportViolation', (_source, text: string) => attempts.push(text));
    // A string: these files are typed for Node, the script runs in the page.
    await context.addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        window.reportViolation('blocked ' + event.violatedDirective + ' on ' + location.pathname);
      });
    `);
    context.on('dialog', (dialog) => {
      attempts.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    context.on('weberror', (error) => attempts.push(`error: ${error.error().message}`));
    return context;
  }

  /** What a name turned into HTML would leave on the page: its images, or the flag their handlers set. */
  async function expectNoTraces(page: Page): Promise<void> {
    expect({
      images: await page.locator('img[src="x"], img[src="y"]').count(),
      flag: await page.evaluate('window.__xss'),
    }).toEqual({ images: 0, flag: undefined });
  }

  /** The tooltips of a point picker's landmarks, each opened by hovering it. */
  async function tooltipTexts(page: Page, mapTestId: string, count: number): Promise<string[]> {
    const map = page.getByTestId(mapTestId);
    const landmarks = map.locator('path.leaflet-interactive');
    await expect.poll(() => landmarks.count(), { timeout: 20_000 }).toBe(count);
    // The picker opens close on its own point: one step out, every landmark is in view, clear
    // of the picker's own marker (the places are a few hundred metres apart).
    await map.locator('.leaflet-control-zoom-out').click();
    await expect.poll(() => map.locator('.leaflet-zoom-anim').count()).toBe(0);
    const texts: string[] = [];
    for (let index = 0; index < count; index++) {
      await landmarks.nth(index).hover();
      const tooltip = map.locator('.leaflet-tooltip');
      await tooltip.waitFor();
      texts.push((await tooltip.textContent()) ?? '');
      // Moving away closes it, so that the next hover opens the next one.
      await page.mouse.move(0, 0);
      await tooltip.waitFor({ state: 'detached' });
    }
    return texts.sort();
  }

  it('shows the names as typed in tooltips, labels, popups and tables', async () => {
    const attempts: string[] = [];
    const context = await watchedContext(attempts);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);

    // Staff rename the test depot with HTML and make it a home-delivery round.
    await page.goto(`${baseUrl}/equipe/depots/${api.depotId}`);
    await page.getByTestId('depot-name').fill(depotName);
    await page.getByTestId('depot-homeDelivery').check();
    await page.getByTestId('save-depot').click();
    await page.waitForURL(`${baseUrl}/equipe/depots`);
    await expect.poll(() => page.getByText(depotName, { exact: false }).count()).toBeGreaterThan(0);

    // The other depot's point picker shows the renamed one as a landmark, named in its tooltip.
    await page.goto(`${baseUrl}/equipe/depots/${otherDepotId}`);
    expect(await tooltipTexts(page, 'depot-map', 1)).toEqual([depotName]);
    await expectNoTraces(page);

    // The garden map: the depot's label, its popup and the member's home popup.
    await page.goto(`${baseUrl}/equipe/carte`);
    const depotMarker = page.locator('.leaflet-marker-icon.map-marker-depot');
    await depotMarker.first().waitFor();
    await page.locator('.leaflet-marker-icon.map-marker-home').waitFor({ timeout: 30_000 });
    // The map redraws its markers (closing any popup) as this week's counts and the homes
    // arrive: popups are opened once everything is in.
    await page.locator('[data-testid="home-row"][data-placed="true"]').waitFor();
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    const labels = (await depotMarker.allTextContents()).sort();
    expect(labels).toEqual([
      expect.stringMatching(/^<img src=x/),
      expect.stringMatching(/^Marché couvert · /),
    ]);
    expect(labels[0]?.startsWith(`${depotName} · `)).toBe(true);
    await depotMarker.filter({ hasText: 'Dépôt' }).click();
    expect(await page.locator('.leaflet-popup-content .map-popup strong').textContent()).toBe(depotName);
    // Closed before the next one opens, so that only one popup is on the page.
    await page.locator('.leaflet-popup-close-button').click();
    await page.locator('.leaflet-popup').waitFor({ state: 'detached' });
    await page.locator('.leaflet-marker-icon.map-marker-home').click();
    const homePopup = page.locator('.leaflet-popup-content .map-popup');
    expect(await homePopup.locator('strong').textContent()).toBe(`${memberFirstName} Jardin`);
    expect(await homePopup.locator('p').allTextContents()).toContain(`Tournée : ${depotName}`);
    expect(await page.getByTestId('map-depot-row').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(depotName)]),
    );
    expect(await page.getByTestId('home-row').textContent()).toContain(`${memberFirstName} Jardin`);
    await expectNoTraces(page);

    // The member's page: the name as its title, and the depots as landmarks of the home picker.
    await page.goto(`${baseUrl}/equipe/adherents/${memberId}`);
    expect(await page.getByTestId('member-name').textContent()).toBe(`${memberFirstName} Jardin`);
    await page.getByTestId('place-member-home').click();
    expect(await tooltipTexts(page, 'member-home-map', 2)).toEqual([depotName, 'Marché couvert'].sort());

    await expectNoTraces(page);
    expect(attempts).toEqual([]);
    await context.close();
  });
});
