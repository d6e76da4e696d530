import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import type { StopMark } from '../../domain/rounds/round.ts';
import {
  circuitSignatureHeader,
  parseCircuitStopEvent,
  verifyCircuitWebhook,
} from '../../adapters/routing/circuit-webhooks.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';

const outcomes = ['recorded', 'duplicate', 'ignored'] as const;

/** The id a Circuit event's mark is kept under: the same event always gives the same id. */
export function markIdOfCircuitEvent(eventId: string): string {
  const hex = createHash('sha256').update(`circuit:${eventId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Circuit's webhooks for a garden that routes with Circuit: a driver's delivery attempt in
 * Circuit's app becomes a mark on our round, as if made on our driver page. The signature
 * (`spoke-signature`) is checked on the exact bytes received with the garden's webhook secret;
 * an event sent again gives the same mark id, kept once.
 */
export const circuitWebhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, now } = app;
  const { rounds } = app.commands;

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: 256 * 1024 },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.post(
    '/circuit/webhook/:gardenId',
    {
      schema: {
        tags: ['rounds'],
        summary:
          "Circuit's events for a garden (delivery attempts), signed with the garden's webhook secret; " +
          'a forged signature gets 401, events the app does not use are acknowledged.',
        params: GardenParams,
        response: {
          200: Type.Object({ received: Type.Literal(true), outcome: Type.Enum([...outcomes]) }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const raw = request.body;
      const secret = await store.fleet.circuitWebhookSecret(gardenId);
      // The same answer for a garden without Circuit and a wrong signature: nothing to learn.
      if (
        !Buffer.isBuffer(raw) ||
        !secret ||
        !verifyCircuitWebhook(raw, request.headers[circuitSignatureHeader], secret)
      ) {
        throw new CocagneError('unauthenticated', {
          fr: 'Signature du webhook Circuit invalide.',
          en: 'Invalid Circuit webhook signature.',
        });
      }
      const event = parseCircuitStopEvent(raw);
      if (!event) return { received: true as const, outcome: 'ignored' as const };
      const garden = await store.gardens.get(gardenId);
      const date = gardenDay(new Date(event.at), garden?.timeZone);
      const round = await store.rounds.get(gardenId, date);
      if (!round?.stops.some((stop) => stop.id === event.stopExternalId)) {
        return { received: true as const, outcome: 'ignored' as const };
      }
      const mark: StopMark = {
        markId: markIdOfCircuitEvent(event.eventId),
        stopId: event.stopExternalId,
        outcome: event.outcome,
        ...(event.outcome === 'not-delivered' ? { reason: event.reason ?? 'other' } : {}),
        markedAt: event.at,
        receivedAt: now().toISOString(),
        by: { userId: 'circuit', name: 'Circuit' },
      };
      const kept = await store.rounds.addMark(gardenId, date, mark);
      // Told even for an event sent again: the first time may not have reached the workflow
      // (it tells a member once).
      await rounds.stopMarked(gardenId, date, {
        markId: mark.markId,
        stopId: mark.stopId,
        outcome: mark.outcome,
      });
      return {
        received: true as const,
        outcome: kept.duplicate ? ('duplicate' as const) : ('recorded' as const),
      };
    },
  );
};
