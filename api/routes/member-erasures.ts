import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createMemberErasureStore, erasureBlockersOf } from '../../adapters/store/member-erasure-store.ts';
import { CocagneError } from '../../domain/errors.ts';
import {
  erasureRefusalMaxLength as refusalMaxLength,
  erasureReference,
  erasureStatuses,
  type ErasureBlockers,
  type MemberErasureRecord,
} from '../../domain/member-erasure.ts';
import { staffRoles } from '../../domain/roles.ts';
import { callerOf } from '../plugins/auth.ts';
import { actionActor, logStaffAction } from '../plugins/request-origin.ts';
import { errorAnswers, MemberParams } from '../schemas.ts';

const Blockers = Type.Object({
  unpaidInvoices: Type.Array(Type.Integer(), { description: 'Invoice numbers with an amount still due.' }),
  runningSubscriptions: Type.Array(Type.String(), { description: 'Subscriptions still running.' }),
});

const ErasureView = Type.Object({
  status: Type.Enum(['none', ...erasureStatuses], {
    description: '`none`: never asked; then awaiting-staff, refused, erasing, erased.',
  }),
  reference: Type.Optional(Type.String({ description: 'What stands for the member on the invoices kept.' })),
  requestedAt: Type.Optional(Type.String()),
  requestedBy: Type.Optional(Type.Enum(['member', 'staff', 'retention'])),
  decidedAt: Type.Optional(Type.String()),
  decidedBy: Type.Optional(Type.String()),
  refusal: Type.Optional(Type.String()),
  erasedAt: Type.Optional(Type.String()),
  /** While staff decide: what still stands in the way, as the process sees it now. */
  blockers: Type.Optional(Blockers),
});

const DecisionBody = Type.Object(
  {
    decision: Type.Enum(['confirm', 'refuse']),
    reason: Type.Optional(
      Type.String({
        maxLength: refusalMaxLength,
        description: 'Why the request is refused: the member reads it (required to refuse).',
      }),
    ),
  },
  { additionalProperties: false },
);

const view = (record: MemberErasureRecord | undefined, blockers?: ErasureBlockers) => {
  if (!record) return { status: 'none' as const };
  const { memberId: _memberId, acknowledgeTo: _to, acknowledgedAt: _at, ...shown } = record;
  return { ...shown, ...(blockers ? { blockers } : {}) };
};

const unavailable = (cause: unknown) =>
  new CocagneError(
    'unavailable',
    {
      fr: "La demande d'effacement n'a pas pu être enregistrée : réessayez dans quelques minutes.",
      en: 'The erasure request could not be recorded: try again in a few minutes.',
    },
    { cause },
  );

/**
 * A member's erasure (RGPD article 17): the member asks (or staff ask on their behalf, after a
 * letter or a call), staff confirm once nothing is outstanding or refuse saying why, and the
 * `memberErasure` workflow does the rest. Another household's request answers as a missing member.
 */
export const memberErasureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const erasures = createMemberErasureStore(app.store.db, app.store.tables);
  const commands = app.commands.erasures;

  app.post(
    '/members/:memberId/erasure',
    {
      schema: {
        tags: ['members'],
        summary:
          "Asks for the erasure of all the member's data (RGPD article 17): answers 202 with the request, " +
          'which waits for staff; 409 while a request is under way or once erased (the member, or staff on their behalf).',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 202: ErasureView, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId, memberId } = request.params;
      await request.reachableMember(gardenId, memberId);
      const byStaff = callerOf(request).memberId !== memberId;
      const record: MemberErasureRecord = {
        memberId,
        status: 'awaiting-staff',
        reference: erasureReference(randomBytes(6)),
        requestedAt: app.now().toISOString(),
        requestedBy: byStaff ? 'staff' : 'member',
      };
      if (!(await erasures.open(gardenId, record))) {
        const existing = await erasures.get(gardenId, memberId);
        throw new CocagneError('conflict', {
          fr:
            existing?.status === 'erased' || existing?.status === 'erasing'
              ? 'Les données de cet adhérent sont déjà effacées.'
              : "Une demande d'effacement est déjà en cours : le jardin y répond sous un mois.",
          en:
            existing?.status === 'erased' || existing?.status === 'erasing'
              ? "This member's data is already erased."
              : 'An erasure request is already under way: the garden answers within a month.',
        });
      }
      try {
        await commands.start(gardenId, memberId);
      } catch (error) {
        await erasures.discard(gardenId, memberId);
        throw unavailable(error);
      }
      if (byStaff) {
        await logStaffAction(app, request, gardenId, {
          action: 'member.erasure-requested',
          subject: { kind: 'member', id: memberId },
          after: { reference: record.reference },
        });
      }
      return reply.status(202).send(view(record));
    },
  );

  app.get(
    '/members/:memberId/erasure',
    {
      schema: {
        tags: ['members'],
        summary:
          "Where the member's erasure request stands; while staff decide, what still stands in the way (the member, or staff).",
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: ErasureView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      const record = await erasures.get(gardenId, memberId);
      if (record?.status !== 'awaiting-staff') return view(record);
      // From the records now (the process looks again when staff confirm).
      return view(record, await erasureBlockersOf(app.store, gardenId, memberId));
    },
  );

  app.post(
    '/members/:memberId/erasure/decision',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['members'],
        summary:
          "Staff's answer to an erasure request: confirm (422 while an invoice is unpaid or a subscription " +
          'runs, saying which) or refuse with the reason the member reads.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: DecisionBody,
        response: { 200: ErasureView, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const record = await erasures.get(gardenId, memberId);
      if (record?.status !== 'awaiting-staff') {
        throw new CocagneError('conflict', {
          fr: record
            ? 'Cette demande d’effacement a déjà reçu une réponse : rechargez la page.'
            : "Cet adhérent n'a pas demandé l'effacement de ses données.",
          en: record
            ? 'This erasure request has already been answered: reload the page.'
            : 'This member has not asked for their data to be erased.',
        });
      }
      const { decision, reason } = request.body;
      await commands.decide(gardenId, memberId, {
        decision,
        ...(reason !== undefined ? { reason } : {}),
        actor: actionActor(request),
      });
      // Taken: the process now erases (or tells the member why not).
      return {
        ...view(record),
        status: decision === 'confirm' ? ('erasing' as const) : ('refused' as const),
      };
    },
  );
};
