import { describe, expect, it } from 'vitest';
import { defaultGardenRules } from '../../../../domain/garden-rules.ts';
import { useGardenSettingsStore } from '../calendar/garden-settings-store.ts';
import { signedIn, stubApi } from '../../testing/api-stub.ts';
import { aSubscription, onTuesday24November } from '../../testing/fixtures.ts';
import { useSubscriptionReading } from './subscription-reading.ts';

const subscription = aSubscription({ status: 'active', startDate: '2026-11-03', endDate: '2027-02-28' });

describe('the subscription a page is about', () => {
  onTuesday24November();

  it('reads it by its id, and says when it would end if cancelled now, once the rules are read', async () => {
    signedIn();
    stubApi((call) => (call.path.endsWith('/rules') ? { body: defaultGardenRules } : { body: subscription }));
    const page = useSubscriptionReading(() => subscription.id);
    expect(page.subscription.value).toBeUndefined();

    await expect(page.load()).resolves.toMatchObject({ id: subscription.id });
    expect(page.subscription.value?.id).toBe(subscription.id);
    expect(page.effectiveDate.value).toBeUndefined();

    await useGardenSettingsStore().loadRules();
    // The garden's notice: 14 days from 24 November.
    expect(page.effectiveDate.value).toBe('2026-12-08');
  });

  it('takes the statuses it is given for « not found »', async () => {
    signedIn();
    stubApi(() => ({ status: 403, body: { code: 'forbidden', message: 'Interdit.' } }));
    const page = useSubscriptionReading(() => subscription.id, [404, 403]);
    await page.load();
    expect(page.notFound.value).toBe(true);
    expect(page.loadError.value).toBeUndefined();
  });
});
