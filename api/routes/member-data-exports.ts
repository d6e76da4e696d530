import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { createMemberDataExportStore } from '../../adapters/store/member-data-export-store.ts';
import { CocagneError } from '../../domain/errors.ts';
import {
  exportsPerDay,
  exportStatuses,
  memberDataExportKey,
  preparingLockMinutes,
  type MemberDataExportRecord,
} from '../../domain/member-data-export.ts';
import type { MemberDataExportCommands } from '../../temporal/member-data-export-client.ts';
import { callerOf } from '../plugins/auth.ts';
import { tooManyRequests } from '../plugins/rate-limits.ts';
import { ErrorAnswer, errorAnswers, fileAnswer, MemberParams } from '../schemas.ts';

const ExportView = Type.Object({
  exportId: Type.String(),
  status: Type.Enum([...exportStatuses]),
  requestedAt: Type.String(),
  readyAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ description: 'After this instant the files answer 410.' })),
  failedAt: Type.Optional(Type.String()),
});

const ExportParams = Type.Object({
  ...MemberParams.properties,
  exportId: Type.String({
    description: 'The export request, as its creation answered it.',
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    minLength: 36,
    maxLength: 36,
  }),
});

const files = {
  'export.json': { type: 'application/json; charset=utf-8', what: 'JSON' },
  'export.pdf': { type: 'application/pdf', what: 'PDF' },
} as const;

const view = (record: MemberDataExportRecord) => {
  const { memberId: _memberId, ...shown } = record;
  return shown;
};

/**
 * The member's own data export (RGPD article 20): asked for, followed and downloaded by the
 * member only. Staff may not download a member's export (they read the records themselves);
 * another household's export answers as a missing member.
 */
export const memberDataExportRoutes: FastifyPluginAsyncTypebox<{
  commands?: MemberDataExportCommands | undefined;
}> = async (app, { commands }) => {
  const exports = createMemberDataExportStore(app.store.db, app.store.tables);

  function requireSelf(request: FastifyRequest, memberId: string): void {
    request.requireMemberAccess(memberId);
    if (callerOf(request).memberId !== memberId) {
      throw new CocagneError('forbidden', {
        fr: "Seul l'adhérent lui-même peut demander et télécharger l'export de ses données.",
        en: 'Only the member themself may ask for and download the export of their data.',
      });
    }
  }

  app.post(
    '/members/:memberId/data-exports',
    {
      schema: {
        tags: ['members'],
        summary:
          'The member asks for a copy of all their data (JSON and PDF, RGPD article 20): answers 202 with ' +
          'the request, prepared by a workflow; 409 while another is being prepared (the member only).',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 202: ExportView, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, memberId } = request.params;
      requireSelf(request, memberId);
      await request.reachableMember(gardenId, memberId);
      if (!commands) {
        throw new CocagneError('unavailable', {
          fr: "La préparation des exports est indisponible pour l'instant : réessayez plus tard.",
          en: 'Exports cannot be prepared right now: try again later.',
        });
      }
      const now = app.now();
      const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
      const recent = (await exports.list(gardenId, memberId)).filter((record) => record.requestedAt > dayAgo);
      if (recent.length >= exportsPerDay) {
        const oldest = recent.at(-1)?.requestedAt ?? now.toISOString();
        const retryAfter = Math.max(60, Math.ceil((Date.parse(oldest) + 86_400_000 - now.getTime()) / 1000));
        reply.header('retry-after', String(retryAfter));
        throw tooManyRequests(retryAfter);
      }
      const record: MemberDataExportRecord = {
        exportId: randomUUID(),
        memberId,
        status: 'preparing',
        requestedAt: now.toISOString(),
      };
      const stale = new Date(now.getTime() - preparingLockMinutes * 60_000).toISOString();
      if (!(await exports.open(gardenId, record, stale))) {
        throw new CocagneError('conflict', {
          fr: "Un export de vos données est déjà en préparation : attendez qu'il soit prêt.",
          en: 'An export of your data is already being prepared: wait until it is ready.',
        });
      }
      try {
        await commands.start({ gardenId, memberId, exportId: record.exportId }, record.requestedAt);
      } catch (error) {
        await exports.finish(gardenId, memberId, record.exportId, {
          status: 'failed',
          failedAt: app.now().toISOString(),
        });
        throw new CocagneError(
          'unavailable',
          {
            fr: "La préparation de l'export n'a pas pu commencer : réessayez dans quelques minutes.",
            en: 'The export could not be started: try again in a few minutes.',
          },
          { cause: error },
        );
      }
      return reply.status(202).send(view(record));
    },
  );

  app.get(
    '/members/:memberId/data-exports',
    {
      schema: {
        tags: ['members'],
        summary: "The member's data export requests and where each stands, newest first (the member only).",
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: Type.Array(ExportView), ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      requireSelf(request, memberId);
      return (await exports.list(gardenId, memberId)).map(view);
    },
  );

  for (const [file, { type, what }] of Object.entries(files) as Array<
    [keyof typeof files, (typeof files)[keyof typeof files]]
  >) {
    app.get(
      `/members/:memberId/data-exports/:exportId/${file}`,
      {
        schema: {
          tags: ['members'],
          summary: `The member's data export as ${what}, while it is valid (410 after; the member only).`,
          security: [{ bearer: [] }],
          params: ExportParams,
          response: {
            200: fileAnswer(type.split(';')[0] ?? type, `The export as ${what}.`),
            ...errorAnswers,
            410: Type.Object(ErrorAnswer.properties, {
              description: 'The export expired: ask for a new one.',
            }),
          },
        },
      },
      async (request, reply) => {
        const { gardenId, memberId, exportId } = request.params;
        requireSelf(request, memberId);
        const record = await exports.get(gardenId, memberId, exportId);
        if (!record) throw memberNotFoundExport();
        if (record.status !== 'ready' || !record.expiresAt) {
          throw new CocagneError('conflict', {
            fr:
              record.status === 'failed'
                ? 'Cet export a échoué : demandez-en un nouveau.'
                : 'Cet export est encore en préparation : réessayez dans un instant.',
            en:
              record.status === 'failed'
                ? 'This export failed: ask for a new one.'
                : 'This export is still being prepared: try again in a moment.',
          });
        }
        if (Date.parse(record.expiresAt) <= app.now().getTime()) {
          return reply.status(410).send({
            error: 'gone',
            message:
              request.locale === 'fr'
                ? 'Cet export a expiré (il reste téléchargeable 7 jours) : demandez-en un nouveau depuis « Mes données ».'
                : 'This export expired (it can be downloaded for 7 days): ask for a new one from "My data".',
            requestId: request.id,
          });
        }
        const stored = await app.documents.get(memberDataExportKey({ gardenId, memberId, exportId }, file));
        return reply
          .type(type)
          .header('content-disposition', `attachment; filename="${file.replace('export', 'mes-donnees')}"`)
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(stored.bytes));
      },
    );
  }
};

const memberNotFoundExport = () =>
  new CocagneError('not_found', { fr: 'Export introuvable.', en: 'Export not found.' });
