import type { DeliveryCalendar } from '../../domain/delivery-calendar.ts';
import type { ScheduleContext } from '../../domain/delivery-schedule.ts';
import type { GardenRules } from '../../domain/garden-rules.ts';
import type { DepotStore } from './depot-store.ts';
import type { GardenSettingsStore } from './garden-settings.ts';

/** Everything a garden's schedules and subscription rules depend on, read together. */
export interface GardenContext {
  calendar: DeliveryCalendar;
  rules: GardenRules;
  /** Delivery weekday of each depot, by id. */
  depotWeekdays: Record<string, number>;
}

export async function readGardenContext(
  stores: { settings: GardenSettingsStore; depots: DepotStore },
  gardenId: string,
  now = new Date(),
): Promise<GardenContext> {
  const [calendar, rules, depots] = await Promise.all([
    stores.settings.calendar(gardenId, now),
    stores.settings.rules(gardenId),
    stores.depots.list(gardenId),
  ]);
  return {
    calendar,
    rules,
    depotWeekdays: Object.fromEntries(depots.map((depot) => [depot.id, depot.deliveryWeekday])),
  };
}

export function scheduleContextOf(context: GardenContext): ScheduleContext {
  return {
    calendar: context.calendar,
    depotWeekdays: context.depotWeekdays,
    absencePolicy: context.rules.absencePolicy,
  };
}
