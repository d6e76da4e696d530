import { describe, expect, it } from 'vitest';
import type { IsoDate } from './calendar.ts';
import type { NotificationRequest } from './notifications.ts';
import {
  applyEvent,
  nextEvent,
  type SubscriptionEvent,
  type TimelineGarden,
} from './subscription-timeline.ts';
import type { Subscription } from './subscription.ts';

const someone = { by: { userId: 'u-1', name: 'Sophie Girardot' }, at: '2026-09-01T10:00:00.000Z' };

/** A garden delivering on Tuesdays, closed the two weeks around Christmas and New Year. */
const garden: TimelineGarden = {
  calendar: {
    seasons: [
      { id: '2026-2027', start: '2026-03-01', end: '2027-02-28' },
      { id: '2027-2028', start: '2027-03-01', end: '2028-02-29' },
    ],
    closedWeeks: ['2026-W52', '2026-W53'],
    cutoffHours: 48,
  },
  rules: {
    absencePolicy: 'donated',
    resumeReminderDays: 3,
    renewalReminderDays: 21,
    dayBeforeReminderHour: 17,
  },
  timeZone: 'Europe/Paris',
  depotWeekdays: { 'd-mardi': 2 },
  depots: { 'd-mardi': { name: 'Mairie', address: '1 place de la Mairie', openingHours: '17 h – 19 h' } },
};

/** An active weekly season subscription at the Tuesday depot, from Tuesday 6 October 2026. */
function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: 'm-1.2026-10-06',
    gardenId: 'g-1',
    memberId: 'm-1',
    basketSize: 'medium',
    frequency: 'weekly',
    depotId: 'd-mardi',
    startDate: '2026-10-06',
    status: 'active',
    requested: someone,
    changes: [],
    absences: [],
    endDate: '2027-02-28',
    seasonId: '2026-2027',
    updatedAt: someone.at,
    revision: 2,
    ...overrides,
  };
}

interface Happened {
  kind: SubscriptionEvent['kind'];
  at: string;
  status: Subscription['status'];
  notice?: NotificationRequest;
}

/**
 * Lets time run over a subscription as the workflow does: wait for the next event, apply it,
 * send its notice at once; until nothing is left to happen.
 */
function live(start: Subscription, from: Date): { happened: Happened[]; last: Subscription } {
  let current = start;
  let now = from;
  let remindedThrough: IsoDate | undefined;
  const sentNotices = new Set<string>();
  const happened: Happened[] = [];
  for (let step = 0; step < 500; step++) {
    const event = nextEvent(current, garden, { remindedThrough, sentNotices }, now);
    if (!event) return { happened, last: current };
    if (event.at > now.getTime()) now = new Date(event.at);
    const outcome = applyEvent(current, event, garden, now);
    if (outcome.remindedThrough) remindedThrough = outcome.remindedThrough;
    if (outcome.change) current = { ...current, ...outcome.change };
    if (outcome.notice) sentNotices.add(outcome.notice.key);
    if (outcome.handled) sentNotices.add(outcome.handled);
    happened.push({
      kind: event.kind,
      at: now.toISOString(),
      status: current.status,
      ...(outcome.notice ? { notice: outcome.notice.request } : {}),
    });
  }
  throw new Error('the timeline never ends');
}

const deliveryReminders = (happened: Happened[]) =>
  happened.filter((event) => event.kind === 'delivery-reminder' && event.notice);

describe('a season of a subscription', () => {
  const { happened, last } = live(subscription(), new Date('2026-10-01T08:00:00.000Z'));

  it('reminds the member the day before each delivery at 17:00 in Paris, across the clock change', () => {
    const reminders = deliveryReminders(happened);
    // Summer time (UTC+2) until Sunday 25 October, winter time (UTC+1) after.
    expect(reminders.slice(0, 5).map((event) => event.at)).toEqual([
      '2026-10-05T15:00:00.000Z',
      '2026-10-12T15:00:00.000Z',
      '2026-10-19T15:00:00.000Z',
      '2026-10-26T16:00:00.000Z',
      '2026-11-02T16:00:00.000Z',
    ]);
    expect(reminders[0]?.notice).toEqual({
      kind: 'delivery-reminder',
      data: {
        date: '2026-10-06',
        depotName: 'Mairie',
        depotAddress: '1 place de la Mairie',
        openingHours: '17 h – 19 h',
        basketSize: 'medium',
        baskets: 1,
      },
    });
  });

  it('sends no reminder for the Tuesdays of the Christmas closure', () => {
    const dates = deliveryReminders(happened).map((event) =>
      event.notice?.kind === 'delivery-reminder' ? event.notice.data.date : undefined,
    );
    expect(dates).not.toContain('2026-12-22');
    expect(dates).not.toContain('2026-12-29');
    // 21 Tuesdays from 6 October to 23 February, less the two closed weeks.
    expect(dates).toHaveLength(19);
    expect(dates.slice(10, 13)).toEqual(['2026-12-15', '2027-01-05', '2027-01-12']);
    expect(dates.at(-1)).toBe('2027-02-23');
  });

  it('reminds of renewal three weeks before the end, then ends the season at midnight in Paris', () => {
    const renewal = happened.filter((event) => event.kind === 'renewal-reminder');
    expect(renewal).toEqual([
      {
        kind: 'renewal-reminder',
        at: '2027-02-07T09:00:00.000Z',
        status: 'active',
        notice: { kind: 'renewal-reminder', data: { endDate: '2027-02-28' } },
      },
    ]);
    expect(happened.at(-1)).toEqual({
      kind: 'season-ends',
      at: '2027-02-28T23:00:00.000Z',
      status: 'ended',
      notice: { kind: 'subscription-ended', data: { endDate: '2027-02-28' } },
    });
    expect(last.status).toBe('ended');
    // Nothing is reminded twice.
    expect(happened.filter((event) => event.kind === 'renewal-reminder')).toHaveLength(1);
  });
});

