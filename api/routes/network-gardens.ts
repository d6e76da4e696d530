import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { gardenStateOf } from '../../domain/garden.ts';
import {
  gardenStateLabels,
  gardenStates,
  NewGardenRequest,
  normaliseSiret,
  operationDecisions,
  operationStates,
  provisioningStepLabels,
  provisioningSteps,
  retirementStepLabels,
  retirementSteps,
  stepStates,
  type OperationProgress as OperationProgressRecord,
} from '../../domain/garden-provisioning.ts';
import { CocagneError, notFound } from '../../domain/errors.ts';
import { GardenId } from '../../domain/ids.ts';
import type { Localized as LocalizedText } from '../../domain/locale.ts';
import { ownValue } from '../../domain/records.ts';
import type { GardenHealth as GardenFigures, GardenHealthReader } from '../../temporal/garden-health.ts';
import type { ProvisioningCommands } from '../../temporal/provisioning-contract.ts';
import { actorOf } from '../auth/identity.ts';
import { callerOf, requireRole } from '../plugins/auth.ts';
import { errorAnswers } from '../schemas.ts';

const Localized = Type.Object({ fr: Type.String(), en: Type.String() }, { additionalProperties: false });
const Instant = Type.String({ description: 'An ISO instant, UTC.' });

const StepProgress = Type.Object(
  {
    step: Type.Enum([...new Set([...provisioningSteps, ...retirementSteps])]),
    state: Type.Enum([...stepStates]),
    label: Type.String({ description: "The step in the caller's language." }),
    startedAt: Type.Optional(Instant),
    endedAt: Type.Optional(Instant),
    attempts: Type.Integer({
      minimum: 0,
      description: 'How many times the step was tried (retries included).',
    }),
    error: Type.Optional(Localized),
    note: Type.Optional(Localized),
  },
  { additionalProperties: false },
);

const OperationProgress = Type.Object(
  {
    gardenId: Type.String(),
    operation: Type.Enum(['create', 'retire']),
    state: Type.Enum([...operationStates], {
      description:
        'running; waiting (a step failed for good: retry or roll back); compensating; done; rolled-back.',
    }),
    startedAt: Instant,
    endedAt: Type.Optional(Instant),
    steps: Type.Array(StepProgress),
  },
  { additionalProperties: false },
);

const GardenHealth = Type.Object(
  {
    workerUp: Type.Optional(
      Type.Boolean({ description: "A worker polls the garden's task queue. Absent: could not be read." }),
    ),
    pendingApprovals: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Workflows waiting on a person. Absent: could not be read.' }),
    ),
    failedWorkflows: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'Workflows failed in the last `failedWithinDays` days. Absent: could not be read.',
      }),
    ),
    failedWithinDays: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

const NetworkGarden = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    city: Type.String(),
    state: Type.Enum([...gardenStates]),
    stateLabel: Type.String({ description: "The state in the caller's language." }),
    url: Type.String({ description: "The garden's staff home (the account chooses the garden)." }),
    health: GardenHealth,
  },
  { additionalProperties: false },
);

const Operation = Type.Enum(['create', 'retire'], {
  description: 'create (the garden being made) or retire (the garden being retired).',
});

// The garden of these routes is a network registry entry, not a garden scope: the network
// admin belongs to no garden, and the garden may not exist yet (its creation rolled back).
// So its parameter is not `gardenId`, which would put the route under the garden guard.
const SlugParams = Type.Object({ slug: GardenId });
const OperationParams = Type.Object({ slug: GardenId, operation: Operation });

const gardenLabel = { fr: 'Jardin', en: 'Garden' };
const noOperation = () => notFound({ fr: 'Opération sur ce jardin', en: 'Operation on this garden' });

/**
 * The network's gardens (network administrators only): every garden with its state and
 * health, creating a garden (the provisioning saga), following an operation's steps,
 * deciding after a failure, and retiring a garden. Registered only when the app is given the
 * provisioning commands.
 */
