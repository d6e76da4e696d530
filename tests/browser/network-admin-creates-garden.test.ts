import { randomUUID } from 'node:crypto';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  provisioningStepLabels,
  provisioningSteps,
  retirementStepLabels,
  retirementSteps,
} from '../../domain/garden-provisioning.ts';
import { startTestApi, type TestApi } from '../support/api.ts';
import {
  assertWebBuilt,
  baseUrl,
  browserTestPort,
  launchBrowser,
  scrollWidth,
  signIn,
  signInAs,
  webDist,
} from '../support/browser.ts';
import { createAccount, deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { kubernetesReady, kubernetesWaitMs } from '../support/kubernetes.ts';
import { ensureTestSender, uniqueEmail } from '../support/moto.ts';
import { keycloakEmailsTo, provisioningTestBed, type ProvisioningTestBed } from '../support/provisioning.ts';

/**
 * The network admin (`reseau`) creates a garden from « Jardins » on a 375 px phone and follows
 * its steps until it is active, and in the end retires it the same way: the real provisioning saga on a network worker of this file's
 * own queue, against the local stack (DynamoDB Local, S3, Keycloak, the Kubernetes API server,
 * moto). The first administrator's invitation is Keycloak's email, read from moto: its link
 * sets the password, and they sign in to the new, empty garden, whose staff home lists what is
 * left to prepare.
 */

/** The action link of a Keycloak email (its plain-text part, quoted-printable). */
function actionLink(raw: string): string {
  const encoded = /https?:\/\/\S+\/login-actions\/action-token\?\S+/.exec(raw)?.[0];
  if (!encoded) throw new Error(`no action link in:\n${raw}`);
  return encoded.replace(/=3D/g, '=');
}

/** An attribute of each element the locator finds, in order. */
async function attributeOfEach(locator: Locator, name: string): Promise<Array<string | null>> {
  const values: Array<string | null> = [];
  for (let index = 0; index < (await locator.count()); index++) {
    values.push(await locator.nth(index).getAttribute(name));
  }
  return values;
}

/**
 * Run in the page: records each picture of the operation's steps (their states, in order) as
 * the DOM changes, in `window.stepPictures`.
 */
const recordStepPictures = `(() => {
  const pictures = (window.stepPictures = []);
  const record = () => {
    const steps = document.querySelectorAll('[data-testid="operation-step"]');
    if (steps.length === 0) return;
    const picture = Array.from(steps, (step) => step.getAttribute('data-state')).join(',');
    if (pictures.at(-1) !== picture) pictures.push(picture);
  };
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
})()`;

const phone = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

describe('the network admin creates a garden', () => {
  let bed: ProvisioningTestBed;
  let networkWorker: { stop: () => Promise<void> };
  let api: TestApi;
  let browser: Browser;
  let networkAdmin: TestAccount;
  const slug = `t-creation-${randomUUID().slice(0, 8)}`;
  const request = {
    slug,
    name: 'Jardin de la Combe',
    city: 'Ornans',
    legal: {
      legalName: 'Association du Jardin de la Combe',
      siret: '123 456 789 00012',
      address: '3 rue du Moulin, 25290 Ornans',
    },
    contactEmail: uniqueEmail('contact-combe'),
    timeZone: 'Europe/Paris' as const,
    firstAdmin: { firstName: 'Hélène', lastName: 'Boucher', email: uniqueEmail('admin-combe') },
  };

  beforeAll(async () => {
    assertWebBuilt();
    await kubernetesReady();
    await ensureTestSender();
    bed = await provisioningTestBed();
    networkWorker = await bed.startWorker();
    api = await startTestApi('garden-creation', { webDist, publicUrl: baseUrl, provisioning: bed.commands });
    await api.app.listen({ host: '127.0.0.1', port: browserTestPort });
    networkAdmin = await createAccount({ role: 'network-admin', firstName: 'Rémi', lastName: 'Réseau' });
    browser = await launchBrowser();
  }, kubernetesWaitMs);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await networkWorker?.stop();
    if (bed) {
      await bed.leaveNothingOf(request);
      // And its record in the (test) registry, so that test runs do not pile gardens up in the list.
      await bed.store.db.send(
        new DeleteCommand({ TableName: bed.store.tables.control, Key: { pk: 'GARDEN', sk: slug } }),
      );
      await bed.close();
    }
    await deleteAccounts(networkAdmin ? [networkAdmin] : []);
  });

  let invitation: string;

  it('creates the garden from « Jardins » on a phone and follows its steps live until it is active', async () => {
    const page: Page = await (await browser.newContext(phone)).newPage();
    await signInAs(page, networkAdmin);
    await page.waitForURL(`${baseUrl}/reseau`, { timeout: 30_000 });
    await page.getByTestId('network-gardens-link').click();
    await page.getByRole('heading', { name: 'Jardins', exact: true }).waitFor({ timeout: 30_000 });
    await page.getByTestId('network-garden').first().waitFor({ timeout: 30_000 });

    await page.getByTestId('create-garden-open').click();
    await page.getByLabel('Nom du jardin').fill(request.name);
    // Suggested from the name; this test's own slug instead, so that runs never collide.
    await expect.poll(() => page.getByLabel('Identifiant court').inputValue()).toBe('combe');
    await page.getByLabel('Identifiant court').fill(slug);
    await page.getByLabel('Commune').fill(request.city);
    await page.getByLabel('Courriel de contact pour les adhérents').fill(request.contactEmail);
    await page.getByLabel('Fuseau horaire').selectOption('Europe/Paris');
    await page.getByLabel('Raison sociale').fill(request.legal.legalName);
    await page.getByLabel('SIRET').fill('123 456 789');
    await page.getByLabel('Adresse du siège').fill(request.legal.address);
    await page.getByLabel('Prénom').fill(request.firstAdmin.firstName);
    await page.getByLabel('Nom', { exact: true }).fill(request.firstAdmin.lastName);
    await page.getByLabel('Courriel', { exact: true }).fill(request.firstAdmin.email);
    await page.getByTestId('create-garden-submit').click();
    // Refused in the browser, beside the field, in French; nothing was sent.
    await page
      .getByText('« SIRET » doit contenir 14 chiffres (les espaces sont permis).')
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('operation').count()).toBe(0);
    await page.getByLabel('SIRET').fill(request.legal.siret);
    await page.evaluate(recordStepPictures);
    await page.getByTestId('create-garden-submit').click();

    // The steps, as the page reads them every second and a half while the saga runs: every
    // picture the page shows is recorded as it changes, from the first answer on.
    const operation = page.getByTestId('operation');
    await operation.waitFor({ timeout: 30_000 });
    await expect.poll(() => operation.getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
    const pictures = await page.evaluate<string[]>('window.stepPictures');
    // More than one picture: the page followed the saga, not only its end.
    expect(new Set(pictures).size, pictures.join('\n')).toBeGreaterThan(1);
    expect(pictures.at(-1)).toBe(provisioningSteps.map(() => 'done').join(','));

    const steps = page.getByTestId('operation-step');
    expect(await steps.count()).toBe(provisioningSteps.length);
    for (const [index, step] of provisioningSteps.entries()) {
      const text = (await steps.nth(index).innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(provisioningStepLabels[step].fr);
      expect(text).toContain('Fait');
      expect(text).toMatch(/Durée : \d+ (s|min)/);
    }
    // No node runs pods in the local cluster: the deployment step says so, in French.
    expect(await steps.nth(provisioningSteps.indexOf('deployment')).innerText()).toContain(
      'À savoir : Aucun nœud Kubernetes local',
    );
    expect(await page.getByTestId('operation-state').innerText()).toContain('Terminé');
    expect(await page.getByTestId('operation-done').innerText()).toContain(`Le jardin ${slug} est actif.`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);

    // The list shows it active, with its address.
    const card = page.locator(`[data-testid="network-garden"][data-garden-id="${slug}"]`);
    await expect
      .poll(() => card.getByTestId('garden-state').innerText(), { timeout: 20_000 })
      .toContain('Actif');
    expect(await card.innerText()).toContain(`${baseUrl}/equipe`);
    await page.context().close();
  });

  it('the first administrator sets a password from the invitation and finds the empty garden’s checklist', async () => {
    await expect
      .poll(async () => (await keycloakEmailsTo(request.firstAdmin.email)).length, { timeout: 30_000 })
      .toBe(1);
    const [raw] = await keycloakEmailsTo(request.firstAdmin.email);
    invitation = actionLink(raw!);

    const page: Page = await (await browser.newContext(phone)).newPage();
    await page.goto(invitation);
    await page.getByRole('link', { name: /Cliquez ici pour continuer/ }).click();
    const password = 'Premiere-Admin-2026';
    await page.locator('#password-new').fill(password);
    await page.locator('#password-confirm').fill(password);
    await page.locator('[type=submit]').click();
    await page.getByText('Votre compte est à jour.').first().waitFor({ timeout: 20_000 });

    await signIn(page, baseUrl, request.firstAdmin.email, password);
    await page.waitForURL(`${baseUrl}/equipe`, { timeout: 30_000 });
    expect(await page.getByTestId('garden-name').innerText()).toBe(request.name);
    const checklist = page.getByTestId('garden-checklist');
    await checklist.waitFor({ timeout: 30_000 });
    expect(await checklist.getByRole('heading').innerText()).toBe('Pour bien démarrer');
    const items = checklist.getByTestId('checklist-item');
    expect(await attributeOfEach(items, 'data-item')).toEqual([
      'calendar',
      'depots',
      'prices',
      'products',
      'team',
    ]);
    expect(await attributeOfEach(items, 'data-done')).toEqual(['false', 'false', 'false', 'false', 'false']);
    expect(await checklist.innerText()).toContain('Reste à faire : 5.');
    await checklist.getByRole('link', { name: 'Les points de dépôt' }).click();
    await page.waitForURL(`${baseUrl}/equipe/depots`);
    await page.context().close();
  });

  it('the network admin retires the garden once its slug is typed, and follows the retirement to its end', async () => {
    const page: Page = await (await browser.newContext(phone)).newPage();
    await signInAs(page, networkAdmin);
    await page.waitForURL(`${baseUrl}/reseau`, { timeout: 30_000 });
    await page.goto(`${baseUrl}/reseau/jardins`);
    const card = page.locator(`[data-testid="network-garden"][data-garden-id="${slug}"]`);
    await card.waitFor({ timeout: 30_000 });
    await card.getByTestId('garden-retire').click();
    const dialog = page.getByTestId('retire-dialog');
    await dialog.getByLabel(`Pour confirmer, tapez l’identifiant du jardin : ${slug}`).fill('combe');
    await page.getByTestId('retire-confirm').click();
    await dialog.getByText('Tapez exactement l’identifiant du jardin pour confirmer.').waitFor();
    expect(await page.getByTestId('operation').count()).toBe(0);
    await dialog.getByLabel(`Pour confirmer, tapez l’identifiant du jardin : ${slug}`).fill(slug);
    await page.getByTestId('retire-confirm').click();

    const operation = page.locator('[data-testid="operation"][data-operation="retire"]');
    await operation.waitFor({ timeout: 30_000 });
    expect(await operation.getByRole('heading').innerText()).toBe(`Retrait du jardin ${slug}`);
    await expect.poll(() => operation.getAttribute('data-state'), { timeout: 180_000 }).toBe('done');
    const steps = operation.getByTestId('operation-step');
    expect(await steps.count()).toBe(retirementSteps.length);
    for (const [index, step] of retirementSteps.entries()) {
      const text = (await steps.nth(index).innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(retirementStepLabels[step].fr);
      expect(text).toContain('Fait');
    }
    expect(await page.getByTestId('operation-done').innerText()).toContain(`Le jardin ${slug} est retiré.`);
    await expect
      .poll(() => card.getByTestId('garden-state').innerText(), { timeout: 20_000 })
      .toContain('Retiré');
    expect(await card.getByTestId('garden-retire').count()).toBe(0);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await page.context().close();
  });
});
