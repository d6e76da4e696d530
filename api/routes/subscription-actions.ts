import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { absenceCreditStates, creditedAbsences } from '../../domain/billing-credits.ts';
import { CalendarDay, gardenDay, isIsoDate } from '../../domain/calendar.ts';
import { invoiceLabel } from '../../domain/invoices.ts';
import { upcomingDeliveries } from '../../domain/delivery-schedule.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { absencePolicyInputs, type AbsenceDecision } from '../../domain/absence-decisions.ts';
import { absencePolicyHook, type AbsencePolicyOutput } from '../../domain/extensions/absence-policy.ts';
import { absenceOutcomes, basketSizes, type Subscription } from '../../domain/subscription.ts';
import { readGardenContext, scheduleContextOf } from '../../adapters/store/garden-context.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf } from '../plugins/auth.ts';
import { DepotId } from '../../domain/ids.ts';
import { errorAnswers, Query, SubscriptionParams, SubscriptionView } from '../schemas.ts';

const subscriptionLabel = { fr: 'Abonnement', en: 'Subscription' };

/** A date may have the right shape and still not exist (30 February): say so before acting. */
function requireRealDays(days: readonly string[]): void {
  const impossible = days.find((day) => !isIsoDate(day));
  if (impossible) {
    throw new CocagneError(
      'invalid_input',
      { fr: `Le ${impossible} n'existe pas dans le calendrier.`, en: `${impossible} does not exist.` },
      { field: 'dates' },
    );
  }
}
const day = CalendarDay;
/** A day in a path: bounded like every path parameter. */
const absenceDay = Type.String({ ...CalendarDay, maxLength: 10 });

export const ScheduledDelivery = Type.Object({
  date: Type.String(),
  depotId: Type.String(),
  depotName: Type.Optional(Type.String()),
  basketSize: Type.Enum([...basketSizes]),
  baskets: Type.Integer(),
  state: Type.Enum(['delivery', 'absent', 'paused', 'suspended']),
  /** An absent day: what becomes of its basket (donated, made up for, credited). */
  outcome: Type.Optional(Type.Enum([...absenceOutcomes])),
  changeableUntil: Type.String(),
});

/** A credited absence and where it stands (`domain/billing-credits.ts`). */
export const AbsenceCreditView = Type.Object({
  date: Type.String(),
  basketSize: Type.Enum([...basketSizes]),
  /** That day's basket price, in cents. */
  amount: Type.Integer(),
  /** Cents credited so far, on these invoices. */
  credited: Type.Integer(),
  invoices: Type.Array(Type.Object({ number: Type.Integer(), label: Type.String() })),
  /** Cents the garden still owes: on the household's next basket invoice. */
  pending: Type.Integer(),
  /** Its day has passed: billing credits it (until then the absence may be taken back). */
  due: Type.Boolean(),
});

/**
 * What members and staff do to a running subscription. Each action is an Update of the
 * subscription's workflow: it is checked there before anything changes, and a refusal says why.
 */
