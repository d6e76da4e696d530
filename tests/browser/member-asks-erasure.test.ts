import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice } from '../support/billing.ts';
import {
  baseUrl,
  memberWithAccount,
  phoneContext,
  scrollWidth,
  signedInPage,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { testActivities } from '../support/environment.ts';
import { deleteAccounts, tokenFor, type TestAccount } from '../support/keycloak.ts';
import { emailsTo } from '../support/moto.ts';
import { pdfText } from '../support/pdf-text.ts';
import { placesHolding } from '../support/traces.ts';
import { testDocuments } from '../support/environment.ts';

/**
 * RGPD article 17 end to end: the member asks on « Mes données », staff see it in their inbox,
 * are stopped while an invoice is unpaid, confirm once it is settled, and then the member's
 * name is nowhere on the stack (DynamoDB, S3, moto), their account is gone, and their invoice
 * remains, printed again under the erasure's reference.
 */
describe('a member asks for the erasure of their data', { timeout: 240_000 }, () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];
  const suffix = randomUUID().slice(0, 6);
  const lastName = `Quenouillard${suffix}`;
  const email = `zelie.${suffix}@example.org`;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('erasure-ui'));
  });

  afterAll(async () => {
    await deleteAccounts(accounts).catch(() => undefined);
    await browser?.close();
    await api?.close();
  });

  it('asks on a phone, staff confirm once nothing is owed, and the name is gone everywhere but the invoice stays', async () => {
    const { member, account } = await memberWithAccount(
      api,
      {
        firstName: 'Zélie',
        lastName,
        email,
        phone: '06 98 76 54 32',
        address: { street: `12 rue des Courtils ${suffix}`, postalCode: '25000', city: 'Besançon' },
      },
      accounts,
    );
    const invoice = await issueTestInvoice(api, member.id, {
      total: 3200,
      dueOn: '2026-02-10',
      subject: 'Paniers de janvier',
    });
    // Printed as the billing run prints it: the member's name and address on it.
    await testActivities(api.store).printInvoice({ gardenId: api.gardenId, invoiceNumber: invoice.number });
    expect(await placesHolding(lastName, api.store, api.gardenId)).toEqual(
      expect.arrayContaining([
        `s3 ${api.gardenId}/invoices/F-${String(invoice.number).padStart(6, '0')}.pdf`,
      ]),
    );

    // The member asks, on a phone, after reading what it means.
    const phone = await (await phoneContext(browser)).newPage();
    await signInAs(phone, account);
    await phone.goto(`${baseUrl}/adherent/mes-donnees`);
    const section = phone.getByTestId('erasure');
    await section.getByTestId('erasure-ask').click();
    const dialog = phone.getByTestId('erasure-dialog');
    expect(await dialog.textContent()).toContain('restent conservés dix ans');
    await dialog.getByTestId('erasure-confirm').click();
    await section.getByTestId('erasure-waiting').waitFor({ timeout: 20_000 });
    expect(await scrollWidth(phone)).toBeLessThanOrEqual(360);

    // Staff find it in their inbox, with what is owed.
    const staff = await signedInPage(browser, api.accounts.staff);
    await staff.goto(`${baseUrl}/equipe/a-valider`);
    const card = staff.locator(`[data-kind="member-erasure"][data-member-id="${member.id}"]`);
    await expect
      .poll(
        async () => {
          if (await card.isVisible()) return true;
          await staff.getByTestId('refresh-inbox').click();
          return false;
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(true);
    expect(await card.getByTestId('erasure-outstanding').textContent()).toContain('1 facture(s) impayée(s)');
    await card.getByTestId('erasure-open').click();
    const erasureCard = staff.getByTestId('erasure-card');
    await erasureCard.getByTestId('erasure-blockers').waitFor({ timeout: 20_000 });

    // Confirming too early is refused, saying why; nothing is erased.
    await erasureCard.getByTestId('erasure-staff-confirm').click();
    await staff.getByTestId('erasure-staff-erase').click();
    await erasureCard.getByTestId('erasure-card-problem').waitFor({ timeout: 20_000 });
    expect(await erasureCard.getByTestId('erasure-card-problem').textContent()).toContain(
      'une facture reste à payer',
    );
    expect((await api.store.members.get(api.gardenId, member.id))?.lastName).toBe(lastName);

    // Settled (written off), then confirmed.
    await api.store.invoices.writeOff(api.gardenId, invoice.number, {
      by: { userId: 'u-staff', name: 'Camille Martin' },
      at: new Date().toISOString(),
    });
    await staff.reload();
    await erasureCard.getByText('Rien n’est en cours').waitFor({ timeout: 20_000 });
    await erasureCard.getByTestId('erasure-staff-confirm').click();
    await staff.getByTestId('erasure-staff-erase').click();

    const erasureUrl = `/api/gardens/${api.gardenId}/members/${member.id}/erasure`;
    await expect
      .poll(
        async () => (await api.call(api.accounts.staff, 'GET', erasureUrl)).json<{ status: string }>().status,
        {
          timeout: 60_000,
        },
      )
      .toBe('erased');
    const { reference } = (await api.call(api.accounts.staff, 'GET', erasureUrl)).json<{
      reference: string;
    }>();
    await erasureCard.getByTestId('erasure-card-erasing').waitFor({ timeout: 20_000 });
    await staff.reload();
    expect(await erasureCard.getByTestId('erasure-card-erased').textContent({ timeout: 20_000 })).toContain(
      reference,
    );

    // Told once, by reference, without a name.
    await expect.poll(async () => (await emailsTo(email)).length, { timeout: 30_000 }).toBe(1);
    const acknowledged = await emailsTo(email);
    expect(acknowledged[0]?.body).toContain(reference);

    // The name is nowhere: not in DynamoDB, not in S3, not in what moto captured.
    expect(await placesHolding(lastName, api.store, api.gardenId)).toEqual([]);
    expect(await placesHolding(`Courtils ${suffix}`, api.store, api.gardenId)).toEqual([]);
    // The account is gone; the invoice stays, printed again under the reference.
    await expect(tokenFor(account.username, account.password)).rejects.toThrow();
    const kept = await api.store.invoices.listForMember(api.gardenId, member.id);
    expect(kept.map((each) => each.number)).toEqual([invoice.number]);
    const printed = await testDocuments().get(kept[0]?.documentKey ?? '');
    expect(pdfText(printed.bytes)).toContain(reference);
  });
});
