import { gardenTimeZone } from '../domain/calendar.ts';
import type { DeliveryCalendar } from '../domain/delivery-calendar.ts';
import type { GardenRules } from '../domain/garden-rules.ts';
import { subscriptionProcessId } from '../domain/process-ids.ts';
import { finalStatuses, type Subscription } from '../domain/subscription.ts';
import { readGardenContext } from '../adapters/store/garden-context.ts';
import type { DepotStore } from '../adapters/store/depot-store.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { GardenSettingsStore } from '../adapters/store/garden-settings.ts';
import type { MemberStore } from '../adapters/store/member-store.ts';
import { addressLine } from '../domain/member.ts';
import type { SubscriptionStore } from '../adapters/store/subscription-store.ts';

/** What a subscription's workflow knows of its garden: calendar, rules and depots. */
export interface GardenSnapshot {
  calendar: DeliveryCalendar;
  rules: GardenRules;
  timeZone: string;
  depotWeekdays: Record<string, number>;
  /** What messages say of each depot. */
  depots: Record<string, { name: string; address: string; openingHours: string }>;
}

/** Side effects of the subscription process. */
export function createSubscriptionActivities(deps: {
  subscriptions: SubscriptionStore;
  settings: GardenSettingsStore;
  depots: DepotStore;
  gardens: GardenRegistry;
  members: MemberStore;
}) {
  return {
    /**
     * Forgets the member record that an application made for an account that has since been
     * deleted, unless the record has other subscriptions (then it is a real member's).
     */
    async forgetApplicant(input: {
      gardenId: string;
      userId: string;
      memberId: string;
      subscriptionId: string;
    }): Promise<'forgotten' | 'kept'> {
      const others = (await deps.subscriptions.list(input.gardenId)).filter(
        (subscription) =>
          subscription.memberId === input.memberId && subscription.id !== input.subscriptionId,
      );
      if (others.length > 0) return 'kept';
      await deps.members.removeApplicant(input.gardenId, input.userId, input.memberId);
      return 'forgotten';
    },

    /** Writes a state of the subscription to the read model; a stale or repeated write is a no-op. */
    async recordSubscription(subscription: Subscription): Promise<void> {
      await deps.subscriptions.record(subscription);
    },

    /** Workflow ids of the garden's subscriptions that are still running or waiting. */
    async runningSubscriptionWorkflowIds(gardenId: string): Promise<string[]> {
      const subscriptions = await deps.subscriptions.list(gardenId);
      return subscriptions
        .filter((subscription) => !finalStatuses.includes(subscription.status))
        .map((subscription) => subscriptionProcessId(gardenId, subscription.id));
    },

    /** Reads the garden's calendar, rules and depots, as of now. */
    async loadGardenSnapshot(gardenId: string): Promise<GardenSnapshot> {
      const [context, depots, garden] = await Promise.all([
        readGardenContext(deps, gardenId),
        deps.depots.list(gardenId),
        deps.gardens.get(gardenId),
      ]);
      return {
        calendar: context.calendar,
        rules: context.rules,
        timeZone: garden?.timeZone ?? gardenTimeZone,
        depotWeekdays: context.depotWeekdays,
        depots: Object.fromEntries(
          depots.map((depot) => [
            depot.id,
            {
              name: depot.name,
              address: addressLine(depot.address),
              openingHours: depot.openingHours,
            },
          ]),
        ),
      };
    },
  };
}
export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
