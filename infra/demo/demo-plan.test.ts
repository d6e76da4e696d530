import { describe, expect, it } from 'vitest';
import { addDays, type IsoDate } from '../../domain/calendar.ts';
import { isoWeek } from '../../domain/iso-weeks.ts';
import {
  calendarRefusal,
  isClosedDay,
  isDeliveryDay,
  startOfDayIn,
  type DeliveryCalendar,
} from '../../domain/delivery-calendar.ts';
import {
  absenceRefusal,
  firstChangeableDelivery,
  upcomingDeliveries,
  type ScheduleContext,
} from '../../domain/delivery-schedule.ts';
import { defaultGardenRules } from '../../domain/garden-rules.ts';
import { cancellationRefusal, pauseRefusal, seasonTerms } from '../../domain/subscription-actions.ts';
import { subscriptionRequestRefusal, type Subscription } from '../../domain/subscription.ts';
import { demoCalendar, demoDepots } from './demo-gardens.ts';
import { demoMembers, type DemoMember } from './demo-members.ts';
import { demoAftermathStep } from './demo-steps.ts';

/**
 * The seed's planning, run for every day of a whole year as `npm start` would run it on that
 * day: every date it picks must be one the application's own rules accept, and nothing it
 * skips could have been done. The same rules run in the workflows' Update validators.
 */

const gardens = [
  { id: 'val-du-doubs', count: 60, prefix: 'm-demo' },
  { id: 'pays-de-vesoul', count: 8, prefix: 'm-vesoul' },
];
const rules = defaultGardenRules;
const timeZone = 'Europe/Paris';
const actor = { userId: 'demo', name: 'Démo' };

function contextOf(gardenId: string, calendar: DeliveryCalendar): ScheduleContext {
  return {
    calendar,
    depotWeekdays: Object.fromEntries(
      (demoDepots[gardenId] ?? []).map((depot) => [depot.id, depot.deliveryWeekday]),
    ),
    absencePolicy: rules.absencePolicy,
    timeZone,
  };
}

/** The subscription a demo member has once staff approved it, as its workflow holds it. */
function approved(gardenId: string, member: DemoMember, calendar: DeliveryCalendar): Subscription {
  if (member.plan.state === 'none') throw new Error('no subscription');
  return {
    id: `${member.id}.${member.plan.startDate}`,
    gardenId,
    memberId: member.id,
    basketSize: member.basketSize,
    frequency: member.frequency,
    depotId: member.depotId,
    startDate: member.plan.startDate,
    status: 'active',
    requested: { by: actor, at: '' },
    changes: [],
    absences: [],
    ...seasonTerms(calendar, rules, member.plan.startDate),
    updatedAt: '',
    revision: 2,
  };
}

interface DayOutcome {
  today: IsoDate;
  running: number;
  pauses: number;
  absences: number;
  cancellations: number;
  skipped: number;
}

