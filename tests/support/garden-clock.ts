import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { startOfDayIn } from '../../domain/delivery-calendar.ts';

/**
 * Waits until the garden's midnight has passed when it is less than `marginMs` away, then
 * resolves. Integration tests read today (this week, last month) once, then run for minutes
 * against services on the real clock (the API's rules, the Temporal dev server): started late
 * on a Sunday, their "next week" becomes the current one halfway through, and next week's
 * cutoff passes. Their clock cannot be faked, so they start clear of midnight instead.
 */
export async function clearOfMidnight(marginMs = 5 * 60_000, timeZone = gardenTimeZone): Promise<void> {
  const start = Date.now();
  const midnight = startOfDayIn(addDays(gardenDay(new Date(start), timeZone), 1), timeZone).getTime();
  const left = midnight - start;
  // A second past it, so the garden's day has surely turned for every service.
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}
