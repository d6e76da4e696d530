import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { baseUrl, polledSubscription, scrollWidth, signInAs } from '../support/browser.ts';
import { createAccount, type TestAccount } from '../support/keycloak.ts';
import { uniqueEmail } from '../support/moto.ts';
import { sampleBrowserTest } from '../support/sample-browser-test.ts';

/**
 * A module that spins for ever in sign_up_checks (written out by hand: a memory and one export,
 * `loop br 0`), as a garden's broken or hostile extension would.
 */
const spinningModule = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7f, // type: () -> i32
  0x03,
  0x02,
  0x01,
  0x00, // function 0 of type 0
  0x05,
  0x03,
  0x01,
  0x00,
  0x01, // memory: 1 page
  0x07,
  0x1b,
  0x02, // exports: memory, sign_up_checks
  0x06,
  ...Buffer.from('memory'),
  0x02,
  0x00,
  0x0e,
  ...Buffer.from('sign_up_checks'),
  0x00,
  0x00,
  0x0a,
  0x0b,
  0x01,
  0x09,
  0x00,
  0x03,
  0x40,
  0x0c,
  0x00,
  0x0b,
  0x41,
  0x00,
  0x0b, // loop br 0; i32.const 0
]);

/** How soon the extension's check must show: typing, not sending. */
const instant = { timeout: 1_500, interval: 50 };

/**
 * A garden runs panier-solidaire (sign-up-checks): the application form shows its fields and
 * its check at once, in the browser; the server runs the same module and refuses what it
 * refuses, even when the browser was bypassed; a valid application keeps its extra answers.
 */