export const networkGardenRoutes: FastifyPluginAsyncTypebox<{
  provisioning: ProvisioningCommands | undefined;
  health: GardenHealthReader | undefined;
  /** Where the web app is served: each garden's staff home is under it. */
  publicUrl: string;
}> = async (app, options) => {
  if (!options.provisioning) return;
  const provisioning: ProvisioningCommands = options.provisioning;
  const staffHome = `${options.publicUrl.replace(/\/$/, '')}/equipe`;

  const networkAdminOnly = async (request: FastifyRequest) => {
    await app.authenticate(request);
    requireRole(request, ['network-admin']);
  };

  /** The progress with each step's label in the caller's language. */
  function withLabels(request: FastifyRequest, progress: OperationProgressRecord) {
    const labels: Record<string, LocalizedText> =
      progress.operation === 'create' ? provisioningStepLabels : retirementStepLabels;
    return {
      ...progress,
      steps: progress.steps.map((step) => ({
        ...step,
        label: ownValue(labels, step.step)?.[request.locale] ?? step.step,
      })),
    };
  }

  app.get(
    '/network/gardens',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          'Every garden of the network with its state, its staff home and its health: a worker polls its task queue, ' +
          'workflows waiting on a person, workflows failed lately (network admin). A figure that cannot be read ' +
          'is left out for that garden.',
        security: [{ bearer: [] }],
        response: { 200: Type.Array(NetworkGarden), ...errorAnswers },
      },
    },
    async (request) => {
      const gardens = (await app.store.gardens.list()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      const failedWithinDays = options.health?.failedWithinDays ?? 30;
      const health = options.health
        ? await options.health.healthOf(gardens.map((garden) => garden.id)).catch((error: unknown) => {
            request.log.warn({ err: error }, 'gardens health unread');
            return new Map<string, GardenFigures>();
          })
        : new Map<string, GardenFigures>();
      return gardens.map((garden) => {
        const state = gardenStateOf(garden);
        const figures: GardenFigures = health.get(garden.id) ?? {};
        return {
          id: garden.id,
          name: garden.name,
          city: garden.city,
          state,
          stateLabel: gardenStateLabels[state][request.locale],
          // Its own host name when it has one (served by its Ingress), else the shared address.
          url: garden.hostName ? `https://${garden.hostName}/equipe` : staffHome,
          health: {
            ...(figures.workerUp === undefined ? {} : { workerUp: figures.workerUp }),
            ...(figures.pendingApprovals === undefined ? {} : { pendingApprovals: figures.pendingApprovals }),
            ...(figures.failedWorkflows === undefined ? {} : { failedWorkflows: figures.failedWorkflows }),
            failedWithinDays,
          },
        };
      });
    },
  );

  app.post(
    '/network/gardens',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          "Creates a garden (network admin): starts the provisioning saga (data, configuration, accounts, the garden's " +
          'worker, schedules) and answers its first progress. A slug another garden has, or a creation still running, is 409.',
        security: [{ bearer: [] }],
        body: NewGardenRequest,
        response: { 202: OperationProgress, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (await app.store.gardens.get(body.slug)) throw slugTaken();
      const progress = await provisioning.create(
        { ...body, legal: { ...body.legal, siret: normaliseSiret(body.legal.siret) } },
        actorOf(callerOf(request)),
      );
      return reply.status(202).send(withLabels(request, progress));
    },
  );

  app.get(
    '/network/gardens/:slug/operations/:operation',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          "The latest creation or retirement of a garden, running or finished: each step's state, duration, " +
          'attempts, error and note (network admin). 404 when there was none.',
        security: [{ bearer: [] }],
        params: OperationParams,
        response: { 200: OperationProgress, ...errorAnswers },
      },
    },
    async (request) => {
      const progress = await provisioning.progress(request.params.slug, request.params.operation);
      if (!progress) throw noOperation();
      return withLabels(request, progress);
    },
  );

  app.post(
    '/network/gardens/:slug/operations/:operation/decision',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          'After a step failed for good: retry it, or roll back what was done (network admin). Only while the ' +
          'operation waits for this decision (409 otherwise); 404 when there was no such operation.',
        security: [{ bearer: [] }],
        params: OperationParams,
        body: Type.Object(
          {
            decision: Type.Enum([...operationDecisions], {
              description: 'retry (the failed step again) or roll-back (undo every step done, in reverse).',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: OperationProgress, ...errorAnswers },
      },
    },
    async (request) => {
      const { slug, operation } = request.params;
      if (!(await provisioning.progress(slug, operation))) throw noOperation();
      const progress = await provisioning.decide(
        slug,
        operation,
        request.body.decision,
        actorOf(callerOf(request)),
      );
      return withLabels(request, progress);
    },
  );

  app.post(
    '/network/gardens/:slug/retirement',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          'Retires a garden (network admin): exports its data, closes its processes, removes its worker, disables ' +
          'its accounts and erases its data, invoices kept. Only an active or suspended garden (409 otherwise).',
        security: [{ bearer: [] }],
        params: SlugParams,
        response: { 202: OperationProgress, ...errorAnswers },
      },
    },
    async (request, reply) => {
      const { slug } = request.params;
      if (!(await app.store.gardens.get(slug))) throw notFound(gardenLabel);
      const progress = await provisioning.retire(slug, actorOf(callerOf(request)));
      return reply.status(202).send(withLabels(request, progress));
    },
  );
};

const slugTaken = () =>
  new CocagneError(
    'duplicate',
    {
      fr: 'Un jardin porte déjà cet identifiant : choisissez-en un autre.',
      en: 'A garden already has this slug: choose another one.',
    },
    { field: 'slug' },
  );
