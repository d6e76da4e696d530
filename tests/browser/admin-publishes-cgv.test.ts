import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from '../support/api.ts';
import { baseUrl, signInAs, startBrowserTest } from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';

/** A real PNG (2 × 2, green), as a photo of the garden would be one. */
const greenSquare = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGPQrzUCIgYIBQAYSgN5BLz18QAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Issue 14, « Pages du jardin »: a garden administrator writes the CGV in CKEditor, adds an
 * image (uploaded, then described: publishing waits for its text alternative), publishes a
 * substantial version, and a visitor reads it, image included, at the garden's public address.
 */
describe('a garden administrator publishes the CGV', () => {
  let api: TestApi;
  let browser: Browser;
  let admin: TestAccount;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('cgv-editor'));
    admin = await createAccount({
      role: 'garden-admin',
      gardenId: api.gardenId,
      firstName: 'Odile',
      lastName: 'Perrin',
    });
  });

  afterAll(async () => {
    if (admin) await deleteAccounts([admin]);
    await browser?.close();
    await api?.close();
  });

  it('writes them in CKEditor with an image, publishes them, and the public page shows them', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // CKEditor runs under the app's Content-Security-Policy as it is: the browser reports nothing.
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await signInAs(page, admin);
    await page.getByTestId('nav-garden-pages').click();
    await page.getByTestId('edit-page-cgv').click();
    await page.waitForURL(`${baseUrl}/equipe/pages/cgv`);
    await page.getByTestId('from-template').waitFor({ timeout: 30_000 });
    const editable = page.locator('.ck-editor__editable');
    await editable.waitFor({ timeout: 30_000 });
    expect(await editable.textContent()).toContain('[à compléter]');

    // The template replaced by our own text: a heading, then a paragraph.
    await editable.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Les paniers sont livrés chaque mardi.');
    await page.locator('.ck-file-dialog-button input[type=file]').setInputFiles({
      name: 'panier.png',
      mimeType: 'image/png',
      buffer: greenSquare,
    });
    const image = editable.locator('img');
    await expect
      .poll(() => image.getAttribute('src'), { timeout: 20_000 })
      .toMatch(new RegExp(`^/api/gardens/${api.gardenId}/page-images/img-[a-z0-9]{12}$`));

    // Saved after a pause: the server finds the image undescribed, and publishing waits.
    await expect
      .poll(() => page.getByTestId('problem').allTextContents(), { timeout: 20_000 })
      .toEqual([expect.stringContaining('n’a pas de texte alternatif')]);
    expect(await page.getByTestId('publish-page').isDisabled()).toBe(true);

    await image.click();
    await page.getByRole('button', { name: 'Changer le texte alternatif à l’image' }).click();
    await page.getByLabel('Texte alternatif').fill('Un panier de légumes du jardin');
    await page.keyboard.press('Enter');
    await page.getByTestId('no-problems').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('save-status').textContent()).toMatch(/Brouillon enregistré à/);

    await page.getByTestId('publish-page').click();
    await page.getByTestId('publish-substantial').check();
    await page.getByTestId('publish-note').fill('Livraison le mardi');
    await page.getByTestId('confirm-publish').click();
    await page.getByTestId('version-row').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('published-version').textContent()).toContain('version 1');
    expect(await page.getByTestId('version-row').first().textContent()).toContain('Livraison le mardi');
    expect(violations).toEqual([]);
    await context.close();

    const visitor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await visitor.goto(`${baseUrl}/jardins/${api.gardenId}/pages/cgv`);
    await visitor
      .getByRole('heading', { level: 1, name: 'Conditions générales de vente' })
      .waitFor({ timeout: 30_000 });
    const body = visitor.getByTestId('page-body');
    expect(await body.textContent()).toContain('Les paniers sont livrés chaque mardi.');
    const shown = body.locator('img');
    expect(await shown.getAttribute('alt')).toBe('Un panier de légumes du jardin');
    // Loaded from the garden's page images, as the API serves them.
    await expect
      .poll(() =>
        visitor.evaluate<number>(`document.querySelector('[data-testid="page-body"] img').naturalWidth`),
      )
      .toBe(2);
    expect(await visitor.getByTestId('page-version').textContent()).toMatch(/^Version 1, publiée le /);
    await visitor.close();
  });
});