export const subscriptionActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, views } = app;
  const commands = app.commands.subscriptions;

  /** The subscription, if the caller may act on it (staff, or the member it belongs to). */
  async function mine(request: FastifyRequest<{ Params: { gardenId: string; subscriptionId: string } }>) {
    const { gardenId, subscriptionId } = request.params;
    const subscription = await store.subscriptions.get(gardenId, subscriptionId);
    // Another household's subscription: the same read and the same answer as a missing one.
    if (!subscription || !request.mayReachMember(subscription.memberId)) throw notFound(subscriptionLabel);
    return { gardenId, subscription, actor: actorOf(callerOf(request)) };
  }

  /**
   * The garden's absence-policy extension asked about each day, before the report goes to the
   * subscription's workflow with its decisions (in the Update's arguments, so in its history).
   * Only the days the extension itself answered carry a decision; without an extension, or when
   * it failed (the built-in behaviour answered), the workflow applies the garden's rules.
   */
  async function absenceDecisions(
    gardenId: string,
    subscription: Subscription,
    dates: readonly string[],
  ): Promise<AbsenceDecision[] | undefined> {
    const runner = app.extensions?.runner;
    if (!runner) return undefined;
    const [context, pricing] = await Promise.all([
      readGardenContext(store, gardenId),
      store.settings.pricing(gardenId),
    ]);
    const decisions: AbsenceDecision[] = [];
    for (const { date, input } of absencePolicyInputs(
      subscription,
      context.calendar,
      context.rules,
      pricing.billing,
      dates,
    )) {
      const answer = await runner.runHook<AbsencePolicyOutput>(gardenId, absencePolicyHook.name, input);
      if (answer.source !== 'extension') continue;
      decisions.push({
        date,
        decision: answer.output.decision,
        reason: answer.output.reason,
        ...(answer.extension ? { extension: answer.extension } : {}),
      });
    }
    return decisions.length > 0 ? decisions : undefined;
  }

  const view = async (subscription: Subscription) =>
    (await views.withNames(subscription.gardenId, [subscription]))[0] ?? subscription;

  const action = <Body extends TSchema>(summary: string, body: Body) => ({
    schema: {
      tags: ['subscriptions'],
      summary,
      security: [{ bearer: [] }],
      params: SubscriptionParams,
      body,
      response: { 200: SubscriptionView, ...errorAnswers },
    },
  });

  app.post(
    '/subscriptions/:subscriptionId/absences',
    action(
      'Reports days the member will not collect their basket (before the cutoff of each).',
      Type.Object({ dates: Type.Array(day, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
    ),
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      requireRealDays(request.body.dates);
      const decisions = await absenceDecisions(gardenId, subscription, request.body.dates);
      return view(
        await commands.reportAbsences(gardenId, subscription.id, request.body.dates, actor, decisions),
      );
    },
  );

  app.delete(
    '/subscriptions/:subscriptionId/absences/:date',
    {
      schema: {
        tags: ['subscriptions'],
        summary: "Takes back an absence (« Annuler l'absence »): the basket is delivered after all.",
        description:
          "Until the delivery's cutoff, the same last day included as for reporting it (« jusqu'au samedi " +
          '5 décembre inclus »). With compensated absences, the extra basket owed for it goes too. Refused ' +
          '(422, with the reason in French or English) past the cutoff or when no absence is noted that day; ' +
          "another household's subscription is not found (404). Staff see the absence taken back, with who and when.",
        security: [{ bearer: [] }],
        params: Type.Object({ ...SubscriptionParams.properties, date: absenceDay }),
        response: { 200: SubscriptionView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      return view(await commands.withdrawAbsence(gardenId, subscription.id, request.params.date, actor));
    },
  );

  app.post(
    '/subscriptions/:subscriptionId/pause',
    action(
      'No deliveries from `from` until `until`, when deliveries resume by themselves.',
      Type.Object({ from: day, until: day }, { additionalProperties: false }),
    ),
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      return view(
        await commands.pause(gardenId, subscription.id, request.body.from, request.body.until, actor),
      );
    },
  );

  app.post(
    '/subscriptions/:subscriptionId/changes',
    action(
      'Another depot or basket size, from the first delivery that can still be changed.',
      Type.Object(
        {
          depotId: Type.Optional(DepotId),
          basketSize: Type.Optional(Type.Enum([...basketSizes])),
        },
        { additionalProperties: false },
      ),
    ),
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      const { depotId, basketSize } = request.body;
      return view(
        await commands.changeTerms(
          gardenId,
          subscription.id,
          { ...(depotId ? { depotId } : {}), ...(basketSize ? { basketSize } : {}) },
          actor,
        ),
      );
    },
  );

  app.post(
    '/subscriptions/:subscriptionId/renewal',
    action(
      'Renews a season subscription into the next season.',
      Type.Object({}, { additionalProperties: false }),
    ),
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      return view(await commands.renew(gardenId, subscription.id, actor));
    },
  );

  app.post(
    '/subscriptions/:subscriptionId/cancellation',
    action(
      'Cancels ("résilier"): online by the member, or by staff with a reason. It takes effect after the ' +
        "garden's notice; an acknowledgement is sent with the date and time it was received.",
      Type.Object(
        { reason: Type.Optional(Type.String({ maxLength: 500 })) },
        { additionalProperties: false },
      ),
    ),
    async (request) => {
      const { gardenId, subscription, actor } = await mine(request);
      const byStaff = request.isStaffCaller() && callerOf(request).memberId !== subscription.memberId;
      const origin = byStaff ? 'staff' : 'member';
      return view(await commands.cancel(gardenId, subscription.id, origin, request.body.reason, actor));
    },
  );

  app.get(
    '/subscriptions/:subscriptionId/next-deliveries',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'What happens next: the coming delivery days, with absences, pause and changes applied.',
        security: [{ bearer: [] }],
        params: SubscriptionParams,
        querystring: Query({ count: Type.Integer({ minimum: 1, maximum: 52, default: 8 }) }),
        response: { 200: Type.Array(ScheduledDelivery), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, subscription } = await mine(request);
      const { count } = request.query;
      const [context, depots] = await Promise.all([
        readGardenContext(store, gardenId, app.now()),
        store.depots.list(gardenId),
      ]);
      let deliveries;
      try {
        // The workflow's own answer, with everything it knows…
        deliveries = await commands.nextDeliveries(gardenId, subscription.id, count);
      } catch (error) {
        // …or, when it cannot answer now, the same rules over the stored subscription.
        request.log.warn({ err: error }, 'next deliveries computed from the store');
        const running = subscription.status === 'active' || subscription.status === 'paused';
        try {
          deliveries = running
            ? upcomingDeliveries(subscription, scheduleContextOf(context), app.now(), count)
            : [];
        } catch (unreadable) {
          request.log.error({ err: unreadable }, 'stored subscription cannot be scheduled');
          throw new CocagneError('unavailable', {
            fr: "Les prochaines livraisons de cet abonnement ne peuvent pas être calculées pour l'instant. L'équipe du jardin en est avertie ; réessayez plus tard.",
            en: "This subscription's next deliveries cannot be worked out right now. The garden's staff are told; try again later.",
          });
        }
      }
      const names = new Map(depots.map((depot) => [depot.id, depot.name]));
      return deliveries.map((delivery) => ({ ...delivery, depotName: names.get(delivery.depotId) }));
    },
  );

  app.get(
    '/subscriptions/:subscriptionId/absence-credits',
    {
      schema: {
        tags: ['subscriptions'],
        summary:
          'The credited absences of a subscription and where each stands: its price, what invoices credited ' +
          '(and which), what the garden still owes on the next invoice, and whether its day has passed.',
        security: [{ bearer: [] }],
        params: SubscriptionParams,
        response: { 200: Type.Array(AbsenceCreditView), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, subscription } = await mine(request);
      const [context, pricing, profile, invoices, garden] = await Promise.all([
        readGardenContext(store, gardenId, app.now()),
        store.settings.pricing(gardenId),
        store.billingProfiles.get(gardenId, subscription.memberId),
        store.invoices.listForMember(gardenId, subscription.memberId),
        store.gardens.get(gardenId),
      ]);
      let credits;
      try {
        credits = creditedAbsences(
          subscription,
          scheduleContextOf(context),
          pricing,
          profile.tier?.id,
          '9999-12-31',
        );
      } catch (unreadable) {
        request.log.error({ err: unreadable }, 'stored subscription cannot be scheduled');
        throw new CocagneError('unavailable', {
          fr: "Les absences créditées de cet abonnement ne peuvent pas être calculées pour l'instant. L'équipe du jardin en est avertie ; réessayez plus tard.",
          en: "This subscription's credited absences cannot be worked out right now. The garden's staff are told; try again later.",
        });
      }
      const today = gardenDay(app.now(), garden?.timeZone || undefined);
      return absenceCreditStates(credits, invoices, today).map((state) => ({
        date: state.date,
        basketSize: state.basketSize,
        amount: state.amount,
        credited: state.credited,
        pending: state.pending,
        due: state.due,
        invoices: state.invoices.map((number) => ({ number, label: invoiceLabel(number) })),
      }));
    },
  );
};
