import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { calendarRefusal, DeliveryCalendar, DeliveryCalendarInput } from '../../domain/delivery-calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import { GardenRules, GardenRulesInput } from '../../domain/garden-rules.ts';
import { staffRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';

const version = {
  version: Type.Integer({ minimum: 0, description: 'The version read; 0 for a garden using the defaults.' }),
};

/** A garden's delivery calendar and subscription rules. */
export const gardenSettingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, gardenSettings, weekSchedules } = app.services;

  app.get(
    '/gardens/:gardenId/calendar',
    {
      onRequest: app.guard(),
      schema: {
        tags: ['calendar'],
        summary: 'The delivery calendar: seasons, closed weeks, cutoff before deliveries.',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: DeliveryCalendar, ...errorAnswers },
      },
    },
    async (request) => store.settings.calendar(request.params.gardenId, app.services.now()),
  );

  app.put(
    '/gardens/:gardenId/calendar',
    {
      onRequest: app.guard({ roles: staffRoles }),
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
      if (refusal) throw new CocagneError('invalid_input', refusal, { field: 'seasons' });
      const saved = await store.settings.saveCalendar(
        gardenId,
        input,
        expected,
        app.services.now().toISOString(),
      );
      await gardenSettings.announce(gardenId, `calendar-v${saved.version}`);
      return saved;
    },
  );

  app.get(
    '/gardens/:gardenId/rules',
    {
      onRequest: app.guard(),
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
    '/gardens/:gardenId/rules',
    {
      onRequest: app.guard({ roles: ['garden-admin', 'network-admin'] }),
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
      const saved = await store.settings.saveRules(gardenId, input, expected);
      await gardenSettings.announce(gardenId, `rules-v${saved.version}`);
      const garden = await store.gardens.get(gardenId);
      await weekSchedules.ensure(gardenId, saved, garden?.timeZone);
      return saved;
    },
  );
};
