import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatDay, gardenDay } from '../../domain/calendar.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { cancellationEffectiveDate } from '../../domain/subscription-actions.ts';
import type { TestApi } from '../support/api.ts';
import {
  activeSubscription,
  baseUrl,
  comingWeekday,
  memberWithAccount,
  phoneContext,
  signInAs,
  startBrowserTest,
} from '../support/browser.ts';
import { deleteAccounts, type TestAccount } from '../support/keycloak.ts';
import { emailsTo, ensureTestSender, uniqueEmail } from '../support/moto.ts';

describe('a member cancels online', () => {
  let api: TestApi;
  let browser: Browser;
  const accounts: TestAccount[] = [];

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('cancel'));
    await ensureTestSender();
  });

  afterAll(async () => {
    await browser?.close();
    await deleteAccounts(accounts);
    await api?.close();
  });

  it('reaches the cancellation in two clicks, sees when it was received, and gets the acknowledgement', async () => {
    const email = uniqueEmail('cancel');
    const { member, account } = await memberWithAccount(
      api,
      { firstName: 'Olympe', lastName: 'de Gouges', email },
      accounts,
    );
    const { id } = await activeSubscription(api, member.id, comingWeekday(2));
    const subscription = await api.store.subscriptions.get(api.gardenId, id);
    const rules = await api.store.settings.rules(api.gardenId);
    expect(rules.cancellationNoticeDays).toBe(defaultGardenRules.cancellationNoticeDays);
    const effectiveDate = cancellationEffectiveDate(subscription!, rules, new Date());

    const context = await phoneContext(browser);
    const page = await context.newPage();
    await signInAs(page, account);
    await expect.poll(() => page.getByTestId('my-subscription').count(), { timeout: 30_000 }).toBe(1);

    // Click 1: from the portal's home, the visible "Résilier mon abonnement".
    const cancelLink = page.getByTestId('cancel-subscription');
    expect(await cancelLink.textContent()).toContain('Résilier mon abonnement');
    await cancelLink.click();
    await expect
      .poll(() => page.getByTestId('cancellation-effective-date').textContent(), { timeout: 60_000 })
      .toContain(formatDay(effectiveDate, 'fr'));
    expect(await page.getByTestId('cancellation-screen').textContent()).toContain(`e-mail à ${email}`);

    // Click 2: confirm.
    await page.getByTestId('confirm-cancellation').click();
    const confirmed = page.getByTestId('cancellation-confirmed');
    await confirmed.waitFor({ timeout: 30_000 });
    const received = (await page.getByTestId('cancellation-received').textContent()) ?? '';
    expect(received).toContain(formatDay(gardenDay(new Date()), 'fr'));
    expect(received).toMatch(/à \d{2}:\d{2}/);
    expect(await page.getByTestId('cancellation-effective').textContent()).toContain(
      formatDay(effectiveDate, 'fr'),
    );

    const stored = await api.store.subscriptions.get(api.gardenId, id);
    expect(stored?.cancellation).toMatchObject({ origin: 'member', effectiveDate });

    // The acknowledgement reaches the member's address, with the date it takes effect.
    await expect
      .poll(
        async () => (await emailsTo(email)).filter((message) => /résiliation/i.test(message.subject)).length,
        {
          timeout: 60_000,
          interval: 1000,
        },
      )
      .toBe(1);
    const [acknowledgement] = (await emailsTo(email)).filter((message) =>
      /résiliation/i.test(message.subject),
    );
    expect(acknowledgement?.body).toContain(formatDay(effectiveDate, 'fr'));

    // Back on the portal, the subscription says when it ends, and cannot be cancelled twice.
    await page.goto(`${baseUrl}/adherent`);
    await expect
      .poll(() => page.getByTestId('status-explanation').textContent(), { timeout: 20_000 })
      .toContain(`prend fin le ${formatDay(effectiveDate, 'fr')}`);
    expect(await page.getByTestId('cancel-subscription').count()).toBe(0);
    await context.close();
  }, 240_000);
});
