import { computed } from 'vue';
import { usePageReading } from '../../components/page-reading.ts';
import { useGardenSettingsStore } from '../calendar/garden-settings-store.ts';
import { useSessionStore } from '../../stores/session.ts';
import { cancellationDate } from './subscription-actions.ts';
import { useSubscriptionStore } from './subscriptions-store.ts';

/**
 * The subscription a page is about (the staff's page of it, the member's online cancellation):
 * read by its id with what PageState shows meanwhile, and `effectiveDate`, the day it would end
 * if cancelled now by the garden's notice rule (undefined until the rules are read).
 */
export function useSubscriptionReading(id: () => string, notFoundStatuses?: readonly number[]) {
  const subscriptions = useSubscriptionStore();
  const settings = useGardenSettingsStore();
  const session = useSessionStore();

  const subscription = computed(() => subscriptions.byId[id()]);
  const reading = usePageReading(() => subscriptions.fetchOne(id()), notFoundStatuses);
  const effectiveDate = computed(() =>
    subscription.value && settings.rules
      ? cancellationDate(
          subscription.value,
          settings.rules,
          new Date(),
          session.garden?.timeZone || undefined,
        )
      : undefined,
  );

  return { subscription, ...reading, effectiveDate };
}
