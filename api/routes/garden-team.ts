import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  AccountRefusedError,
  EmailTakenError,
  type KeycloakTeam,
} from '../../adapters/keycloak/keycloak-team.ts';
import { CocagneError, refusedInput } from '../../domain/errors.ts';
import {
  nameProblem,
  teamChangeRefusal,
  teamRoles,
  type TeamChange,
  type Teammate as TeammateRecord,
} from '../../domain/garden-team.ts';
import { emailPattern } from '../../domain/member.ts';
import { gardenAdminRoles } from '../../domain/roles.ts';
import { callerOf } from '../plugins/auth.ts';
import type { ApiServices } from '../plugins/services.ts';
import { errorAnswers, GardenParams } from '../schemas.ts';
import { logStaffAction } from '../plugins/request-origin.ts';

const TeamRole = Type.Enum([...teamRoles], {
  description: 'staff (équipe), driver (chauffeur) or garden-admin (administration du jardin, staff too).',
});

const Teammate = Type.Object(
  {
    id: Type.String({ description: "The account's id in the identity provider." }),
    firstName: Type.String(),
    lastName: Type.String(),
    email: Type.String(),
    role: TeamRole,
    enabled: Type.Boolean({ description: 'false: the account cannot sign in.' }),
    invited: Type.Boolean({
      description: 'Invited, and has not yet set a password nor confirmed the address.',
    }),
  },
  { additionalProperties: false },
);

const PersonName = Type.String({ minLength: 1, maxLength: 100 });

const InvitationBody = Type.Object(
  {
    firstName: PersonName,
    lastName: PersonName,
    email: Type.String({ maxLength: 254, pattern: emailPattern }),
    role: TeamRole,
  },
  { additionalProperties: false },
);

const TeammateParams = Type.Object({
  ...GardenParams.properties,
  userId: Type.String({
    minLength: 36,
    maxLength: 36,
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    description: "The account's id in the identity provider (a UUID).",
  }),
});

const notInTeam = () =>
  new CocagneError('not_found', {
    fr: "Ce compte ne fait pas partie de l'équipe du jardin.",
    en: "This account is not one of the garden's team.",
  });

/**
 * The garden's team (staff, drivers, garden administrators): its administrators list, invite,
 * change roles, disable and enable accounts. Members' accounts and other gardens' people are
 * not reachable here (404, as an account that does not exist).
 */
