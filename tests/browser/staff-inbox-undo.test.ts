import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, gardenDay } from '../../domain/calendar.ts';
import { takenApplication, type TestApi } from '../support/api.ts';
import { baseUrl, signInAs, startBrowserTest } from '../support/browser.ts';

describe('staff can take back an approval from the inbox for a few seconds', () => {
  let api: TestApi;
  let browser: Browser;
  const applications: Record<'berthe' | 'claude' | 'denise' | 'emile', string> = {
    berthe: '',
    claude: '',
    denise: '',
    emile: '',
  };

  const statusOf = async (id: string) => (await api.store.subscriptions.get(api.gardenId, id))?.status;

  beforeAll(async () => {
    ({ api, browser } = await startBrowserTest('inbox-undo'));
    const apply = async (firstName: string) => {
      const member = await api.createMember({ firstName, lastName: 'Annulable' });
      return takenApplication(api, { memberId: member.id, startDate: addDays(gardenDay(new Date()), 14) });
    };
    applications.berthe = await apply('Berthe');
    applications.claude = await apply('Claude');
    applications.denise = await apply('Denise');
    applications.emile = await apply('Émile');
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** The decisions the page sent to the API, by subscription id. */
  function decisionsSent(page: Page): string[] {
    const sent: string[] = [];
    page.on('request', (request) => {
      const match = /\/subscriptions\/([^/]+)\/decision$/.exec(new URL(request.url()).pathname);
      if (match?.[1] && request.method() === 'POST') sent.push(decodeURIComponent(match[1]));
    });
    return sent;
  }

  it('offers « Annuler » after « Valider », sends nothing when undone, asks before a rejection', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const sent = decisionsSent(page);
    await signInAs(page, api.accounts.staff);
    await page.getByTestId('nav-pending').click();
    const row = (id: string) => page.locator(`[data-testid="inbox-item"][data-subscription-id="${id}"]`);
    // The inbox lists from Temporal's visibility, a moment after the applications.
    await expect
      .poll(
        async () => {
          if ((await row(applications.denise).count()) === 0) await page.getByTestId('refresh-inbox').click();
          return (
            (await row(applications.berthe).count()) +
            (await row(applications.claude).count()) +
            (await row(applications.denise).count())
          );
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(3);

    // Approve, then take it back: nothing reaches the API, the application still waits.
    const berthe = row(applications.berthe);
    await berthe.getByTestId('approve-button').click();
    const undo = berthe.getByTestId('undo-decision');
    await undo.waitFor({ timeout: 2_000 });
    expect(await undo.textContent()).toContain('Annuler');
    expect(await berthe.getByTestId('pending-decision').textContent()).toContain('Berthe');
    await undo.click();
    await berthe.getByTestId('approve-button').waitFor();
    // Longer than the delay: still nothing sent.
    await page.waitForTimeout(7_000);
    expect(sent).toEqual([]);
    expect(await statusOf(applications.berthe)).toBe('pending');
    expect(await berthe.getByTestId('subscription-status').getAttribute('data-status')).toBe('pending');

    // A rejection asks for a reason and its confirmation; cancelled, nothing is sent.
    await berthe.getByTestId('reject-button').click();
    const dialog = page.getByTestId('reject-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(sent).toEqual([]);

    // Approved and left alone: sent once the delay is over.
    const claude = row(applications.claude);
    await claude.getByTestId('approve-button').click();
    await claude.getByTestId('undo-decision').waitFor({ timeout: 2_000 });
    await expect.poll(() => statusOf(applications.claude), { timeout: 30_000 }).toBe('active');
    expect(sent).toEqual([applications.claude]);

    // Approved, then the person leaves the inbox at once: the approval is sent, not lost.
    const denise = row(applications.denise);
    await denise.getByTestId('approve-button').click();
    await denise.getByTestId('undo-decision').waitFor({ timeout: 2_000 });
    await page.getByTestId('nav-members').click();
    await page.waitForURL(`${baseUrl}/equipe/adherents`);
    await expect.poll(() => statusOf(applications.denise), { timeout: 30_000 }).toBe('active');
    expect(sent).toEqual([applications.claude, applications.denise]);
    expect(await statusOf(applications.berthe)).toBe('pending');
    await page.close();
  });

  it('sends a waiting approval when the tab is closed at once, without « beforeunload » (iOS Safari)', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await signInAs(page, api.accounts.staff);
    await page.goto(`${baseUrl}/equipe/a-valider`);
    const emile = page.locator(`[data-testid="inbox-item"][data-subscription-id="${applications.emile}"]`);
    await expect
      .poll(
        async () => {
          if ((await emile.count()) === 0) await page.getByTestId('refresh-inbox').click();
          return emile.count();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(1);
    const sent = decisionsSent(page);
    await emile.getByTestId('approve-button').click();
    await emile.getByTestId('undo-decision').waitFor({ timeout: 2_000 });
    // Nothing goes out while « Annuler » is offered.
    expect(sent).toEqual([]);
    // The tab closes well within the delay, with no chance to ask to stay: the page hears only
    // « pagehide », as the browser fires it on closing, and sends the decision at once (keepalive).
    // The event is fired here before the close: a loaded machine may kill a closing page's
    // renderer before it runs its handlers, which a test cannot tell from a page that sent nothing.
    await page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))");
    await expect.poll(() => sent, { timeout: 5_000 }).toEqual([applications.emile]);
    await page.close({ runBeforeUnload: false });
    // The process then takes the approval: a while, under load.
    await expect.poll(() => statusOf(applications.emile), { timeout: 90_000 }).toBe('active');
  }, 180_000);
});
