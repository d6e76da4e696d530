import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoices.ts';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice } from '../support/billing.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';
import { clearOfMidnight } from '../support/garden-clock.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

// The invoice's due date is read once: start clear of the garden's midnight.
await clearOfMidnight();

/**
 * Issue 17, items 3 and 4: the garden administrator gives the garden's contact and payment
 * instructions (a mistyped IBAN is refused beside its field); a member on a phone then finds
 * whom to write or call wherever the portal sends them to the team, and how to pay by
 * transfer or cheque, with the reference of their invoice.
 */
describe('the garden contact and payment instructions', () => {
  let api: TestApi;
  let browser: Browser;
  let admin: TestAccount;
  let invoice: Invoice;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('contact-ui'));
    admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Anne',
      lastName: 'Roy',
    });
    invoice = await issueTestInvoice(api, api.member.id, {
      total: 1700,
      dueOn: addDays(gardenDay(new Date()), 10),
    });
  });

  afterAll(async () => {
    if (admin) await deleteAccounts([admin]);
    await browser?.close();
    await api?.close();
  });

  it('are set by the garden administrator, a mistyped IBAN refused beside its field', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, admin);
    await page.goto(`${baseUrl}/equipe/jardin`);
    const form = page.getByTestId('contact-form');
    await form.waitFor({ timeout: 20_000 });
    await page.getByTestId('contact-email').fill('accueil@jardin-test.example.org');
    await page.getByTestId('contact-phone').fill('03 81 12 34 56');
    await page.getByTestId('contact-address').fill('2 chemin des Vergers\n25220 Chalezeule');
    await page.getByTestId('contact-payee').fill('Association <b>Jardin</b> du Val');
    // Two digits swapped: the shape of an IBAN, not its check digits.
    await page.getByTestId('contact-iban').fill('FR76 3000 6000 0112 3456 7980 189');
    await page.getByTestId('save-contact').click();
    const ibanError = page.locator(`#${await page.getByTestId('contact-iban').getAttribute('id')}-error`);
    await ibanError.waitFor();
    expect(await ibanError.textContent()).toContain('clé de contrôle ne correspond pas');
    expect(await page.evaluate<string>("document.activeElement.getAttribute('data-testid')")).toBe(
      'contact-iban',
    );

    await page.getByTestId('contact-iban').fill('fr76 3000 6000 0112 3456 7890 189');
    await page.getByTestId('contact-bic').fill('AGRIFRPP825');
    await page.getByTestId('save-contact').click();
    await expect
      .poll(async () => page.getByTestId('toast').first().textContent(), { timeout: 10_000 })
      .toContain('Coordonnées du jardin enregistrées.');
    expect(await page.getByTestId('contact-iban').inputValue()).toBe('FR76 3000 6000 0112 3456 7890 189');
    await context.close();
  });

  it('are shown to a member on a phone: mailto and tel links beside « équipe du jardin », IBAN, payee and the reference', async () => {
    const context = await phoneContext(browser);
    // js.stripe.com is out of reach here; block it so that the test says the same anywhere.
    await context.route('https://js.stripe.com/**', (route) => route.abort('internetdisconnected'));
    const page = await context.newPage();
    await signInAs(page, api.accounts.member);
    await page.waitForURL(`${baseUrl}/adherent`);

    // « Une erreur dans vos coordonnées ? Signalez-la à l'équipe du jardin. » and how to.
    const details = page.getByTestId('my-details');
    await details.waitFor({ timeout: 20_000 });
    expect(await details.textContent()).toContain('Signalez-la à l’équipe du jardin');
    const email = details.getByTestId('garden-contact-email');
    await email.waitFor({ timeout: 20_000 });
    expect(await email.getAttribute('href')).toBe('mailto:accueil@jardin-test.example.org');
    const phone = details.getByTestId('garden-contact-phone');
    expect(await phone.getAttribute('href')).toBe('tel:+33381123456');
    expect((await phone.textContent())?.trim()).toContain('03 81 12 34 56');
    expect(await details.getByTestId('garden-contact-address').textContent()).toContain('25220 Chalezeule');

    // « payez par chèque, espèces ou virement »: to whom, which account, where.
    const offline = page.getByTestId('online-payment-offline');
    await offline.waitFor({ timeout: 30_000 });
    expect(await offline.textContent()).toContain('payez par chèque, espèces ou virement');
    const transfer = offline.getByTestId('pay-by-transfer');
    await transfer.waitFor();
    expect(await transfer.textContent()).toContain('Bénéficiaire : Association <b>Jardin</b> du Val');
    expect(await transfer.getByTestId('garden-iban').textContent()).toBe('FR76 3000 6000 0112 3456 7890 189');
    expect(await transfer.textContent()).toContain('AGRIFRPP825');
    const cheque = offline.getByTestId('pay-by-cheque');
    expect(await cheque.textContent()).toContain('À l’ordre de : Association <b>Jardin</b> du Val');
    // No address for cheques given: the garden's postal address.
    expect(await cheque.textContent()).toContain('2 chemin des Vergers');

    // The invoice's number is the reference a transfer gives.
    const row = page.locator(`[data-testid="my-invoice"][data-number="${invoice.number}"]`);
    expect(await row.getByTestId('invoice-transfer-reference').textContent()).toContain(
      `Référence à indiquer sur un virement : ${invoiceLabel(invoice.number)}`,
    );
    expect(await page.locator('b').count()).toBe(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();
  });
});