export const gardenTeamRoutes: FastifyPluginAsyncTypebox<{
  team: ApiServices['team'];
  /** Where an invitation's link leads once the password is set (the web app), and its client. */
  publicUrl: string;
  webClientId: string;
}> = async (app, options) => {
  // A process built without Keycloak's admin API has no team routes at all (they are not in
  // its description either), rather than routes that could only answer 503.
  if (!options.team) return;
  const team: KeycloakTeam = options.team;

  async function change(
    request: FastifyRequest<{ Params: { gardenId: string; userId: string } }>,
    requested: TeamChange,
  ): Promise<TeammateRecord> {
    const { gardenId, userId } = request.params;
    const members = await team.list(gardenId);
    const target = members.find((teammate) => teammate.id === userId);
    if (!target) throw notInTeam();
    const refusal = teamChangeRefusal(members, target, requested, callerOf(request).userId);
    if (refusal) throw new CocagneError('refused', refusal);
    const before = {
      firstName: target.firstName,
      lastName: target.lastName,
      role: target.role,
      enabled: target.enabled,
    };
    const after =
      requested.kind === 'role'
        ? { ...before, role: requested.role }
        : { ...before, enabled: requested.kind === 'enable' };
    const action =
      requested.kind === 'role'
        ? 'account.role-changed'
        : requested.kind === 'enable'
          ? 'account.enabled'
          : 'account.disabled';
    return withLoggedAttempt(
      request,
      { action, subject: { kind: 'account', id: userId }, before, after },
      async () => {
        const changed =
          requested.kind === 'role'
            ? await team.setRole(gardenId, userId, requested.role)
            : await team.setEnabled(gardenId, userId, requested.kind === 'enable');
        if (!changed) throw notInTeam();
        return changed;
      },
    );
  }

  /**
   * Accounts live in Keycloak, which no DynamoDB transaction reaches: the entry is written first,
   * so that a process dying after Keycloak's change cannot leave it out of the log, and when
   * Keycloak then refuses or fails, a second entry says the change was not made.
   */
  async function withLoggedAttempt<T>(
    request: FastifyRequest<{ Params: { gardenId: string } }>,
    action: Parameters<typeof logStaffAction>[3],
    attempt: () => Promise<T>,
  ): Promise<T> {
    const { gardenId } = request.params;
    const logged = await logStaffAction(app, request, gardenId, action);
    try {
      return await attempt();
    } catch (error) {
      await logStaffAction(app, request, gardenId, {
        action: 'account.change-failed',
        subject: action.subject,
        after: { attempt: logged.seq },
      }).catch((failure: unknown) =>
        request.log.error({ err: failure }, 'the failed account change was not logged'),
      );
      throw error;
    }
  }

  app.get(
    '/team',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['team'],
        summary:
          "The garden's team: staff, drivers and garden administrators, with their role, whether their account " +
          'is enabled and whether they are still invited (garden administrators).',
        security: [{ bearer: [] }],
        params: GardenParams,
        response: { 200: Type.Array(Teammate), ...errorAnswers },
      },
    },
    async (request) => team.list(request.params.gardenId),
  );

  app.post(
    '/team/invitations',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['team'],
        summary:
          'Invites a person to the team with a role (garden administrators): their account is made in the ' +
          'garden and Keycloak emails them, in French, a link to set their password and confirm their address. ' +
          'An address another account already has is 409; a name with characters the identity provider refuses is 422.',
        security: [{ bearer: [] }],
        params: GardenParams,
        body: InvitationBody,
        response: { 201: Teammate, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { firstName, lastName } = request.body;
      const issues = (
        [
          ['firstName', nameProblem(firstName)],
          ['lastName', nameProblem(lastName)],
        ] as const
      ).flatMap(([field, problem]) => (problem ? [{ field, message: problem[request.locale] }] : []));
      if (issues.length > 0) throw refusedInput(issues);
      try {
        const { email, role } = request.body;
        const invited = await withLoggedAttempt(
          request,
          {
            action: 'account.invited',
            subject: { kind: 'account', id: email.toLowerCase() },
            after: { firstName: firstName.trim(), lastName: lastName.trim(), email, role },
          },
          () =>
            team.invite(request.params.gardenId, request.body, {
              clientId: options.webClientId,
              redirectUri: `${options.publicUrl.replace(/\/$/, '')}/`,
            }),
        );
        return reply.status(201).send(invited);
      } catch (error) {
        if (error instanceof EmailTakenError) {
          throw new CocagneError(
            'duplicate',
            {
              fr: 'Un compte existe déjà avec cette adresse email : elle ne peut pas servir deux fois.',
              en: 'An account already exists with this email address: it cannot be used twice.',
            },
            { field: 'email', cause: error },
          );
        }
        if (error instanceof AccountRefusedError) {
          throw new CocagneError(
            'refused',
            {
              fr: "L'annuaire des comptes a refusé ces nom et adresse : vérifiez-les.",
              en: 'The accounts directory refused this name and address: check them.',
            },
            { cause: error },
          );
        }
        throw error;
      }
    },
  );

  app.put(
    '/team/:userId/role',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['team'],
        summary:
          "Changes a teammate's role (garden administrators). The garden's last active administrator keeps " +
          'their role (422).',
        security: [{ bearer: [] }],
        params: TeammateParams,
        body: Type.Object({ role: TeamRole }, { additionalProperties: false }),
        response: { 200: Teammate, ...errorAnswers },
      },
    },
    async (request) => change(request, { kind: 'role', role: request.body.role }),
  );

  app.post(
    '/team/:userId/disable',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['team'],
        summary:
          "Disables a teammate's account: they can no longer sign in (garden administrators). Nobody disables " +
          "their own account, nor the garden's last active administrator (422).",
        security: [{ bearer: [] }],
        params: TeammateParams,
        response: { 200: Teammate, ...errorAnswers },
      },
    },
    async (request) => change(request, { kind: 'disable' }),
  );

  app.post(
    '/team/:userId/enable',
    {
      config: { roles: gardenAdminRoles },
      schema: {
        tags: ['team'],
        summary: "Enables a disabled teammate's account again (garden administrators).",
        security: [{ bearer: [] }],
        params: TeammateParams,
        response: { 200: Teammate, ...errorAnswers },
      },
    },
    async (request) => change(request, { kind: 'enable' }),
  );
};
