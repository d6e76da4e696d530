import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { CocagneError, refusedInput } from '../../domain/errors.ts';
import { fieldLabels } from '../../domain/field-labels.ts';
import {
  ContactPreferences,
  Member,
  MemberDetails,
  MemberInput,
  MemberLanguage,
  normalizeMemberDetails,
  normalizeMemberInput,
  staffOnlyMemberFields,
} from '../../domain/member.ts';
import { notificationChannels, notificationKinds, notificationStatuses } from '../../domain/notifications.ts';
import { staffRoles } from '../../domain/roles.ts';
import { errorAnswers, GardenParams, MemberPage, MemberParams, Query, Version } from '../schemas.ts';
import { staffChangeLog } from '../plugins/request-origin.ts';
import { DepotId, PageCursor } from '../../domain/ids.ts';
import { memberFilter, memberStandings } from '../../domain/member-standing.ts';

export const MemberUpdate = Type.Object(
  { ...MemberInput.properties, version: Version(1) },
  { additionalProperties: false },
);

/** A member's own details as they correct them, with the version they read. */
export const MemberDetailsUpdate = Type.Object(
  { ...MemberDetails.properties, version: Version(1) },
  { additionalProperties: false },
);

/**
 * A field only staff change, sent to the member's own route: refused by name (403) before the
 * body's description is checked, so the answer says why rather than « unknown field ».
 */
function staffOnlyFieldRefusal(body: unknown): CocagneError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const field = staffOnlyMemberFields.find((name) => Object.hasOwn(body, name));
  if (!field) return undefined;
  const label = fieldLabels[field] ?? { fr: field, en: field };
  return new CocagneError(
    'forbidden',
    {
      fr: `« ${label.fr} » ne se change pas ici : l’équipe du jardin le tient à jour sur la fiche de l’adhérent.`,
      en: `« ${label.en} » is not changed here: the garden staff keep it up to date on the member's record.`,
    },
    { field },
  );
}

const NotificationLogEntry = Type.Object({
  kind: Type.Enum([...notificationKinds]),
  subject: Type.String(),
  status: Type.Enum([...notificationStatuses]),
  channels: Type.Array(
    Type.Object({
      channel: Type.Enum([...notificationChannels]),
      to: Type.String(),
      status: Type.String(),
      providerMessageId: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
    }),
  ),
  skippedReason: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  createdAt: Type.String(),
  sentAt: Type.Optional(Type.String()),
});

export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.get(
    '/members',
    {
      config: { roles: staffRoles },
      schema: {
        tags: ['members'],
        summary:
          'Members in alphabetical order, a page at a time, with an optional search, and filters: where the ' +
          'household stands (`status`: active, paused, pending, former, none) and its depot (`depotId`). ' +
          '`total` counts the members kept over every page.',
        security: [{ bearer: [] }],
        params: GardenParams,
        querystring: Query({
          search: Type.Optional(Type.String({ maxLength: 100 })),
          status: Type.Optional(Type.Enum([...memberStandings])),
          depotId: Type.Optional(DepotId),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 25 }),
          cursor: Type.Optional(PageCursor),
        }),
        response: { 200: MemberPage, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId } = request.params;
      const { search, limit, cursor, status, depotId } = request.query;
      const only =
        status || depotId
          ? memberFilter(await store.subscriptions.list(gardenId), { standing: status, depotId })
          : undefined;
      const [page, total] = await Promise.all([
        store.members.list(gardenId, {
          limit,
          ...(search ? { search } : {}),
          ...(cursor ? { cursor } : {}),
          only,
        }),
        store.members.count(gardenId, { ...(search ? { search } : {}), only }),
      ]);
      return { ...page, total };
    },
  );

  app.post(
    '/members',
    {
      config: { roles: staffRoles },
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
      if (!normalized.ok) throw refusedInput(normalized.issues);
      const now = app.now().toISOString();
      const id = app.newId();
      const member = await store.members.create(
        gardenId,
        id,
        normalized.value,
        now,
        staffChangeLog(app, request, gardenId, { action: 'member.created', subject: { kind: 'member', id } }),
      );
      return reply.status(201).send(member);
    },
  );

  app.get(
    '/members/:memberId',
    {
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
      return request.reachableMember(gardenId, memberId);
    },
  );

  app.put(
    '/members/:memberId',
    {
      config: { roles: staffRoles },
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
      if (!normalized.ok) throw refusedInput(normalized.issues);
      return updateMember(app, request, gardenId, memberId, version, normalized.value);
    },
  );
};