describe('the garden’s sign-up-checks extension in the application form', () => {
  const garden = sampleBrowserTest('ext-signup', 'panier-solidaire');

  async function newcomer(firstName: string, lastName: string): Promise<TestAccount> {
    const account = await createAccount({ firstName, lastName });
    garden.accounts.push(account);
    return account;
  }

  /** The application form of the test garden, on a 375 px phone, signed in as a newcomer. */
  async function applicationForm(account: TestAccount): Promise<Page> {
    const context = await garden.browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signInAs(page, account);
    await page.waitForURL((url) => url.pathname === '/adhesion', { timeout: 30_000 });
    await page.getByTestId('signup-garden-search').fill(garden.api.gardenId.toUpperCase());
    await page.getByTestId(`signup-garden-${garden.api.gardenId}`).click();
    await page.getByTestId('application-form').waitFor({ timeout: 20_000 });
    return page;
  }

  /** The error shown beside a field, '' when none (read without waiting for one to appear). */
  const errorOf = async (page: Page, field: string) =>
    (await page.getByTestId(`field-error-${field}`).allTextContents()).join(' ').trim();

  it('shows the extension’s fields, and its check as the person types, at phone width; a valid application keeps its answers', async () => {
    const page = await applicationForm(await newcomer('Louise', 'Weiss'));

    // The module loads in the browser (a Web Worker): its two fields appear in the form.
    const questions = page.getByTestId('signup-extension');
    await questions.waitFor({ timeout: 20_000 });
    expect(await questions.getAttribute('data-extension')).toBe('panier-solidaire@1.0.0');
    expect(await questions.textContent()).toContain('Je demande le panier solidaire');
    expect(await questions.textContent()).toContain('Numéro d’orientation de l’association');
    expect(await errorOf(page, 'associationNumber')).toBe('');

    // Asking for the solidarity basket: the number is needed, said at once beside it.
    await page.getByTestId('signup-extra-socialBasket').check();
    await expect
      .poll(() => errorOf(page, 'associationNumber'), instant)
      .toBe('Le numéro d’orientation de l’association est obligatoire pour le panier solidaire.');
    await page.getByTestId('signup-extra-associationNumber').fill('2026');
    await expect
      .poll(() => errorOf(page, 'associationNumber'), instant)
      .toBe('Ce numéro d’orientation n’a pas la forme attendue (par exemple CCAS-2026-0142).');
    await page.getByTestId('signup-extra-associationNumber').fill('CCAS-2026-0142');
    await expect.poll(() => errorOf(page, 'associationNumber'), instant).toBe('');

    // Its rule about an application field shows beside that field.
    await page.getByTestId('signup-basketSize').selectOption('large');
    await expect
      .poll(() => errorOf(page, 'basketSize'), instant)
      .toBe('Le panier solidaire est un petit panier ou un panier moyen.');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);

    // The browser will not send it as it is either.
    await page.getByTestId('signup-depotId').selectOption(garden.api.depotId);
    await page.getByTestId('signup-consent').check();
    await page.getByTestId('submit-application').click();
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname).toBe('/adhesion');

    await page.getByTestId('signup-basketSize').selectOption('medium');
    await expect.poll(() => errorOf(page, 'basketSize'), instant).toBe('');
    await page.getByTestId('submit-application').click();
    await page.waitForURL((url) => url.pathname === '/adherent', { timeout: 45_000 });
    const subscriptionId =
      (await page.getByTestId('my-subscription').getAttribute('data-subscription-id')) ?? '';
    await polledSubscription(
      garden.api,
      subscriptionId,
      (subscription) => subscription?.signUpAnswers,
    ).toEqual({
      socialBasket: true,
      associationNumber: 'CCAS-2026-0142',
    });
    await page.context().close();
  });

  it('stops a module that spins in the browser: the page stays responsive and the form has no extra check', async () => {
    const account = await newcomer('Lucie', 'Aubrac');
    const contentHash = createHash('sha256').update(spinningModule).digest('hex');
    const context = await garden.browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    // The browser is given the spinning module instead of the garden's (the server keeps its own).
    await context.route(`**/api/gardens/${garden.api.gardenId}/extension-modules/sign-up-checks`, (route) =>
      route.fulfill({
        json: {
          module: {
            hook: 'sign-up-checks',
            name: 'spinning',
            version: '0.0.1',
            contentHash,
            url: `/api/gardens/${garden.api.gardenId}/extension-modules/sign-up-checks/${contentHash}`,
          },
        },
      }),
    );
    await context.route(`**/extension-modules/sign-up-checks/${contentHash}`, (route) =>
      route.fulfill({ body: Buffer.from(spinningModule), contentType: 'application/wasm' }),
    );
    const warnings: string[] = [];
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await signInAs(page, account);
    await page.waitForURL((url) => url.pathname === '/adhesion', { timeout: 30_000 });
    await page.getByTestId('signup-garden-search').fill(garden.api.gardenId.toUpperCase());
    await page.getByTestId(`signup-garden-${garden.api.gardenId}`).click();
    await page.getByTestId('application-form').waitFor({ timeout: 20_000 });

    // Its first call runs past its budget: the worker is stopped, and said so in the console.
    await expect
      .poll(() => warnings.join('\n'), { timeout: 10_000 })
      .toContain('spinning 0.0.1: sign_up_checks took over');
    // The page never froze: it answers at once, and the form works without the extra check.
    const started = Date.now();
    await page.getByTestId('signup-firstName').fill('Lucie');
    expect(await page.evaluate<number>('1 + 1')).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await page.getByTestId('signup-extension').count()).toBe(0);
    await page.getByTestId('signup-lastName').fill('Aubrac');
    await page.getByTestId('signup-basketSize').selectOption('small');
    await page.getByTestId('signup-depotId').selectOption(garden.api.depotId);
    await page.getByTestId('signup-consent').check();
    await page.getByTestId('submit-application').click();
    await page.waitForURL((url) => url.pathname === '/adherent', { timeout: 45_000 });
    await context.close();
  });

  it('is refused by the server when the browser check is bypassed (posted straight to the API)', async () => {
    const account = await newcomer('Olympe', 'Gouges');
    let startDate = addDays(gardenDay(new Date()), 10);
    while (new Date(`${startDate}T00:00:00Z`).getUTCDay() !== 2) startDate = addDays(startDate, 1);
    const body = (basketSize: string, answers: Record<string, unknown>) => ({
      household: { firstName: 'Olympe', lastName: 'Gouges', email: uniqueEmail('ext-signup') },
      subscription: { basketSize, frequency: 'weekly', depotId: garden.api.depotId, startDate },
      consent: true,
      answers,
    });
    const post = async (payload: unknown) =>
      fetch(`${baseUrl}/api/gardens/${garden.api.gardenId}/applications`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await account.token()}`,
          'content-type': 'application/json',
          'accept-language': 'fr',
        },
        body: JSON.stringify(payload),
      });

    const missing = await post(body('small', { socialBasket: true }));
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { issues: unknown[] }).issues).toEqual([
      {
        field: 'associationNumber',
        message: 'Le numéro d’orientation de l’association est obligatoire pour le panier solidaire.',
      },
    ]);
    const large = await post(body('large', { socialBasket: true, associationNumber: 'CCAS-2026-0142' }));
    expect(large.status).toBe(422);
    expect(((await large.json()) as { issues: unknown[] }).issues).toEqual([
      { field: 'basketSize', message: 'Le panier solidaire est un petit panier ou un panier moyen.' },
    ]);
    // Nothing was recorded: the person has no member record yet.
    expect(
      await garden.api.store.members.memberOfAccount(garden.api.gardenId, account.userId),
    ).toBeUndefined();
  });
});
