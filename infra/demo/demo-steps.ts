import { addDays, type IsoDate } from '../../domain/calendar.ts';
import type { ScheduledDelivery } from '../../domain/delivery-schedule.ts';
import type { DemoAftermath } from './demo-members.ts';

/**
 * What the seed asks of a running demo subscription, chosen from the deliveries its workflow
 * shows ahead (never from fixed offsets from today), or why it asks nothing.
 */
export type DemoStep =
  | { kind: 'report-absences'; dates: IsoDate[] }
  | { kind: 'pause'; from: IsoDate; until: IsoDate }
  | { kind: 'cancel' }
  | { kind: 'skip'; reason: string };

/** How long the seed may take between reading the deliveries and asking: a cutoff in between would refuse it. */
const marginMs = 15 * 60_000;

/** Weeks a demo pause lasts. */
const pauseWeeks = 4;

/** The deliveries that can still be changed when the seed asks (with a margin for the seed's own time). */
function stillChangeable(upcoming: readonly ScheduledDelivery[], now: Date): ScheduledDelivery[] {
  return upcoming.filter((delivery) => Date.parse(delivery.changeableUntil) > now.getTime() + marginMs);
}

/** The step that takes an approved demo subscription to its planned aftermath. */
export function demoAftermathStep(
  then: DemoAftermath,
  upcoming: readonly ScheduledDelivery[],
  now: Date,
): DemoStep {
  const open = stillChangeable(upcoming, now);
  if (then === 'cancellation') return { kind: 'cancel' };
  if (then === 'absences') {
    const deliveries = open.filter((delivery) => delivery.state === 'delivery');
    // The second one when there is one, so the portal shows a delivery, then the absence.
    const chosen = deliveries[1] ?? deliveries[0];
    return chosen
      ? { kind: 'report-absences', dates: [chosen.date] }
      : { kind: 'skip', reason: 'no delivery ahead can still be changed' };
  }
  // A pause starts at the first delivery that can still be changed: earlier ones are prepared.
  const first = open[0];
  return first
    ? { kind: 'pause', from: first.date, until: addDays(first.date, 7 * pauseWeeks) }
    : { kind: 'skip', reason: 'no delivery ahead can still be changed' };
}