/**
 * A member's record replaced by a normalised input, at the version read (409 otherwise), with
 * its entry in the staff action log: the actor is whoever called (staff, or the member
 * themself from « Mes données »), the before the record the store conditions its write on.
 */
function updateMember(
  app: FastifyInstance,
  request: FastifyRequest,
  gardenId: string,
  memberId: string,
  version: number,
  value: MemberInput,
) {
  return app.store.members.update(
    gardenId,
    memberId,
    version,
    value,
    app.now().toISOString(),
    staffChangeLog(app, request, gardenId, {
      action: 'member.updated',
      subject: { kind: 'member', id: memberId },
    }),
  );
}

export const memberContactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app;

  app.put(
    '/members/:memberId/details',
    {
      preValidation: async (request) => {
        const refusal = staffOnlyFieldRefusal(request.body);
        if (refusal) throw refusal;
      },
      schema: {
        tags: ['members'],
        summary:
          'The member corrects their own details (« Mes données »): names, contact email, phone and postal address, ' +
          "checked as staff's changes are; an email, phone or address left out is removed. Everything else stays " +
          'as it was; a field only staff change (household size, notes, access notes) is refused by name (403). ' +
          'The sign-in email is the identity provider’s and does not follow. `version` must be the one read: a ' +
          'concurrent change gives 409. Staff may use it too; their own form is `PUT /members/:memberId`.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: MemberDetailsUpdate,
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const member = await request.reachableMember(gardenId, memberId);
      const { version, ...details } = request.body;
      const normalized = normalizeMemberDetails(member, details, request.locale);
      if (!normalized.ok) throw refusedInput(normalized.issues);
      return updateMember(app, request, gardenId, memberId, version, normalized.value);
    },
  );

  app.put(
    '/members/:memberId/contact-preferences',
    {
      schema: {
        tags: ['members'],
        summary: 'How the member wants to hear from the garden (the member, or staff).',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: ContactPreferences,
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      const member = await request.reachableMember(gardenId, memberId);
      if (request.body.sms && !member.phone) {
        throw new CocagneError(
          'refused',
          {
            fr: 'Pour recevoir des SMS, un numéro de téléphone portable doit figurer sur votre fiche : demandez-le à l’équipe du jardin.',
            en: 'To receive text messages, your record needs a mobile phone number: ask the garden staff.',
          },
          { field: 'sms' },
        );
      }
      return store.members.setContactPreferences(gardenId, memberId, request.body, app.now().toISOString());
    },
  );

  app.put(
    '/members/:memberId/language',
    {
      schema: {
        tags: ['members'],
        summary:
          "The language of the garden's messages to the member, emails and SMS: `fr` or `en` (the member, or staff). " +
          'A member who never chose reads French.',
        security: [{ bearer: [] }],
        params: MemberParams,
        body: Type.Object({ language: MemberLanguage }, { additionalProperties: false }),
        response: { 200: Member, ...errorAnswers },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      await request.reachableMember(gardenId, memberId);
      return store.members.setLanguage(gardenId, memberId, request.body.language, app.now().toISOString());
    },
  );

  app.get(
    '/members/:memberId/notifications',
    {
      schema: {
        tags: ['members'],
        summary: 'Messages sent to the member (or skipped, and why), newest first.',
        security: [{ bearer: [] }],
        params: MemberParams,
        querystring: Query({
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }),
          cursor: Type.Optional(PageCursor),
        }),
        response: {
          200: Type.Object({
            entries: Type.Array(NotificationLogEntry),
            nextCursor: Type.Optional(Type.String()),
          }),
          ...errorAnswers,
        },
      },
    },
    async (request) => {
      const { gardenId, memberId } = request.params;
      request.requireMemberAccess(memberId);
      return store.notifications.listForMember(gardenId, memberId, {
        limit: request.query.limit,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
    },
  );
};
