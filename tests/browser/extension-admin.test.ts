import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildSamples, samplesDir } from '../../extensions/build-samples.ts';
import type { TestApi } from '../support/api.ts';
import { baseUrl, scrollWidth, signedInPage, startBrowserTest } from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/**
 * A garden admin uploads an extension from the garden's extensions page (the module, its
 * manifest and its tests, as the samples build them), waits for its checks and self-tests, and
 * approves it there: it runs, and the application form gets its module.
 */
describe('the garden’s extensions page', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('ext-admin'));
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  /** The version's status as the page shows it, the page read again each time. */
  /**
   * The version's status as the page shows it after a reload. The page's frame comes before its
   * list: the row is waited for (on a loaded machine, looking at once found none, every time).
   */
  async function statusOf(page: Page, version: string): Promise<string | null> {
    await page.reload();
    const row = page.locator(`[data-testid="extension-version"][data-version="${version}"]`);
    await row.waitFor({ timeout: 20_000 });
    return row.getAttribute('data-status');
  }

  it('uploads panier-solidaire from the page, shows its checks and self-tests, and approves it after a confirmation', async () => {
    const [built] = await buildSamples(['panier-solidaire']);
    const admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Claire',
      lastName: 'Vuillemin',
    });
    accounts.push(admin);
    const page = await signedInPage(browser, admin);
    await page.getByTestId('nav-extensions').click();
    await page.waitForURL(`${baseUrl}/equipe/extensions`);
    await page.getByTestId('extensions-page').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('extensions-active').textContent()).toContain(
      'Aucune extension en service',
    );

    await page.getByTestId('upload-module').setInputFiles(built!.wasmPath);
    await page
      .getByTestId('upload-manifest')
      .setInputFiles(join(samplesDir, 'panier-solidaire', 'extension.json'));
    await page
      .getByTestId('upload-vectors')
      .setInputFiles(join(samplesDir, 'panier-solidaire', 'test-vectors.json'));
    await page.getByTestId('upload-submit').click();
    await expect
      .poll(() => page.locator('[data-testid="extension-version"][data-version="1.0.0"]').count(), {
        timeout: 20_000,
      })
      .toBe(1);

    // The rollout checks and self-tests it in the sandbox, then waits for an admin.
    await expect
      .poll(() => statusOf(page, '1.0.0'), { timeout: 60_000, interval: 1000 })
      .toBe('awaiting-approval');
    const version = page.locator('[data-testid="extension-version"][data-version="1.0.0"]');
    expect(await version.getByTestId('version-status').textContent()).toContain('En attente d’approbation');
    expect(await version.getByTestId('version-checks').textContent()).toContain('réussis');
    expect(await version.getByTestId('version-self-tests').textContent()).toContain('6 réussis sur 6');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1280);

    await version.getByTestId('approve-version').click();
    expect(await page.getByTestId('decision-confirm').textContent()).toContain(
      'Approuver la version 1.0.0 de panier-solidaire ?',
    );
    await page.getByTestId('confirm-decision').click();
    // The approval is sent before the page is reloaded (a reload would cancel it on its way).
    await page.getByTestId('decision-confirm').waitFor({ state: 'detached', timeout: 30_000 });
    await expect
      .poll(() => statusOf(page, '1.0.0'), { timeout: 30_000, interval: 1000 })
      .toMatch(/^(probation|active)$/);
    expect(await page.getByTestId('extensions-active').textContent()).toContain('panier-solidaire 1.0.0');

    // The application form now gets its module.
    const described = await fetch(`${baseUrl}/api/gardens/${api.gardenId}/extension-modules/sign-up-checks`);
    expect(((await described.json()) as { module: { name: string } | null }).module?.name).toBe(
      'panier-solidaire',
    );
    await page.context().close();
  });
});