/** Plans the demo on one instant and checks each step against the rules; returns what it did. */
function planDemoOn(now: Date): DayOutcome {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now);
  const outcome: DayOutcome = { today, running: 0, pauses: 0, absences: 0, cancellations: 0, skipped: 0 };
  const input = demoCalendar(today);
  expect(calendarRefusal(input), today).toBeUndefined();
  const calendar: DeliveryCalendar = { ...input, gardenId: 'g', version: 1, updatedAt: '' };
  for (const garden of gardens) {
    const context = contextOf(garden.id, calendar);
    const weekdayOf = (depotId: string) => context.depotWeekdays[depotId] ?? 0;
    const members = demoMembers(
      garden.id,
      garden.count,
      today,
      garden.prefix,
      { firstName: 'A', lastName: 'B' },
      calendar,
    );
    for (const member of members) {
      const plan = member.plan;
      const where = `${today} ${member.id} (${plan.state})`;
      if (plan.state === 'none') continue;
      if (plan.state === 'pending' || plan.state === 'waitlisted' || plan.state === 'rejected') {
        // Staff may still approve it later: it starts on a real delivery day to come.
        expect(
          subscriptionRequestRefusal({ memberId: member.id, ...member, startDate: plan.startDate }, today),
          where,
        ).toBeUndefined();
        expect(isDeliveryDay(calendar, weekdayOf(member.depotId), plan.startDate), where).toBe(true);
        continue;
      }
      const subscription = approved(garden.id, member, calendar);
      if (plan.state === 'ended') {
        expect(subscription.endDate! < today, where).toBe(true);
        continue;
      }
      // A running subscription is still running when the seed has approved it.
      expect(subscription.endDate === undefined || subscription.endDate >= today, where).toBe(true);
      outcome.running++;
      if (!plan.then) continue;
      const step = demoAftermathStep(plan.then, upcomingDeliveries(subscription, context, now, 8), now);
      // The workflow receives the step a little later than the seed read the deliveries.
      const asked = new Date(now.getTime() + 60_000);
      if (step.kind === 'skip') {
        // Only when the rules leave nothing to change (the season's end is too close).
        const first = firstChangeableDelivery(subscription, context, new Date(now.getTime() + 15 * 60_000));
        expect(first, `${where}: skipped ${plan.then} although ${first?.date} could change`).toBeUndefined();
        outcome.skipped++;
      } else if (step.kind === 'pause') {
        expect(pauseRefusal(subscription, context, step.from, step.until, asked), where).toBeUndefined();
        outcome.pauses++;
      } else if (step.kind === 'report-absences') {
        for (const date of step.dates) {
          expect(
            absenceRefusal(subscription, context, rules, date, asked),
            `${where} ${date}`,
          ).toBeUndefined();
        }
        outcome.absences++;
      } else {
        expect(cancellationRefusal(subscription, 'member', undefined), where).toBeUndefined();
        outcome.cancellations++;
      }
    }
  }
  return outcome;
}

describe('the demo seed on any day of the year', () => {
  // June 2027 to May 2028: the August closure, Christmas and New Year's weeks, a change of
  // season on 1 March and a 29 February.
  const first = '2027-06-01';
  const days = Array.from({ length: 366 }, (_, index) => addDays(first, index));

  it('covers the closures and the change of season', () => {
    const calendar = demoCalendar('2027-06-01');
    expect(days).toContain('2028-02-29');
    expect(isClosedDay(calendar, '2027-08-12')).toBe(true);
    expect(isClosedDay(calendar, '2027-12-24')).toBe(true);
    expect(isClosedDay(calendar, '2027-12-31')).toBe(true);
    expect(isClosedDay(calendar, '2028-01-05')).toBe(false);
    expect(days.filter((day) => isClosedDay(demoCalendar(day), day)).length).toBeGreaterThanOrEqual(4 * 7);
  });

  it('asks only what the rules allow, and skips only what they forbid, at any hour', () => {
    const outcomes: DayOutcome[] = [];
    for (const day of days) {
      // Just after midnight, in the morning, and just before midnight: cutoffs fall at midnight.
      for (const hour of [0.25, 10, 23.75]) {
        outcomes.push(planDemoOn(new Date(startOfDayIn(day, timeZone).getTime() + hour * 3_600_000)));
      }
    }
    for (const outcome of outcomes) {
      // The demo always shows a living garden: subscriptions running, and what members do.
      expect(outcome.running, outcome.today).toBeGreaterThan(20);
      expect(outcome.cancellations, outcome.today).toBeGreaterThan(0);
    }
    // Pauses and absences need a delivery that can still change: all year but for the last
    // days of a season, whose subscriptions end with it.
    const without = outcomes.filter((outcome) => outcome.pauses === 0 || outcome.absences === 0);
    for (const outcome of without) {
      expect(outcome.today >= '2028-02-20' && outcome.today <= '2028-02-29', outcome.today).toBe(true);
    }
    expect(new Set(outcomes.map((outcome) => isoWeek(outcome.today))).size).toBeGreaterThanOrEqual(52);
  }, 120_000);
});
