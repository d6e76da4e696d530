import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Round } from '../../domain/rounds/round.ts';
import type { TestApi } from '../support/api.ts';
import { baseUrl, comingWeekday, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { homesToDeliver, testFleet, testVehicle } from '../support/rounds.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { smsTo, uniquePhone } from '../support/moto.ts';
import { formatDay } from '../../domain/calendar.ts';

// The round's day is read once from today: start clear of the garden's midnight.
await clearOfMidnight();

/** Homes around Besançon, delivered at their door. */
const homes = [
  { id: 'm-home-a', firstName: 'Agathe', lastName: '<b>Morel</b>', location: { lat: 47.2501, lng: 6.0302 } },
  { id: 'm-home-b', firstName: 'Bruno', lastName: 'Lefèvre', location: { lat: 47.2312, lng: 6.0105 } },
];

/** A photo as a phone camera would give it: a real JPEG (4000 × 3000), drawn in the page. */
async function cameraPhoto(page: Page): Promise<Buffer> {
  // Run in the page (the test's own code has no DOM): a string, as the other browser tests do.
  const dataUrl = await page.evaluate<string>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const context = canvas.getContext('2d');
    context.fillStyle = 'green';
    context.fillRect(0, 0, 4000, 3000);
    return canvas.toDataURL('image/jpeg', 0.8);
  })()`);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

describe('a day’s round: staff approve it, the driver marks stops offline (through a reload), staff see them', () => {
  let api: TestApi;
  let browser: Browser;
  // A Tuesday a few days ahead: a day the API plans (today to four weeks ahead).
  const date = comingWeekday(2);
  /** The driver's phone, where the round's SMS goes. */
  const driverPhone = uniquePhone();

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('driver-offline'));
    const { gardenId, store } = api;
    await homesToDeliver(
      store,
      gardenId,
      date,
      homes.map((home) => ({
        id: home.id,
        location: home.location,
        member: {
          firstName: home.firstName,
          lastName: home.lastName,
          accessNotes: 'Code 4521, derrière la grange',
        },
      })),
      testFleet(
        [
          testVehicle({
            id: 'van-1',
            name: 'Kangoo',
            driverName: 'Paul Roux',
            driverUsername: api.accounts.driver.username.toLowerCase(),
            driverPhone,
            start: { lat: 47.2466, lng: 6.0223 },
            workStart: '08:00',
          }),
        ],
        { tellMembersTheirWindow: false },
      ),
    );

    const planned = await api.call(
      api.accounts.staff,
      'POST',
      `/api/gardens/${gardenId}/rounds/${date}/plan`,
    );
    expect(planned.statusCode).toBe(202);
    // The workflow plans through VROOM in a moment (expect.poll is for tests, not their setup).
    for (
      let attempt = 0;
      (await store.rounds.get(gardenId, date))?.phase !== 'awaiting-approval';
      attempt++
    ) {
      if (attempt >= 120) throw new Error(`the round of ${date} was not planned`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('staff approve the day’s routes from the inbox: they are sent to the driver', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/a-valider`);
    const card = page.locator(`[data-testid="inbox-item"][data-kind="round-approval"][data-date="${date}"]`);
    // The inbox reads Temporal's visibility, a moment behind the workflow.
    await expect
      .poll(
        async () => {
          if (await card.isVisible()) return true;
          await page.reload();
          await page
            .getByTestId('inbox-item')
            .first()
            .waitFor({ timeout: 5_000 })
            .catch(() => undefined);
          return card.isVisible();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(true);
    expect(await card.textContent()).toContain('1 véhicule · 2 arrêts');

    await card.getByTestId('approve-round').click();
    await card.getByTestId('round-approved').waitFor({ timeout: 20_000 });
    await expect
      .poll(async () => (await api.store.rounds.get(api.gardenId, date))?.phase, { timeout: 30_000 })
      .toBe('distributed');

    // The day's page says so, with the routes and nothing delivered yet.
    await card.getByTestId('round-link').click();
    await page.waitForURL(`${baseUrl}/equipe/tournees/${date}`);
    await page.locator('[data-phase="distributed"]').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('round-progress').textContent()).toContain('Livrés 0 sur 2');
    expect(await page.getByTestId('round-stop').count()).toBe(2);
    await page.close();
  });

  it('the driver opens the SMS link on a phone and signs in; offline, marks a stop with a photo, reloads, reopens the link and marks another; once back online both arrive once and staff see them', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = await context.newPage();

    // The SMS the round's distribution sent to the driver's phone, in French, with the day's link.
    await expect.poll(async () => (await smsTo(driverPhone)).length, { timeout: 30_000 }).toBe(1);
    const [sms] = await smsTo(driverPhone);
    const gardenName = (await api.store.gardens.get(api.gardenId))?.name ?? '';
    const text = new RegExp(
      `^${gardenName} : votre tournée du ${formatDay(date)} \\(2 arrêts, départ \\d{2}:\\d{2}\\) : (\\S+)$`,
    );
    expect(sms?.message).toMatch(text);
    const link = text.exec(sms?.message ?? '')?.[1] ?? '';
    // The link leads to where the app is served, the day's route.
    expect(link).toBe(`${baseUrl}/chauffeur/${date}`);

    // The driver opens it signed out: the sign-in page, then back on the day's round.
    await phone.goto(link);
    await phone.getByTestId('login-button').waitFor({ timeout: 30_000 });
    await phone.getByTestId('login-button').click();
    await phone.locator('#username').fill(api.accounts.driver.username);
    await phone.locator('#password').fill(api.accounts.driver.password);
    await phone.locator('#kc-login').click();
    await phone.waitForURL(link, { timeout: 30_000 });
    await phone.getByTestId('driver-stops').waitFor({ timeout: 30_000 });
    const stops = phone.getByTestId('driver-stop');
    expect(await stops.count()).toBe(2);
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(375);
    const agathe = phone.locator('[data-testid="driver-stop"][data-stop="home.m-home-a.start"]');
    expect(await agathe.locator('h2').textContent()).toContain('Agathe <b>Morel</b>');
    expect(await agathe.getByTestId('stop-access-notes').textContent()).toContain('Code 4521');
    expect(await agathe.getByTestId('stop-waze').getAttribute('href')).toBe(
      'https://waze.com/ul?ll=47.2501,6.0302&navigate=yes',
    );
    const photo = await cameraPhoto(phone);
    // The phone has kept what it needs to open the day with no network (app and route).
    await phone.getByTestId('offline-ready').waitFor({ timeout: 30_000 });

    // No network in the lane.
    await context.setOffline(true);
    await agathe.getByTestId('mark-not-delivered').click();
    await agathe.getByTestId('mark-reason-absent').check();
    await agathe.getByTestId('mark-comment').fill('Personne, volets fermés');
    await agathe
      .getByTestId('mark-photo-input')
      .setInputFiles({ name: 'porte.jpg', mimeType: 'image/jpeg', buffer: photo });
    await agathe.getByTestId('mark-photo-preview').waitFor({ timeout: 20_000 });
    await agathe.getByTestId('mark-save').click();
    await agathe.getByTestId('stop-waiting').waitFor();
    expect(await agathe.getByTestId('stop-waiting').textContent()).toContain('en attente d’envoi');
    expect(await phone.getByTestId('marks-waiting').getAttribute('data-count')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await api.store.rounds.get(api.gardenId, date))?.marks).toEqual([]);

    // Still no network, the driver reloads the page: it opens from what the phone kept (the
    // service worker's copy of the app, the route as last loaded), with the mark still waiting.
    const reloaded = await phone.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    expect(await phone.evaluate<boolean>('navigator.onLine')).toBe(false);
    expect(await phone.evaluate<string>(`fetch('/api/config').then(() => 'reached', () => 'failed')`)).toBe(
      'failed',
    );
    await phone.getByTestId('driver-stops').waitFor({ timeout: 30_000 });
    expect(await stops.count()).toBe(2);
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(375);
    expect(await phone.getByTestId('driver-route-kept').textContent()).toContain('Pas de réseau');
    await agathe.getByTestId('stop-waiting').waitFor();
    expect(await phone.getByTestId('marks-waiting').getAttribute('data-count')).toBe('1');

    // The phone killed the tab; the driver opens the SMS link again, still offline, and marks
    // a second stop.
    await phone.close();
    const reopened = await context.newPage();
    const opened = await reopened.goto(link);
    expect(opened?.fromServiceWorker()).toBe(true);
    await reopened.getByTestId('driver-stops').waitFor({ timeout: 30_000 });
    const agatheAgain = reopened.locator('[data-testid="driver-stop"][data-stop="home.m-home-a.start"]');
    const bruno = reopened.locator('[data-testid="driver-stop"][data-stop="home.m-home-b.start"]');
    await agatheAgain.getByTestId('stop-waiting').waitFor();
    await bruno.getByTestId('mark-delivered').click();
    await bruno.getByTestId('stop-waiting').waitFor();
    expect(await reopened.getByTestId('marks-waiting').getAttribute('data-count')).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await api.store.rounds.get(api.gardenId, date))?.marks).toEqual([]);

    // The network is back: the session comes back from Keycloak and both marks go by
    // themselves, in order, the photo first; each once.
    await context.setOffline(false);
    await expect
      .poll(async () => (await api.store.rounds.get(api.gardenId, date))?.marks.length, { timeout: 30_000 })
      .toBe(2);
    await reopened.getByTestId('marks-waiting').waitFor({ state: 'detached', timeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const round = (await api.store.rounds.get(api.gardenId, date)) as Round;
    expect(round.marks.map((made) => [made.stopId, made.outcome])).toEqual([
      ['home.m-home-a.start', 'not-delivered'],
      ['home.m-home-b.start', 'delivered'],
    ]);
    const [mark] = round.marks;
    expect(mark).toMatchObject({
      stopId: 'home.m-home-a.start',
      outcome: 'not-delivered',
      reason: 'absent',
      comment: 'Personne, volets fermés',
    });
    expect(mark?.photoKey).toBe(mark?.markId);
    await expect.poll(() => agatheAgain.getAttribute('data-state'), { timeout: 10_000 }).toBe('sent');
    await expect.poll(() => bruno.getAttribute('data-state'), { timeout: 10_000 }).toBe('sent');
    await context.close();

    // Staff see it on the day's page, with the photo, made small (1600 px at most).
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/tournees/${date}`);
    await page.getByTestId('round-progress').waitFor({ timeout: 20_000 });
    expect((await page.getByTestId('round-progress').textContent())?.replace(/\s+/g, ' ')).toContain(
      'Livrés 1 sur 2 · 1 non livré',
    );
    const row = page.locator('[data-testid="round-stop"][data-stop="home.m-home-a.start"]');
    expect(await row.getAttribute('data-mark')).toBe('not-delivered');
    expect(await row.getByTestId('stop-mark').textContent()).toContain('Non livré : absent');
    const thumbnail = row.getByTestId('mark-photo').locator('img');
    await thumbnail.waitFor({ timeout: 20_000 });
    const size = await page.evaluate<{ width: number; height: number }>(`(async () => {
      const image = document.querySelector('[data-stop="home.m-home-a.start"] [data-testid="mark-photo"] img');
      await image.decode();
      return { width: image.naturalWidth, height: image.naturalHeight };
    })()`);
    expect(size).toEqual({ width: 1600, height: 1200 });
    await page.close();
  });
});
