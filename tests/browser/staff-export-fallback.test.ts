import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { baseUrl, signedInPage, startBrowserTest } from '../support/browser.ts';
import { sampleUpload } from '../support/extensions.ts';

/**
 * A garden whose accounting-export extension fails (the hostile trap's code in its place): the
 * accountant still gets the CSV, and staff read on the billing page, in its status region, that
 * the file is the usual CSV and why, as the API says it beside the file.
 */
describe("staff read why the accountant's file is the usual CSV", () => {
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('ext-export-web'));
    const trap = await sampleUpload('hostile-trap');
    const manifest = {
      ...trap.manifest,
      name: 'ecritures-fec',
      version: '9.0.0',
      hooks: ['accounting-export'],
    };
    const catalogue = api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    await catalogue.upload(
      api.gardenId,
      { ...trap, manifest, testVectors: {} },
      { by: { userId: 'u-admin', name: 'Admin' }, at },
    );
    await catalogue.activate(api.gardenId, 'ecritures-fec', '9.0.0', { at });
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('downloads the CSV and shows the notice after it', async () => {
    const page = await signedInPage(browser, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/facturation`);
    const status = page.getByTestId('export-status');
    await status.waitFor({ state: 'attached', timeout: 30_000 });
    expect(await status.getAttribute('role')).toBe('status');
    expect((await status.textContent())?.trim()).toBe('');

    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^paiements-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);

    const fallback = status.getByTestId('export-fallback');
    await fallback.waitFor({ timeout: 20_000 });
    expect(await fallback.getAttribute('data-kind')).toBe('trap');
    expect(await fallback.isVisible()).toBe(true);
    expect(await fallback.textContent()).toContain(
      'Le fichier enregistré est le CSV habituel, pas celui de l’extension du jardin.',
    );
    expect(await page.getByTestId('export-fallback-notice').textContent()).toBe(
      'L’extension ecritures-fec n’a pas produit son fichier (trap) : voici le CSV habituel.',
    );
    await page.close();
  });
});
