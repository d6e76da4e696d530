import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { billingMonthRefusal } from '../../domain/billing-months.ts';
import { gardenDay } from '../../domain/calendar.ts';
import { CocagneError } from '../../domain/errors.ts';
import { staffRoles } from '../../domain/roles.ts';
import { errorAnswers, MonthParams } from '../schemas.ts';

const BillingRunView = Type.Object({
  month: Type.String(),
  phase: Type.String(),
  total: Type.Integer(),
  done: Type.Integer(),
  invoices: Type.Array(Type.Integer()),
});

/**
 * Billing runs: the garden's schedule bills each month on the 1st; staff may run last month
 * themselves (and follow its progress) until this month ends, when last month is closed
 * (`billingMonthRefusal`). A run issues each invoice once.
 */
export const billingRunRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { billing } = app.payments;

  app.post(
    '/billing/runs/:month',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['billing'],
        summary:
          'Bills last month now, without waiting for the schedule (twice is once); a month not over yet, or closed (before last month), is refused (422).',
        security: [{ bearer: [] }],
        params: MonthParams,
        response: { 202: Type.Object({ started: Type.Boolean() }), ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, month } = request.params;
      const today = gardenDay(app.now());
      // Last month only: a month not over yet, or closed, starts nothing.
      const refusal = billingMonthRefusal(month, today);
      if (refusal) throw new CocagneError('refused', refusal);
      return reply.status(202).send({ started: await billing.run(gardenId, month, today) });
    },
  );

  app.get(
    '/billing/runs/:month',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['billing'],
        summary: "Where a month's billing run stands: households billed out of all, invoices issued.",
        security: [{ bearer: [] }],
        params: MonthParams,
        response: { 200: BillingRunView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, month } = request.params;
      const progress = await billing.progress(gardenId, month);
      if (!progress) {
        throw new CocagneError('not_found', {
          fr: `Le mois ${month} n'a pas encore été facturé.`,
          en: `Month ${month} has not been billed yet.`,
        });
      }
      return progress;
    },
  );
};
