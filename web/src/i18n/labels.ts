import { weekdayLabels, type Depot } from '../../../domain/depot.ts';
import { roleLabels, type Role } from '../../../domain/roles.ts';
import {
  basketSizeLabels,
  frequencyLabels,
  subscriptionStatusLabels,
  type BasketSize,
  type Frequency,
  type SubscriptionStatus,
} from '../../../domain/subscription.ts';
import { currentLocale } from './index.ts';

/** The domain's own words for its values, in the current language (the same the API uses). */
export const labels = {
  basketSize: (size: BasketSize) => basketSizeLabels[size][currentLocale()],
  frequency: (frequency: Frequency) => frequencyLabels[frequency][currentLocale()],
  status: (status: SubscriptionStatus) => subscriptionStatusLabels[status][currentLocale()],
  role: (role: Role) => roleLabels[role][currentLocale()],
  weekday: (isoWeekday: number) => weekdayLabels[currentLocale()][isoWeekday - 1] ?? '',
  depotSchedule: (depot: Pick<Depot, 'deliveryWeekday' | 'openingHours'>) =>
    `${weekdayLabels[currentLocale()][depot.deliveryWeekday - 1] ?? ''}, ${depot.openingHours}`,
};
