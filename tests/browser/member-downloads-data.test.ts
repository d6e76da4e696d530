import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { issueTestInvoice } from '../support/billing.ts';
import { baseUrl, phoneContext, scrollWidth, signInAs, startBrowserTest } from '../support/browser.ts';

describe('a member downloads their data on a phone', () => {
  let api: TestApi;
  let browser: Browser;
  const subscriptionId = `s-export-${Date.now().toString(36)}`;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('data-export-ui'));
    const at = new Date().toISOString();
    await api.store.subscriptions.record({
      id: subscriptionId,
      gardenId: api.gardenId,
      memberId: api.member.id,
      basketSize: 'small',
      frequency: 'weekly',
      depotId: api.depotId,
      startDate: '2026-01-06',
      status: 'active',
      requested: { by: { userId: 'test', name: 'Test' }, at },
      updatedAt: at,
      revision: 1,
    });
    await issueTestInvoice(api, api.member.id, {
      total: 4500,
      dueOn: '2026-02-10',
      subject: 'Paniers de janvier',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('asks on « Mes données », waits while it is prepared, and downloads the JSON', async () => {
    const page = await (await phoneContext(browser)).newPage();
    await signInAs(page, api.accounts.member);
    await page.goto(`${baseUrl}/adherent/mes-donnees`);

    const section = page.getByTestId('data-export');
    await section.getByRole('heading', { name: 'Télécharger mes données' }).waitFor({ timeout: 20_000 });
    await section.getByTestId('data-export-ask').click();
    await section.getByTestId('data-export-ready').waitFor({ timeout: 30_000 });
    expect(await section.getByTestId('data-export-ready').textContent()).toContain('téléchargeable jusqu’au');

    const download = page.waitForEvent('download');
    await section.getByTestId('data-export-json').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('mes-donnees.json');
    const data = JSON.parse(await readFile(await file.path(), 'utf8')) as {
      subscriptions: Array<{ id: string }>;
      invoices: Array<{ subject: string }>;
    };
    expect(data.subscriptions.map((each) => each.id)).toEqual([subscriptionId]);
    expect(data.invoices.map((each) => each.subject)).toEqual(['Paniers de janvier']);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
  });
});
