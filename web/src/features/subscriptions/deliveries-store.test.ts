import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpcomingDelivery } from './subscriptions-api.ts';
import { deferred, signedIn, stubApi, type StubAnswer } from '../../testing/api-stub.ts';
import { useDeliveryStore } from './deliveries-store.ts';

const delivery = (date: string, overrides: Partial<UpcomingDelivery> = {}): UpcomingDelivery => ({
  date,
  depotId: 'd-centre',
  depotName: 'Biocoop Centre',
  basketSize: 'medium',
  baskets: 1,
  state: 'delivery',
  changeableUntil: `${date}T00:00:00.000Z`,
  ...overrides,
});

describe('delivery store', () => {
  beforeEach(() => signedIn());
  afterEach(() => vi.unstubAllGlobals());

  it('reads the next eight deliveries of a subscription', async () => {
    const api = stubApi(() => ({ body: [delivery('2026-12-01'), delivery('2026-12-08')] }));
    const deliveries = useDeliveryStore();
    await deliveries.load('s-1');
    expect(api.calls[0]?.path).toBe('/api/gardens/val-du-doubs/subscriptions/s-1/next-deliveries');
    expect(api.calls[0]?.query.get('count')).toBe('8');
    expect(deliveries.of('s-1').map((item) => item.date)).toEqual(['2026-12-01', '2026-12-08']);
  });

  it('keeps the latest read when two cross', async () => {
    const slow = deferred<StubAnswer>();
    let reads = 0;
    stubApi(() => (reads++ === 0 ? slow.promise : { body: [delivery('2026-12-01', { state: 'absent' })] }));
    const deliveries = useDeliveryStore();
    const first = deliveries.load('s-1');
    await deliveries.load('s-1');
    slow.resolve({ body: [delivery('2026-12-01')] });
    await first;
    expect(deliveries.of('s-1')[0]?.state).toBe('absent');
    expect(deliveries.loading['s-1']).toBe(false);
  });

  it('keeps the failure to say it', async () => {
    stubApi(() => ({ status: 503, body: { error: 'unavailable', message: 'Indisponible.' } }));
    const deliveries = useDeliveryStore();
    await deliveries.load('s-1');
    expect(deliveries.errors['s-1']).toBe('Indisponible.');
  });

  it('shows days absent at once, and can put them back', async () => {
    stubApi(() => ({ body: [delivery('2026-12-01'), delivery('2026-12-08')] }));
    const deliveries = useDeliveryStore();
    await deliveries.load('s-1');
    const restore = deliveries.markAbsent('s-1', ['2026-12-08']);
    expect(deliveries.of('s-1').map((item) => [item.state, item.baskets])).toEqual([
      ['delivery', 1],
      ['absent', 0],
    ]);
    restore();
    expect(deliveries.of('s-1').map((item) => item.state)).toEqual(['delivery', 'delivery']);
  });
});
