import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { invalidInput, notFound } from '../../domain/errors.ts';
import { Member, MemberInput, normalizeMemberInput } from '../../domain/member.ts';
import { staffRoles } from '../../domain/roles.ts';
import type { FastifyRequest } from 'fastify';
import { callerOf, forbidden } from '../plugins/auth.ts';
import { errorAnswers, GardenParams, MemberPage, MemberParams } from '../schemas.ts';

const memberLabel = { fr: 'Adhérent', en: 'Member' };

export const MemberUpdate = Type.Object(
  { ...MemberInput.properties, version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

/** Staff see every member of their garden; a member sees their own record only. */
export function requireMemberAccess(request: FastifyRequest, memberId: string): void {
  const caller = callerOf(request);
  const isStaff = caller.roles.some((role) => staffRoles.includes(role));
  if (!isStaff && caller.memberId !== memberId) throw forbidden();
}

export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.services;
  const staffOnly = app.guard({ roles: staffRoles });

  app.get(
    '/gardens/:gardenId/members',
    {
      onRequest: staffOnly,
      schema: {
        tags: ['members'],
        summary: 'Members in alphabetical order, a page at a time, with an optional search.',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Type.Object({
          search: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
          cursor: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: MemberPage, ...errorAnswers },
      },
    },
    async (request) => {
      const { search, limit, cursor } = request.query;
      return store.members.list(request.params.gardenId, {
        limit,
        ...(search ? { search } : {}),
        ...(cursor ? { cursor } : {}),
      });
    },
  );

  app.post(
    '/gardens/:gardenId/members',
    {
      onRequest: staffOnly,
      schema: {
        tags: ['members'],
        summary: 'Registers a new member household.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: MemberInput,
        response: { 201: Member, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { gardenId } = request.params;
      const normalized = normalizeMemberInput(request.body, request.locale);
      if (!normalized.ok) throw invalidInput(normalized.issues);
      const now = app.services.now().toISOString();
      const member = await store.members.create(gardenId, app.services.newId(), normalized.value, now);
      return reply.status(201).send(member);
    },
  );

  app.get(
    '/gardens/:gardenId/members/:memberId',
    {
      onRequest: app.guard(),
      schema: {
        tags: ['members'],
        summary: 'One member.',
        security: [{ bearer: [] }],
        params: MemberParams,
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      requireMemberAccess(request, memberId);
      const member = await store.members.get(gardenId, memberId);
      if (!member) throw notFound(memberLabel);
      return member;
    },
  );

  app.put(
    '/gardens/:gardenId/members/:memberId',
    {
      onRequest: staffOnly,
      schema: {
        tags: ['members'],
        summary: "Changes a member's details. `version` must be the one read: a concurrent change gives 409.",
        security: [{ bearer: [] }],
        params: MemberParams,
        body: MemberUpdate,
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const { version, ...input } = request.body;
      const normalized = normalizeMemberInput(input, request.locale);
      if (!normalized.ok) throw invalidInput(normalized.issues);
      return store.members.update(
        gardenId,
        memberId,
        version,
        normalized.value,
        app.services.now().toISOString(),
      );
    },
  );
};
