import { afterEach, describe, expect, it, vi } from 'vitest';
import { gardenDay } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import { clearOfMidnight } from './garden-clock.ts';

describe('starting clear of midnight', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** When the wait ends, read as the garden's day. */
  async function resumesOn(instant: string): Promise<string> {
    vi.useFakeTimers({ now: new Date(instant) });
    let resumed: Date | undefined;
    const waiting = clearOfMidnight().then(() => {
      resumed = new Date();
    });
    await vi.runAllTimersAsync();
    await waiting;
    return resumed ? resumed.toISOString() : 'never';
  }

  it('waits out the change of week late on a Sunday (Paris), then reads the new week', async () => {
    // Sunday 3 January 2027 at 23:57 in Paris: week 53 of 2026 ends in three minutes.
    const resumed = await resumesOn('2027-01-03T22:57:00Z');
    expect(resumed).toBe('2027-01-03T23:00:01.000Z');
    expect(isoWeek(gardenDay(new Date(resumed)))).toBe('2027-W01');
  });

  it('follows the daylight-saving change and the end of a month', async () => {
    // Saturday 30 October 2027 at 23:58, summer time: midnight is 22:00 UTC.
    expect(await resumesOn('2027-10-30T21:58:00Z')).toBe('2027-10-30T22:00:01.000Z');
    // 29 February 2028 at 23:59: the month changes.
    expect(gardenDay(new Date(await resumesOn('2028-02-29T22:59:00Z')))).toBe('2028-03-01');
  });

  it('starts at once the rest of the day', async () => {
    expect(await resumesOn('2027-01-03T21:00:00Z')).toBe('2027-01-03T21:00:00.000Z');
    expect(await resumesOn('2027-01-03T23:00:00Z')).toBe('2027-01-03T23:00:00.000Z');
  });
});
