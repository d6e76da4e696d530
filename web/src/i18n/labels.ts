import { weekdayLabels, type Depot } from '../../../domain/depot.ts';
import { absencePolicyLabels, type GardenRules } from '../../../domain/garden-rules.ts';
import {
  notificationChannelLabels,
  notificationKindLabels,
  notificationSkipReasonLabels,
  notificationStatusLabels,
  type NotificationChannel,
  type NotificationKind,
  type NotificationSkipReason,
  type NotificationStatus,
} from '../../../domain/notifications.ts';
import { roleLabels, type Role } from '../../../domain/roles.ts';
import {
  absenceOutcomeLabels,
  basketSizeLabels,
  frequencyLabels,
  subscriptionStatusLabels,
  type AbsenceOutcome,
  type BasketSize,
  type Frequency,
  type SubscriptionStatus,
} from '../../../domain/subscription.ts';
import { currentLocale, translate } from './index.ts';

/** The domain's own words for its values, in the current language (the same the API uses). */
export const labels = {
  basketSize: (size: BasketSize) => basketSizeLabels[size][currentLocale()],
  frequency: (frequency: Frequency) => frequencyLabels[frequency][currentLocale()],
  status: (status: SubscriptionStatus) => subscriptionStatusLabels[status][currentLocale()],
  role: (role: Role) => roleLabels[role][currentLocale()],
  weekday: (isoWeekday: number) => weekdayLabels[currentLocale()][isoWeekday - 1] ?? '',
  depotSchedule: (depot: Pick<Depot, 'deliveryWeekday' | 'openingHours'>) =>
    `${weekdayLabels[currentLocale()][depot.deliveryWeekday - 1] ?? ''}, ${depot.openingHours}`,
  /** « Livraison le mardi, 17 h – 19 h · 1 place Pasteur, 25000 Besançon », under a depot chosen. */
  depotDetails: (depot: Pick<Depot, 'deliveryWeekday' | 'openingHours' | 'address'>) =>
    `${translate('subscriptionForm.depotSchedule', {
      weekday: weekdayLabels[currentLocale()][depot.deliveryWeekday - 1] ?? '',
      hours: depot.openingHours,
    })} · ${depot.address.street}, ${depot.address.postalCode} ${depot.address.city}`,
  absencePolicy: (policy: GardenRules['absencePolicy']) => absencePolicyLabels[policy][currentLocale()],
  /** « crédité », « donné », « compensé »: what becomes of an absent day's basket. */
  absenceOutcome: (outcome: AbsenceOutcome) => absenceOutcomeLabels[outcome]?.[currentLocale()] ?? outcome,
  notificationKind: (kind: NotificationKind) => notificationKindLabels[kind]?.[currentLocale()] ?? kind,
  notificationStatus: (status: NotificationStatus) =>
    notificationStatusLabels[status]?.[currentLocale()] ?? status,
  notificationChannel: (channel: NotificationChannel) =>
    notificationChannelLabels[channel]?.[currentLocale()] ?? channel,
  skipReason: (reason: string) =>
    notificationSkipReasonLabels[reason as NotificationSkipReason]?.[currentLocale()] ?? reason,
};