describe('a pause across the spring clock change', () => {
  const paused = subscription({
    id: 'm-1.2027-03-02',
    startDate: '2027-03-02',
    endDate: '2028-02-29',
    seasonId: '2027-2028',
    pause: { from: '2027-03-23', until: '2027-04-06', requested: someone },
  });
  const { happened } = live(paused, new Date('2027-03-10T08:00:00.000Z'));
  const around = happened.filter((event) => event.at >= '2027-03-20' && event.at < '2027-04-07');

  it('pauses at midnight, reminds three days before resuming, and resumes at midnight', () => {
    expect(around.map(({ kind, at, status }) => ({ kind, at, status }))).toEqual([
      // Midnight in Paris is 23:00 UTC before Sunday 28 March, 22:00 UTC after.
      { kind: 'pause-starts', at: '2027-03-22T23:00:00.000Z', status: 'paused' },
      { kind: 'resume-reminder', at: '2027-04-03T08:00:00.000Z', status: 'paused' },
      { kind: 'delivery-reminder', at: '2027-04-05T15:00:00.000Z', status: 'paused' },
      { kind: 'pause-ends', at: '2027-04-05T22:00:00.000Z', status: 'active' },
    ]);
    expect(around[1]?.notice).toEqual({
      kind: 'resume-reminder',
      data: { resumeDate: '2027-04-06', depotName: 'Mairie' },
    });
  });

  it('sends no delivery reminder during the pause', () => {
    const dates = deliveryReminders(happened).map((event) =>
      event.notice?.kind === 'delivery-reminder' ? event.notice.data.date : undefined,
    );
    // Tuesdays 23 and 30 March are paused; 6 April is delivered again.
    expect(dates.slice(0, 3)).toEqual(['2027-03-16', '2027-04-06', '2027-04-13']);
  });
});

describe('next event', () => {
  const now = new Date('2026-11-24T12:00:00.000Z');
  const memory = { sentNotices: new Set<string>() };

  it('is nothing for a subscription that is not running', () => {
    for (const status of ['pending', 'waitlisted', 'rejected', 'cancelled', 'ended'] as const) {
      expect(nextEvent(subscription({ status }), garden, memory, now)).toBeUndefined();
    }
  });

  it('is the end of the season without reminders when the garden sends none', () => {
    const quiet = { ...garden, rules: { ...garden.rules, dayBeforeReminderHour: undefined } };
    expect(
      nextEvent(
        subscription({ cancellation: { ...someone, origin: 'member', effectiveDate: '2027-02-28' } }),
        quiet,
        memory,
        now,
      ),
    ).toEqual({ kind: 'season-ends', at: Date.parse('2027-02-28T23:00:00.000Z'), endDate: '2027-02-28' });
  });

  it('is an event already due when the workflow wakes up late', () => {
    const late = nextEvent(subscription(), garden, memory, new Date('2026-11-30T20:00:00.000Z'));
    // The reminder for Tuesday 1 December was due at 17:00 on Monday.
    expect(late?.kind).toBe('delivery-reminder');
    expect(late?.at).toBe(Date.parse('2026-11-30T16:00:00.000Z'));
  });
});

describe('applying an event', () => {
  it('drops a delivery reminder once the delivery day has begun, remembering it', () => {
    const event = nextEvent(
      subscription(),
      garden,
      { sentNotices: new Set() },
      new Date('2026-11-30T12:00:00.000Z'),
    );
    expect(event?.kind).toBe('delivery-reminder');
    if (!event) return;
    expect(applyEvent(subscription(), event, garden, new Date('2026-11-30T23:30:00.000Z'))).toEqual({
      remindedThrough: '2026-12-01',
    });
  });

  it('ends a cancelled subscription as cancelled, without the end-of-season notice', () => {
    const cancelled = subscription({
      cancellation: { ...someone, origin: 'member', effectiveDate: '2027-02-28' },
    });
    const event: SubscriptionEvent = { kind: 'season-ends', at: 0, endDate: '2027-02-28' };
    expect(applyEvent(cancelled, event, garden, new Date('2027-02-28T23:00:00.000Z'))).toEqual({
      change: { status: 'cancelled' },
    });
  });
});
