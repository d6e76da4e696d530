import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadStripeJs, StripeJsUnavailable, stripeJsUrl, type StripeFactory } from './stripe-js.ts';

describe('Stripe.js loader', () => {
  /** The scripts the loader added (kept off the page: the test says whether they loaded). */
  let added: HTMLScriptElement[];
  beforeEach(() => {
    added = [];
    vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
      added.push(...(nodes as HTMLScriptElement[]));
    });
  });
  afterEach(() => {
    delete window.Stripe;
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('adds the script once and gives Stripe when it has loaded', async () => {
    const first = loadStripeJs();
    const second = loadStripeJs();
    expect(added).toHaveLength(1);
    expect(added[0]?.src).toBe(stripeJsUrl);
    const factory = vi.fn() as unknown as StripeFactory;
    window.Stripe = factory;
    added[0]?.dispatchEvent(new Event('load'));
    expect(await first).toBe(factory);
    expect(await second).toBe(factory);
    // Already here: no second script.
    expect(await loadStripeJs()).toBe(factory);
    expect(added).toHaveLength(1);
  });

  it('rejects when the script cannot load (offline), and tries again next time', async () => {
    const loading = loadStripeJs();
    added[0]?.dispatchEvent(new Event('error'));
    await expect(loading).rejects.toBeInstanceOf(StripeJsUnavailable);
    const again = loadStripeJs();
    expect(added).toHaveLength(2);
    added[1]?.dispatchEvent(new Event('error'));
    await expect(again).rejects.toThrow('Stripe.js could not be loaded: network');
  });

  it('rejects a script that loads without Stripe', async () => {
    const loading = loadStripeJs();
    added[0]?.dispatchEvent(new Event('load'));
    await expect(loading).rejects.toThrow('Stripe.js could not be loaded: no Stripe object');
  });

  it('gives up after the time allowed', async () => {
    vi.useFakeTimers();
    const loading = loadStripeJs({ timeoutMs: 5000 });
    const expectation = expect(loading).rejects.toThrow('Stripe.js could not be loaded: timeout');
    await vi.advanceTimersByTimeAsync(4999);
    expect(added).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expectation;
  });
});
