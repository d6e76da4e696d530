import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { readGardenContext, scheduleContextOf } from '../../adapters/store/garden-context.ts';
import { addDays, gardenDay, gardenTimeZone } from '../../domain/calendar.ts';
import { deliverySchedule } from '../../domain/delivery-schedule.ts';
import type { Depot } from '../../domain/depot.ts';
import { CocagneError } from '../../domain/errors.ts';
import { deliveriesCalendar, type FeedDelivery, type FeedDepot } from '../../domain/ical-feed.ts';
import { addressLine } from '../../domain/member.ts';
import type { SubscriptionStatus } from '../../domain/subscription.ts';
import { CalendarToken } from '../../domain/ids.ts';
import { errorAnswers, MemberParams } from '../schemas.ts';

export interface CalendarFeedOptions {
  /** The address members reach the app at ("https://cocagne.example.org"), for the feed URL. */
  publicUrl: string;
}

/** How far ahead the feed looks. */
const feedWeeks = 26;
const runningStatuses: readonly SubscriptionStatus[] = ['active', 'paused'];

const CalendarLink = Type.Object({
  url: Type.String({
    description:
      'The secret address of the feed, to paste in a calendar app. Anyone with it can read the feed.',
  }),
});

const unknownFeed = () =>
  new CocagneError('not_found', {
    fr: "Ce calendrier n'existe pas, ou son adresse a été renouvelée : copiez la nouvelle adresse depuis votre espace adhérent.",
    en: 'This calendar does not exist, or its address was renewed: copy the new address from your member page.',
  });

function feedDepotOf(depot: Depot): FeedDepot {
  return {
    name: depot.name,
    address: addressLine(depot.address),
    location: depot.location,
    pickupWindow: depot.pickupWindow,
    openingHours: depot.openingHours,
  };
}

/** The feed's address, a secret: `<public URL>/api/calendar/<token>.ics`. */
function feedAddresses(options: CalendarFeedOptions) {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  return (token: string) => `${publicUrl}/api/calendar/${token}.ics`;
}

/**
 * Each member's iCal feed of upcoming deliveries, at a secret address (the token is the only
 * credential: calendar apps cannot sign in). The member's page to read or renew the address
 * is in `calendarLinkRoutes`.
 */
export const calendarFeedRoutes: FastifyPluginAsyncTypebox<CalendarFeedOptions> = async (app, options) => {
  const { store } = app;
  // Until the store index builds it, the links live over the store's own client and tables.
  const links = store.calendarLinks;
  const feedUrlOf = feedAddresses(options);

  app.get(
    '/calendar/:token.ics',
    {
      onRequest: app.limitPerAddress('calendarFeeds'),
      schema: {
        tags: ['calendar'],
        summary:
          "Flux iCal des prochaines livraisons d'un adhérent. / A member's iCal feed of upcoming deliveries " +
          `(${feedWeeks} weeks). Public: the token in the address is the secret.`,
        params: Type.Object({ token: CalendarToken }),
        response: {
          200: {
            description: 'An iCalendar (RFC 5545) document, in UTF-8.',
            content: { 'text/calendar': { schema: Type.String() } },
          },
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const owner = await links.resolve(token);
      if (!owner) throw unknownFeed();
      const { gardenId, memberId } = owner;
      const now = app.now();
      const [garden, member, subscriptions, depots, context] = await Promise.all([
        store.gardens.get(gardenId),
        store.members.get(gardenId, memberId),
        store.subscriptions.listForMember(gardenId, memberId),
        store.depots.list(gardenId),
        readGardenContext(store, gardenId, now),
      ]);
      if (!garden || !member) throw unknownFeed();

      const timeZone = garden.timeZone || gardenTimeZone;
      const schedule = { ...scheduleContextOf(context), timeZone };
      const today = gardenDay(now, timeZone);
      const until = addDays(today, feedWeeks * 7 - 1);
      const depotsById = new Map(depots.map((depot) => [depot.id, feedDepotOf(depot)]));
      const deliveries: FeedDelivery[] = subscriptions
        .filter((subscription) => runningStatuses.includes(subscription.status))
        .flatMap((subscription) => {
          try {
            return deliverySchedule(subscription, schedule, today, until).flatMap((delivery) => {
              const depot = depotsById.get(delivery.depotId);
              return depot ? [{ ...delivery, subscriptionId: subscription.id, depot }] : [];
            });
          } catch (error) {
            // One record the schedule cannot read (staff see it in their inbox when the week
            // is planned) must not take the member's whole calendar down.
            request.log.error(
              { err: error, subscriptionId: subscription.id },
              'subscription left out of the feed',
            );
            return [];
          }
        });

      const calendar = deliveriesCalendar({
        gardenName: garden.name,
        memberFirstName: member.firstName,
        deliveries,
        timeZone,
        generatedAt: now,
        feedUrl: feedUrlOf(token),
      });
      return reply
        .header('cache-control', 'private, max-age=900')
        .header('content-disposition', 'inline; filename="mes-paniers.ics"')
        .type('text/calendar; charset=utf-8')
        .send(calendar);
    },
  );
};

/** The secret address of a member's calendar feed, read or renewed by the member (or staff). */
export const calendarLinkRoutes: FastifyPluginAsyncTypebox<CalendarFeedOptions> = async (app, options) => {
  const links = app.store.calendarLinks;
  const feedUrlOf = feedAddresses(options);

  const linkRoute = (summary: string) => ({
    schema: {
      tags: ['calendar'],
      summary,
      security: [{ bearer: [] }],
      params: MemberParams,
      response: { 200: CalendarLink, ...errorAnswers },
    },
  });

  /** The feed's address, as `links` reads or renews it, for staff or the member themselves. */
  async function linkOf(
    request: FastifyRequest<{ Params: { gardenId: string; memberId: string } }>,
    make: 'current' | 'regenerate',
  ) {
    const { gardenId, memberId } = request.params;
    await request.reachableMember(gardenId, memberId);
    return { url: feedUrlOf(await links[make](gardenId, memberId, app.now())) };
  }

  app.get(
    '/members/:memberId/calendar-link',
    linkRoute(
      "Adresse secrète du calendrier des livraisons de l'adhérent, créée au premier appel. / " +
        "The secret address of the member's delivery calendar, made on first call (staff, or that member).",
    ),
    (request) => linkOf(request, 'current'),
  );

  app.post(
    '/members/:memberId/calendar-link',
    linkRoute(
      "Renouvelle l'adresse du calendrier : l'ancienne cesse aussitôt de fonctionner. / " +
        'Renews the calendar address: the previous one stops working at once (staff, or that member).',
    ),
    (request) => linkOf(request, 'regenerate'),
  );
};
