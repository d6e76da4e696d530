import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import type { Invoice } from '../../domain/invoices.ts';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice, printTestInvoice } from '../support/billing.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';

// Today and last month are read once: start clear of the garden's midnight.
await clearOfMidnight();

describe('a member downloads an invoice on a phone', () => {
  let api: TestApi;
  let browser: Browser;
  const today = gardenDay(new Date());
  let printed: Invoice;
  let notYet: Invoice;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('invoice-ui'));
    printed = await issueTestInvoice(api, api.member.id, {
      total: 4500,
      dueOn: addDays(today, -3),
      subject: 'Paniers du mois dernier',
    });
    await printTestInvoice(api, printed.number);
    notYet = await issueTestInvoice(api, api.member.id, { total: 1700, dueOn: addDays(today, 20) });
    await api.store.invoices.addPayment(api.gardenId, printed.number, {
      id: 'p-test-1',
      method: 'cheque',
      amount: 1500,
      receivedOn: today,
      reference: '0042',
      recorded: { by: { userId: 'u-staff', name: 'Camille Martin' }, at: new Date().toISOString() },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('sees « Mes factures », downloads a PDF, reads how to pay while online payment is out of reach, and opens the payment link', async () => {
    const context = await phoneContext(browser);
    // js.stripe.com is out of reach here; block it so that the test says the same anywhere.
    await context.route('https://js.stripe.com/**', (route) => route.abort('internetdisconnected'));
    const page = await context.newPage();
    await signInAs(page, api.accounts.member);
    await page.waitForURL(`${baseUrl}/adherent`);

    const invoices = page.getByTestId('my-invoices');
    await invoices.getByRole('heading', { name: 'Mes factures' }).waitFor({ timeout: 20_000 });
    const balance = page.getByTestId('my-balance');
    await balance.waitFor({ timeout: 20_000 });
    expect(await balance.textContent()).toContain('Reste à payer : 47,00\u00a0€');
    expect(await balance.textContent()).toContain('dont 30,00\u00a0€ en retard');
    const row = page.locator(`[data-testid="my-invoice"][data-number="${printed.number}"]`);
    expect(await row.textContent()).toContain('Paniers du mois dernier');
    expect(await row.textContent()).toContain('15,00\u00a0€ déjà payés, reste 30,00\u00a0€');
    // Not printed yet: said, no button.
    const later = page.locator(`[data-testid="my-invoice"][data-number="${notYet.number}"]`);
    expect(await later.getByTestId('invoice-not-printed').textContent()).toBe('PDF bientôt disponible');
    expect(await later.getByTestId('invoice-download').count()).toBe(0);

    const download = page.waitForEvent('download');
    await row.getByTestId('invoice-download').click();
    const file = await download;
    const label = `F-${String(printed.number).padStart(6, '0')}`;
    expect(file.suggestedFilename()).toBe(`${label}.pdf`);
    const bytes = await readFile(await file.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Online payment: Stripe.js cannot load (or the garden has none): how else to pay, plainly.
    const offline = page.getByTestId('online-payment-offline');
    await offline.waitFor({ timeout: 30_000 });
    const message = (await offline.textContent()) ?? '';
    expect(message).toContain('Le paiement en ligne n’est pas disponible pour l’instant');
    expect(message).toContain('payez par chèque, espèces ou virement');
    expect(await page.getByTestId('add-card').count()).toBe(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    // The link of the messages about a failed payment: the portal, means of payment first.
    await page.goto(`${baseUrl}/adherent/paiement`);
    const first = page.locator('main section').first();
    await first.getByRole('heading', { name: 'Moyen de paiement' }).waitFor({ timeout: 20_000 });
    expect(await first.getAttribute('data-testid')).toBe('my-payment-method');
    expect(await page.evaluate<string>('document.activeElement.textContent.trim()')).toBe(
      'Moyen de paiement',
    );
    await page.getByTestId('my-invoices').waitFor();
    await context.close();
  });
});
