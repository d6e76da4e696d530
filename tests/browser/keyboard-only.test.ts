import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { takenApplication, type TestApi } from '../support/api.ts';
import { focusedElement, focusShown, hasFocus, tabTo } from '../support/accessibility.ts';
import { issueTestInvoice, printTestInvoice } from '../support/billing.ts';
import { activeSubscription, baseUrl, memberWithAccount, startBrowserTest } from '../support/browser.ts';
import { deliveryDayAhead } from '../support/delivery-days.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { uniqueEmail } from '../support/moto.ts';

// The days are read once from today: start clear of the garden's midnight.
await clearOfMidnight();

/**
 * Issue 16: everyday tasks done with a keyboard alone, from signing in: a member reports an
 * absence, staff approve an application from the inbox, close a week in the calendar, write a
 * week's composition and record a cheque. Each step is reached with Tab and done with Enter, Space, the arrows or
 * typing; the focus shows where it is, stays in a dialog, and comes back after it.
 */
describe('everyday tasks with a keyboard alone', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('keyboard-only'));
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  /** Signs in with the keyboard: the app's login button, then Keycloak's form. */
  async function keyboardSignIn(account: TestAccount): Promise<Page> {
    // In the garden's time zone: the calendar's « today » is the garden's.
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      timezoneId: gardenTimeZone,
    });
    await page.goto(baseUrl);
    // The window has the keyboard (a headless browser's new page may not).
    await page.bringToFront();
    const login = page.getByTestId('login-button');
    await expect.poll(() => login.isVisible(), { timeout: 30_000 }).toBe(true);
    await tabTo(page, login);
    await page.keyboard.press('Enter');
    const username = page.locator('#username');
    await username.waitFor({ timeout: 30_000 });
    if (!(await hasFocus(username))) await tabTo(page, username);
    await page.keyboard.type(account.username);
    await tabTo(page, page.locator('#password'));
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.origin === baseUrl && !url.pathname.startsWith('/realms'), {
      timeout: 30_000,
    });
    await page.locator('#main h1').first().waitFor({ timeout: 30_000 });
    return page;
  }

  /** The first Tab reaches « Aller au contenu », shown; Enter moves the focus to the content. */
  async function skipToContent(page: Page): Promise<void> {
    const skip = page.getByRole('link', { name: 'Aller au contenu' });
    await tabTo(page, skip, { max: 1 });
    expect(await skip.isVisible()).toBe(true);
    expect(await focusShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string>('document.activeElement?.id ?? ""')).toBe('main');
  }

  it('a member reports an absence', async () => {
    const calendar = await api.store.settings.calendar(api.gardenId);
    const startDate = deliveryDayAhead(calendar, 2, { followedBy: 1 });
    const second = addDays(startDate, 7);
    const { member, account } = await memberWithAccount(
      api,
      { firstName: 'Marie', lastName: 'Curie', email: uniqueEmail('keyboard-absence') },
      accounts,
    );
    const { id } = await activeSubscription(api, member.id, startDate);

    const page = await keyboardSignIn(account);
    await page.waitForURL(`${baseUrl}/adherent`);
    await skipToContent(page);
    const report = page.getByTestId('report-absence');
    await report.waitFor({ timeout: 30_000 });
    await tabTo(page, report);
    expect(await focusShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    // The button gives way to the days' boxes: the focus goes to the first.
    await expect.poll(() => focusedElement(page)).toContain(`[absence-date-${startDate}]`);
    const day = page.getByTestId(`absence-date-${second}`);
    await tabTo(page, day);
    await page.keyboard.press('Space');
    expect(await day.isChecked()).toBe(true);
    await tabTo(page, page.getByTestId('confirm-absence'));
    await page.keyboard.press('Enter');

    const reported = page.locator(`[data-testid="next-delivery"][data-date="${second}"]`);
    await expect.poll(() => reported.getAttribute('data-state'), { timeout: 30_000 }).toBe('absent');
    await expect
      .poll(
        async () =>
          (await api.store.subscriptions.get(api.gardenId, id))?.absences?.map((absence) => absence.date),
        { timeout: 30_000 },
      )
      .toEqual([second]);
    // And the focus is back on « Signaler une absence ».
    await expect.poll(() => hasFocus(report)).toBe(true);
    await page.close();
  });

  it('staff approve an application from the inbox', async () => {
    const member = await api.createMember({ firstName: 'Berthe', lastName: 'Morisot' });
    const subscriptionId = await takenApplication(api, {
      memberId: member.id,
      basketSize: 'large',
      startDate: addDays(gardenDay(new Date()), 7),
    });

    const page = await keyboardSignIn(api.accounts.staff);
    await skipToContent(page);
    // « À valider » in the main menu (above the content: backwards).
    await tabTo(page, page.getByTestId('nav-pending'), { backwards: true });
    expect(await focusShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/equipe/a-valider`);
    const card = page.getByTestId('inbox-item').filter({ hasText: 'Morisot' });
    // The inbox lists from Temporal's visibility, a moment behind: « Actualiser » until it shows.
    await expect
      .poll(
        async () => {
          if ((await card.count()) === 0) {
            await tabTo(page, page.getByTestId('refresh-inbox'));
            await page.keyboard.press('Enter');
          }
          return card.count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const approve = card.getByTestId('approve-button');
    await tabTo(page, approve);
    expect(await focusShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    // The decision can be taken back for a moment: the focus is on « Annuler ».
    await expect.poll(() => hasFocus(card.getByTestId('undo-decision'))).toBe(true);
    await expect
      .poll(async () => (await api.store.subscriptions.get(api.gardenId, subscriptionId))?.status, {
        timeout: 30_000,
      })
      .toBe('active');
    await page.close();
  });

  it('staff close a week in the calendar, moving between days with the arrows', async () => {
    const page = await keyboardSignIn(api.accounts.staff);
    await skipToContent(page);
    await tabTo(page, page.getByTestId('nav-calendar'), { backwards: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(`${baseUrl}/equipe/calendrier`);
    await page
      .getByTestId('staff-calendar')
      .locator('time[role="button"]')
      .first()
      .waitFor({ timeout: 30_000 });

    // One stop for the days: today's, named in full.
    const today = gardenDay(new Date());
    const todayButton = page.locator(`time[datetime="${today}"][role="button"]`);
    await tabTo(page, todayButton);
    expect(await focusShown(page)).toBe(true);
    expect(await todayButton.getAttribute('aria-label')).toMatch(/, semaine \d+$/);
    // Two weeks down (up, late in the month shown), then a day aside: the arrows stay within the
    // days shown, whatever today is.
    const shown = await page
      .getByTestId('staff-calendar')
      .locator('time[role="button"]')
      .evaluateAll((days: { getAttribute: (name: string) => string | null }[]) =>
        days.map((day) => day.getAttribute('datetime') ?? ''),
      );
    const from = shown.indexOf(today);
    const vertical = from + 14 < shown.length ? 'ArrowDown' : 'ArrowUp';
    const sideways = from % 7 === 0 ? 'ArrowRight' : 'ArrowLeft';
    await page.keyboard.press(vertical);
    await page.keyboard.press(vertical);
    await page.keyboard.press(sideways);
    const expected = from + (vertical === 'ArrowDown' ? 14 : -14) + (sideways === 'ArrowRight' ? 1 : -1);
    const chosen = await page.evaluate<string>('document.activeElement?.getAttribute("datetime") ?? ""');
    expect(chosen).toBe(shown[expected]);
    await page.keyboard.press('Enter');

    const panel = page.getByTestId('week-panel');
    await panel.waitFor();
    const week = (await panel.getAttribute('data-week')) ?? '';
    expect(week).toMatch(/^\d{4}-W\d{2}$/);
    const close = page.getByTestId('close-week');
    await tabTo(page, close);
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await api.store.settings.calendar(api.gardenId, new Date())).closedWeeks, {
        timeout: 20_000,
      })
      .toContain(week);
    // The same button now reopens the week, and keeps the focus.
    const reopen = page.getByTestId('reopen-week');
    await expect.poll(() => hasFocus(reopen)).toBe(true);
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await api.store.settings.calendar(api.gardenId, new Date())).closedWeeks, {
        timeout: 20_000,
      })
      .not.toContain(week);
    await page.close();
  });

  it('staff write a week’s composition: a line added, its product chosen, its quantity typed, saved', async () => {
    const created = await api.call(api.accounts.staff, 'POST', `/api/gardens/${api.gardenId}/products`, {
      name: 'Carottes',
      unit: 'kg',
      active: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    const carrots = created.json<{ id: string }>().id;
    // A week well ahead, not prepared yet: its composition can be written already.
    const week = isoWeek(addDays(gardenDay(new Date()), 28));

    const page = await keyboardSignIn(api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/semaines/${week}`);
    await page.getByTestId('composition-form').waitFor({ timeout: 30_000 });
    const small = page.locator('[data-testid="composition-basket"][data-size="small"]');
    await tabTo(page, small.getByTestId('add-line'), { max: 120 });
    expect(await focusShown(page)).toBe(true);
    await page.keyboard.press('Enter');
    // The new line's product takes the focus: the arrows choose it.
    const line = small.getByTestId('composition-line').last();
    const product = line.getByTestId('composition-product');
    await expect.poll(() => hasFocus(product)).toBe(true);
    for (let press = 0; press < 10 && (await product.inputValue()) !== carrots; press++) {
      await page.keyboard.press('ArrowDown');
    }
    expect(await product.inputValue()).toBe(carrots);
    await tabTo(page, line.getByTestId('composition-quantity'));
    await page.keyboard.type('0,5');
    await tabTo(page, page.getByTestId('save-composition'), { max: 120 });
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await api.store.weeks.composition(api.gardenId, week))?.baskets.small, {
        timeout: 20_000,
      })
      .toEqual([expect.objectContaining({ productId: carrots, quantity: 0.5 })]);
    await page.close();
  });

  it('staff record a cheque in a dialog that keeps the focus and gives it back', async () => {
    const member = await api.createMember({ firstName: 'Marcel', lastName: 'Cerdan' });
    const invoice = await issueTestInvoice(api, member.id, {
      total: 4500,
      dueOn: addDays(gardenDay(new Date()), -5),
      subject: 'Paniers du mois dernier',
    });
    await printTestInvoice(api, invoice.number);

    const page = await keyboardSignIn(api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/adherents/${member.id}`);
    await page.getByTestId('member-payments').waitFor({ timeout: 30_000 });
    const row = page.locator(`[data-testid="billing-invoice"][data-number="${invoice.number}"]`);
    const record = row.getByTestId('record-payment');
    await record.waitFor({ timeout: 30_000 });
    await tabTo(page, record, { max: 120 });
    expect(await focusShown(page)).toBe(true);

    // Escape closes the dialog, and the focus is back on the button.
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('payment-dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => hasFocus(record)).toBe(true);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // Tab goes round inside the dialog, never to the page behind it.
    for (let press = 0; press < 25; press++) {
      await page.keyboard.press('Tab');
      const inside = await dialog.evaluate(
        (element: { contains: (other: unknown) => boolean; ownerDocument: { activeElement: unknown } }) =>
          element.contains(element.ownerDocument.activeElement),
      );
      expect(inside, `press ${press + 1}: ${await focusedElement(page)}`).toBe(true);
    }
    // A cheque is chosen already: its number and bank.
    expect(await dialog.getByTestId('payment-method-cheque').isChecked()).toBe(true);
    await tabTo(page, dialog.getByTestId('payment-reference'));
    await page.keyboard.type('0004321');
    await tabTo(page, dialog.getByTestId('payment-bank'));
    await page.keyboard.type('Crédit Mutuel');
    // More than is due, sent with Enter: the error is tied to its field, which takes the focus.
    const amount = dialog.getByTestId('payment-amount');
    await tabTo(page, amount, { backwards: true });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('50');
    await page.keyboard.press('Enter');
    const error = dialog.getByTestId('field-error-amount');
    await error.waitFor({ timeout: 5_000 });
    expect(await amount.getAttribute('aria-invalid')).toBe('true');
    expect((await amount.getAttribute('aria-describedby'))?.split(' ')).toContain(
      await error.getAttribute('id'),
    );
    await expect.poll(() => hasFocus(amount)).toBe(true);
    // What is due, then Enter.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('45,00');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });

    await expect
      .poll(() => page.getByTestId('balance-due').textContent(), { timeout: 20_000 })
      .toBe('Rien à payer.');
    const stored = await api.store.invoices.get(api.gardenId, invoice.number);
    expect(stored?.payments.map((payment) => [payment.method, payment.amount, payment.reference])).toEqual([
      ['cheque', 4500, '0004321'],
    ]);
    // The button went with the debt: the focus is on the page's content, not lost.
    expect(await focusedElement(page)).not.toBe('body ""');
    expect(await page.evaluate<boolean>('document.activeElement !== document.body')).toBe(true);
    await page.close();
  });
});
