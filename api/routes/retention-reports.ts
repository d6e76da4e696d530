import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createRetentionReportStore } from '../../adapters/store/retention-report-store.ts';
import { PageCursor } from '../../domain/ids.ts';
import { RetentionReport } from '../../domain/retention-sweep.ts';
import { gardenAdminRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams, Query } from '../schemas.ts';

/**
 * What the garden's nightly retention sweeps did (`workflows/retention`): for each run, each
 * rule's first day kept and its counts (deleted, found, errors). Counts only: no personal data.
 */
export const retentionReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const reports = createRetentionReportStore(app.store.db, app.store.tables);

  app.get(
    '/retention-reports',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['privacy'],
        summary:
          "The reports of the garden's nightly retention sweeps, latest first (garden administrators): " +
          'per rule, the first day kept, how many records were deleted or found due, and how many could not be handled.',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          cursor: Type.Optional(PageCursor),
        }),
        response: {
          200: Type.Object({
            reports: Type.Array(RetentionReport),
            nextCursor: Type.Optional(Type.String()),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) =>
      reports.list(request.params.gardenId, {
        limit: request.query.limit,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      }),
  );
};
