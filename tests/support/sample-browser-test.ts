import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestApi } from './api.ts';
import { startBrowserTest } from './browser.ts';
import { sampleUpload } from './extensions.ts';
import { deleteAccounts, type TestAccount } from './keycloak.ts';

/** What the browser tests of a garden running a sample extension share. */
export interface SampleBrowserTest {
  api: TestApi;
  browser: Browser;
  /** The Keycloak accounts the tests create: push them here, they are deleted after the block. */
  accounts: TestAccount[];
}

/**
 * For the describe block it is called in: a browser test (`startBrowserTest(name)`) whose garden
 * runs the sample extension `sample`, uploaded and activated as an admin would, before its tests;
 * the browser, the accounts and the API closed after them. The fields are filled in by the
 * hooks: read them inside tests and hooks, not when the block is declared.
 */
export function sampleBrowserTest(name: string, sample: string): SampleBrowserTest {
  const shared = { accounts: [] as TestAccount[] } as SampleBrowserTest;
  beforeAll(async () => {
    ({ api: shared.api, browser: shared.browser } = await startBrowserTest(name));
    const upload = await sampleUpload(sample);
    const catalogue = shared.api.app.extensions!.catalogue;
    const at = new Date().toISOString();
    await catalogue.upload(shared.api.gardenId, upload, { by: { userId: 'u-admin', name: 'Admin' }, at });
    await catalogue.activate(shared.api.gardenId, upload.manifest.name, upload.manifest.version, { at });
  });
  afterAll(async () => {
    await shared.browser?.close();
    await deleteAccounts(shared.accounts);
    await shared.api?.close();
  });
  return shared;
}
