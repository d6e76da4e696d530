import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { calendarRefusal, DeliveryCalendar, DeliveryCalendarInput } from '../../domain/delivery-calendar.ts';
import { isIsoWeek } from '../../domain/iso-weeks.ts';
import { CocagneError } from '../../domain/errors.ts';
import { GardenRules, GardenRulesInput } from '../../domain/garden-rules.ts';
import { GardenContact, GardenContactInput, normalizeGardenContact } from '../../domain/garden-contact.ts';
import { gardenAdminRoles, staffRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams, Version, WeekParams } from '../schemas.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';

const version = {
  version: Version(0, 'The version read; 0 for a garden using the defaults.'),
};

/** A garden's delivery calendar, subscription rules, and how members reach and pay it. */
export const gardenSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;
  const { gardenSettings, weekSchedules } = app.commands;

  app.get(
    '/calendar',
    {
      schema: {
        tags: ['calendar'],
        summary: 'The delivery calendar: seasons, closed weeks, cutoff before deliveries.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: DeliveryCalendar, ...errorAnswers },
      },
    },
    async (request) => store.settings.calendar(request.params.gardenId, app.now()),
  );

  app.put(
    '/calendar',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['calendar'],
        summary:
          'Saves the delivery calendar (staff). `version` must be the one read: a concurrent change gives 409. ' +
          'Running subscriptions follow the new calendar at once.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object(
          { ...DeliveryCalendarInput.properties, ...version },
          { additionalProperties: false },
        ),
        response: { 200: DeliveryCalendar, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { version: expected, ...input } = request.body;
      const refusal = calendarRefusal(input);
      if (refusal) throw new CocagneError('refused', refusal, { field: 'seasons' });
      const before = await store.settings.calendar(gardenId, app.now());
      const saved = await store.settings.saveCalendar(
        gardenId,
        input,
        expected,
        app.now().toISOString(),
        staffChangeLog(app, request, gardenId, {
          action: 'calendar.updated',
          subject: { kind: 'calendar', id: 'calendar' },
          ...(before.version > 0 ? { before } : {}),
        }),
      );
      await gardenSettings.announce(gardenId, `calendar-v${saved.version}`);
      return saved;
    },
  );

  /** Closes or reopens one week, whatever else changed in the calendar meanwhile. */
  async function setWeek(request: FastifyRequest, gardenId: string, week: string, closed: boolean) {
    // A week 53 in a year of 52 weeks matches the pattern, but there is no such week.
    if (!isIsoWeek(week)) {
      throw new CocagneError('not_found', {
        fr: `La semaine ${week} n'existe pas.`,
        en: `Week ${week} does not exist.`,
      });
    }
    for (let attempt = 0; ; attempt++) {
      const calendar = await store.settings.calendar(gardenId, app.now());
      const weeks = new Set(calendar.closedWeeks);
      if (weeks.has(week) === closed) return calendar;
      if (closed) weeks.add(week);
      else weeks.delete(week);
      try {
        const saved = await store.settings.saveCalendar(
          gardenId,
          { seasons: calendar.seasons, cutoffHours: calendar.cutoffHours, closedWeeks: [...weeks] },
          calendar.version,
          app.now().toISOString(),
          staffChangeLog(app, request, gardenId, {
            action: closed ? 'calendar.week-closed' : 'calendar.week-reopened',
            subject: { kind: 'calendar', id: week },
            ...(calendar.version > 0 ? { before: calendar } : {}),
          }),
        );
        await gardenSettings.announce(gardenId, `calendar-v${saved.version}`);
        return saved;
      } catch (error) {
        // Someone saved the calendar in between: apply the same toggle to their version.
        if (!(error instanceof CocagneError && error.code === 'conflict') || attempt >= 4) throw error;
      }
    }
  }

  app.put(
    '/calendar/closed-weeks/:week',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['calendar'],
        summary: 'Closes a week: no deliveries that week (staff). Closing it twice is once.',
        security: [{ bearer: [] }],
        params: WeekParams,
        response: { 200: DeliveryCalendar, ...errorAnswers },
      },
    },
    async (request) => setWeek(request, request.params.gardenId, request.params.week, true),
  );

  app.delete(
    '/calendar/closed-weeks/:week',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['calendar'],
        summary: 'Reopens a closed week (staff).',
        security: [{ bearer: [] }],
        params: WeekParams,
        response: { 200: DeliveryCalendar, ...errorAnswers },
      },
    },
    async (request) => setWeek(request, request.params.gardenId, request.params.week, false),
  );

  app.get(
    '/rules',
    {
      schema: {
        tags: ['calendar'],
        summary: "The garden's subscription rules (absences, notice, renewal, reminders).",
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: GardenRules, ...errorAnswers },
      },
    },
    async (request) => store.settings.rules(request.params.gardenId),
  );

  app.put(
    '/rules',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['calendar'],
        summary: "Saves the garden's subscription rules (garden administrators).",
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object({ ...GardenRulesInput.properties, ...version }, { additionalProperties: false }),
        response: { 200: GardenRules, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { version: expected, ...input } = request.body;
      const before = await store.settings.rules(gardenId);
      const saved = await store.settings.saveRules(
        gardenId,
        input,
        expected,
        staffChangeLog(app, request, gardenId, {
          action: 'rules.updated',
          subject: { kind: 'settings', id: 'rules' },
          before,
        }),
      );
      await gardenSettings.announce(gardenId, `rules-v${saved.version}`);
      const garden = await store.gardens.get(gardenId);
      await weekSchedules.ensure(gardenId, saved, garden?.timeZone);
      return saved;
    },
  );

  app.get(
    '/contact',
    {
      schema: {
        tags: ['gardens'],
        summary:
          "How members reach the garden's team (email, phone, address) and pay it without a card " +
          '(payee, IBAN, BIC, where cheques go); any role of the garden. Version 0: the registered address only.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: GardenContact, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      return store.settings.contact(gardenId, await store.gardens.get(gardenId));
    },
  );

  app.put(
    '/contact',
    {
      // The bank account members pay into is the garden's own term, like its legal details:
      // its administrators set it; staff read it.
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['gardens'],
        summary:
          "Saves the garden's contact and payment instructions (garden administrators). `version` must be the one " +
          'read: a concurrent change gives 409. An IBAN whose check digits or length are wrong is refused (422).',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: Type.Object({ ...GardenContactInput.properties, ...version }, { additionalProperties: false }),
        response: { 200: GardenContact, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { version: expected, ...input } = request.body;
      const outcome = normalizeGardenContact(input);
      if (!outcome.ok) throw new CocagneError('refused', outcome.message, { field: outcome.field });
      const before = await store.settings.contact(gardenId, await store.gardens.get(gardenId));
      const saved = await store.settings.saveContact(
        gardenId,
        outcome.value,
        expected,
        staffChangeLog(app, request, gardenId, {
          action: 'contact.updated',
          subject: { kind: 'garden', id: gardenId },
          before,
        }),
      );
      await gardenSettings.copyConfiguration(gardenId, `contact-v${saved.version}`);
      return saved;
    },
  );
};
