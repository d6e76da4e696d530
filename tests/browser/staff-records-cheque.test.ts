import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import type { Invoice } from '../../domain/invoices.ts';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice, printTestInvoice } from '../support/billing.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

describe('staff record a cheque in the browser', () => {
  let api: TestApi;
  let browser: Browser;
  const today = gardenDay(new Date());
  let memberId: string;
  let invoice: Invoice;
  let other: Invoice;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('cheque-ui'));
    memberId = (await api.createMember({ firstName: 'Marcel', lastName: 'Cerdan' })).id;
    invoice = await issueTestInvoice(api, memberId, {
      total: 4500,
      dueOn: addDays(today, -5),
      subject: 'Paniers du mois dernier',
    });
    await printTestInvoice(api, invoice.number);
    // Someone else's unpaid invoice, for the billing page.
    const neighbour = await api.createMember({ firstName: 'Édith', lastName: 'Piaf' });
    other = await issueTestInvoice(api, neighbour.id, { total: 1700, dueOn: addDays(today, -12) });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const balance = (page: Page) => page.getByTestId('balance-due');
  const row = (page: Page) =>
    page.locator(`[data-testid="billing-invoice"][data-number="${invoice.number}"]`);

  async function pay(page: Page, amount: string, chequeNumber: string): Promise<void> {
    await row(page).getByTestId('record-payment').click();
    const dialog = page.getByTestId('payment-dialog');
    await dialog.waitFor();
    // A cheque, for what is left, unless told otherwise.
    expect(await dialog.getByTestId('payment-method-cheque').isChecked()).toBe(true);
    await dialog.getByTestId('payment-amount').fill(amount);
    await dialog.getByTestId('payment-reference').fill(chequeNumber);
    await dialog.getByTestId('payment-bank').fill('Crédit Agricole');
    await dialog.getByTestId('confirm-payment').click();
    await dialog.waitFor({ state: 'detached', timeout: 20_000 });
  }

  it('records a partial cheque then the rest; the balance follows on screen each time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);

    await page.goto(`${baseUrl}/equipe/adherents/${memberId}`);
    await page.getByTestId('member-payments').waitFor({ timeout: 20_000 });
    await expect.poll(() => balance(page).textContent(), { timeout: 20_000 }).toBe('45,00\u00a0€');
    expect(await page.getByTestId('balance-overdue').textContent()).toContain('dont 45,00\u00a0€ en retard');
    expect(await row(page).getAttribute('data-status')).toBe('open');

    // More than is due: said beside the amount, nothing sent.
    await row(page).getByTestId('record-payment').click();
    const dialog = page.getByTestId('payment-dialog');
    expect(await dialog.getByTestId('payment-amount').inputValue()).toBe('45,00');
    await dialog.getByTestId('payment-amount').fill('50');
    await dialog.getByTestId('payment-reference').fill('0001233');
    await dialog.getByTestId('confirm-payment').click();
    expect(await dialog.getByTestId('field-error-amount').textContent()).toContain(
      'Le montant dépasse ce qui reste dû (45,00\u00a0€).',
    );
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });

    await pay(page, '20', '0001234');
    await expect.poll(() => balance(page).textContent(), { timeout: 10_000 }).toBe('25,00\u00a0€');
    expect(await row(page).getByTestId('invoice-outstanding').getAttribute('data-cents')).toBe('2500');
    expect(await row(page).getByTestId('invoice-payment').allTextContents()).toEqual([
      expect.stringMatching(/Chèque · 20,00\u00a0€ · 0001234 \(Crédit Agricole\)$/),
    ]);
    expect(await row(page).getAttribute('data-status')).toBe('open');

    await pay(page, '25,00', '0001235');
    await expect.poll(() => balance(page).textContent(), { timeout: 10_000 }).toBe('Rien à payer.');
    expect(await balance(page).getAttribute('data-cents')).toBe('0');
    expect(await row(page).getAttribute('data-status')).toBe('paid');
    expect(await row(page).getByTestId('invoice-status').textContent()).toBe('Payée');
    expect(await row(page).getByTestId('record-payment').count()).toBe(0);
    expect(await row(page).getByTestId('invoice-payment').count()).toBe(2);

    // What the store holds: two cheques, recorded by the staff member, the invoice paid.
    const stored = await api.store.invoices.get(api.gardenId, invoice.number);
    expect(stored?.status).toBe('paid');
    expect(stored?.payments.map((payment) => [payment.method, payment.amount, payment.reference])).toEqual([
      ['cheque', 2000, '0001234'],
      ['cheque', 2500, '0001235'],
    ]);
    expect(stored?.payments.every((payment) => payment.recorded.by.name === 'Camille Martin')).toBe(true);

    // After a reload, the same.
    await page.reload();
    await expect.poll(() => balance(page).textContent(), { timeout: 20_000 }).toBe('Rien à payer.');
    await context.close();
  });

  it('shows the unpaid list and exports the payments for the accountant, on a phone', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, api.accounts.staff);
    await page.getByTestId('nav-more').click();
    await page.getByTestId('nav-billing').click();
    await page.waitForURL(`${baseUrl}/equipe/facturation`);

    const unpaid = page.locator(`[data-testid="unpaid-row"][data-number="${other.number}"]`);
    await unpaid.waitFor({ timeout: 20_000 });
    expect(await unpaid.textContent()).toContain('Édith Piaf');
    expect(await unpaid.textContent()).toContain('12 jours de retard');
    // The paid invoice is no longer unpaid.
    expect(await page.locator(`[data-testid="unpaid-row"][data-number="${invoice.number}"]`).count()).toBe(0);
    const month = page.locator(`[data-testid="payments-month"][data-month="${today.slice(0, 7)}"]`);
    await month.waitFor({ timeout: 20_000 });
    expect(await month.getByTestId('payments-month-total').textContent()).toContain('45,00');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^paiements-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    const csv = await readFile(await file.path(), 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('Date;Facture;Adhérent;Moyen de paiement;Montant (EUR);Référence');
    const label = `F-${String(invoice.number).padStart(6, '0')}`;
    expect(lines.slice(1)).toEqual([
      `${today};${label};Marcel Cerdan;Chèque;20,00;0001234 · Crédit Agricole`,
      `${today};${label};Marcel Cerdan;Chèque;25,00;0001235 · Crédit Agricole`,
    ]);

    // From the unpaid list to the member's page: the payment dialog fits the phone too.
    await page.goto(`${baseUrl}/equipe/facturation`);
    await unpaid.getByRole('link', { name: 'Édith Piaf' }).click();
    const otherRow = page.locator(`[data-testid="billing-invoice"][data-number="${other.number}"]`);
    await otherRow.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('balance-due').textContent()).toBe('17,00\u00a0€');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await otherRow.getByTestId('record-payment').click();
    await page.getByTestId('payment-dialog').waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
