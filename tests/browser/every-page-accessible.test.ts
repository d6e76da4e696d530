import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import {
  axePage,
  axeViolations,
  overflowingElements,
  settledPage,
  visitInApp,
} from '../support/accessibility.ts';
import {
  activeSubscription,
  baseUrl,
  comingWeekday,
  scrollWidth,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { homesToDeliver, testFleet, testVehicle } from '../support/rounds.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { pages, type Fixture, type Who } from './every-page.ts';

// The fixture's days are read once from today: start clear of the garden's midnight.
await clearOfMidnight();

/**
 * Issue 16: every page of the router, for every role that may open it, at a phone's width and
 * a desktop's, has no violation of the WCAG 2.0 and 2.1 A and AA rules that axe checks. The
 * pages are listed in ./every-page.ts; a page added to the router and left out of that list
 * fails web/src/router/every-page-checked.test.ts.
 */

/**
 * The widths checked: the narrowest phone (320 px, which is also a 1,280 px screen zoomed to
 * 400 %: WCAG's reflow) and a desktop. At 320 px nothing may stick out sideways.
 */
const sizes = [
  { name: 'phone', width: 320, height: 640 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe('every page is accessible (axe, WCAG 2.1 AA), for each role, on a phone and a desktop', () => {
  let api: TestApi;
  let browser: Browser;
  let fixture: Fixture;
  const accounts: TestAccount[] = [];
  const who: Partial<Record<Who, TestAccount>> = {};

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('every-page'));
    const { gardenId, store } = api;
    const roundDate = comingWeekday(2);
    const [gardenAdmin, networkAdmin, newcomer] = await Promise.all([
      createAccount({ role: 'garden-admin', gardenId, firstName: 'Claire', lastName: 'Admin' }),
      createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' }),
      createAccount({ firstName: 'Nina', lastName: 'Nouvelle' }),
    ]);
    accounts.push(gardenAdmin, networkAdmin, newcomer);
    Object.assign(who, {
      newcomer,
      member: api.accounts.member,
      driver: api.accounts.driver,
      staff: api.accounts.staff,
      'garden-admin': gardenAdmin,
      'network-admin': networkAdmin,
    });
    const { id: subscriptionId } = await activeSubscription(api, api.member.id, roundDate);
    // A round to show: two homes delivered by the driver's van on the round's day.
    await homesToDeliver(
      store,
      gardenId,
      roundDate,
      [
        {
          id: 'm-home-a',
          location: { lat: 47.2501, lng: 6.0302 },
          member: { firstName: 'Agathe', lastName: 'Morel' },
        },
        {
          id: 'm-home-b',
          location: { lat: 47.2312, lng: 6.0105 },
          member: { firstName: 'Bruno', lastName: 'Lefèvre' },
        },
      ],
      testFleet([
        testVehicle({
          id: 'van-1',
          name: 'Kangoo',
          driverName: 'Paul Roux',
          driverUsername: api.accounts.driver.username.toLowerCase(),
          start: { lat: 47.2466, lng: 6.0223 },
        }),
      ]),
    );
    fixture = {
      gardenId,
      memberId: api.member.id,
      subscriptionId,
      depotId: api.depotId,
      roundDate,
      week: isoWeek(roundDate),
    };
  });

  afterAll(async () => {
    await deleteAccounts(accounts);
    await browser?.close();
    await api?.close();
  });

  /**
   * Before the page asking a member to accept new terms: a substantial new CGV, published by the
   * garden's administrator. From then on every member page leads there, so it comes last.
   */
  async function newTermsToAccept(): Promise<void> {
    const drafts = `/api/gardens/${api.gardenId}/page-drafts/cgv`;
    const saved = await api.call(who['garden-admin'], 'PUT', drafts, {
      title: 'Conditions générales de vente',
      html: '<h2>Article 1</h2><p>Les paniers sont livrés chaque semaine.</p>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await api.call(who['garden-admin'], 'POST', `${drafts}/publish`, { substantial: true });
    expect(published.statusCode, published.body).toBe(201);
  }

  it('stops animations and transitions for whoever asks their system for less motion', async () => {
    /** A spinner's animation and a switch's transition, as the page styles them. */
    const motion = (page: Page) =>
      page.evaluate<string[]>(`(() => {
        const spinner = document.createElement('span');
        spinner.className = 'spinner';
        const toggle = document.createElement('label');
        toggle.className = 'switch';
        toggle.innerHTML = '<input type="checkbox">';
        document.body.append(spinner, toggle);
        const style = getComputedStyle(spinner);
        const knob = getComputedStyle(toggle.querySelector('input'), '::after');
        return [style.animationName + ' ' + style.animationIterationCount, knob.transitionDuration];
      })()`);
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/connexion`);
    await page.getByTestId('login-button').waitFor({ timeout: 30_000 });
    expect(await motion(page)).toEqual(['spin infinite', '0.15s']);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const [spinner, transition] = await motion(page);
    expect(spinner).toMatch(/^none|^spin 1$/);
    expect(Number.parseFloat(transition ?? '')).toBeLessThan(0.001);
    await page.close();
  });

  const everyone: Who[] = [
    'visitor',
    'newcomer',
    'member',
    'driver',
    'staff',
    'garden-admin',
    'network-admin',
  ];
  it.each(everyone)('finds no violation on the pages the %s opens', async (role) => {
    const visits = Object.entries(pages)
      .filter(([, page]) => page.who.includes(role))
      .sort(([a], [b]) => Number(a === 'accept-terms') - Number(b === 'accept-terms'));
    const page: Page = await axePage(browser);
    const account = who[role];
    if (account) await signInAs(page, account);
    else await page.goto(`${baseUrl}/connexion`);
    // The app's first page (`/` sends each to their home) is shown before the visits: a visit
    // started meanwhile was overtaken by it on a loaded machine.
    await page.waitForFunction('location.pathname !== "/"', undefined, { timeout: 30_000 });
    await settledPage(page);
    const found: string[] = [];
    // The browser's text size, as a reader sets it (16 px by default): rem and em follow it.
    const cdp = await page.context().newCDPSession(page);
    const textSize = (standard: number) => cdp.send('Page.setFontSizes', { fontSizes: { standard } });
    for (const [name, visit] of visits) {
      if (name === 'accept-terms') await newTermsToAccept();
      const path = visit.path(fixture);
      const arrived = await visitInApp(page, path);
      expect(arrived, `${name} (${path}) as ${role}`).toBe(path);
      for (const size of sizes) {
        await page.setViewportSize({ width: size.width, height: size.height });
        await settledPage(page);
        for (const violation of await axeViolations(page)) found.push(`${size.name} ${path}: ${violation}`);
        const wide = await scrollWidth(page);
        if (wide > size.width)
          found.push(
            `${size.name} ${path}: ${wide} px wide, wider than the screen: ${(await overflowingElements(page)).join('; ')}`,
          );
        // The window's title says the page (screen readers say it when the page changes).
        const title = await page.title();
        if (!/. – Cocagne$/.test(title)) found.push(`${size.name} ${path}: the title is « ${title} »`);
      }
      // Text enlarged to 200 % on the desktop (the reader's browser setting): nothing sideways.
      await textSize(32);
      await settledPage(page);
      const rootSize = await page.evaluate<string>('getComputedStyle(document.documentElement).fontSize');
      if (rootSize !== '32px') found.push(`text 200 % ${path}: the text is ${rootSize}, not 32px`);
      const wide = await scrollWidth(page);
      if (wide > 1280)
        found.push(`text 200 % ${path}: ${wide} px wide: ${(await overflowingElements(page)).join('; ')}`);
      await textSize(16);
    }
    await page.context().close();
    expect(found).toEqual([]);
  });
});
