import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { Actor } from '../domain/actor.ts';
import { CocagneError, isCocagneError } from '../domain/errors.ts';
import { gardenStateOf, networkTaskQueue } from '../domain/garden.ts';
import {
  normaliseSlug,
  provisioningSteps,
  retirementSteps,
  type NewGardenRequest,
  type OperationDecision,
  type OperationProgress,
} from '../domain/garden-provisioning.ts';
import {
  decideOperationUpdate,
  gardenProvisioningId,
  gardenProvisioningType,
  gardenRetirementId,
  gardenRetirementType,
  operationProgressQuery,
  type OperationTimings,
} from '../workflows/garden-provisioning/contract.ts';
import type { gardenProvisioning, gardenRetirement } from '../workflows/garden-provisioning/workflow.ts';
import { gardenIdKey } from '../workflows/search-attributes.ts';
import type { GardenOperation, ProvisioningCommands } from './provisioning-contract.ts';
import { executeAction } from './updates.ts';

const slugTaken = (slug: string) =>
  new CocagneError(
    'conflict',
    {
      fr: `L’identifiant « ${slug} » est déjà pris par un jardin, ou une création est en cours.`,
      en: `The slug “${slug}” is already taken by a garden, or a creation is under way.`,
    },
    { field: 'slug' },
  );

const unavailable = (cause: unknown) =>
  new CocagneError(
    'unavailable',
    {
      fr: 'Le suivi de l’opération ne répond pas pour l’instant : elle continue d’elle-même. Réessayez dans un instant.',
      en: 'The operation’s progress is not answering right now: it goes on by itself. Try again in a moment.',
    },
    { cause },
  );

export interface ProvisioningClientOptions {
  /** The network's task queue (`network`); tests give each file its own. */
  taskQueue?: string;
  /** Shorter timings (tests). */
  timings?: Partial<OperationTimings>;
}

/** Creating and retiring gardens as the API asks (temporal/provisioning-contract.ts). */
export function createProvisioningCommands(
  client: Client,
  gardens: GardenRegistry,
  options: ProvisioningClientOptions = {},
): ProvisioningCommands {
  const taskQueue = options.taskQueue ?? networkTaskQueue;
  const idOf = (gardenId: string, operation: GardenOperation) =>
    operation === 'create' ? gardenProvisioningId(gardenId) : gardenRetirementId(gardenId);

  /** What the operation's workflow says now: its query while running, its result once over. */
  async function progress(
    gardenId: string,
    operation: GardenOperation,
  ): Promise<OperationProgress | undefined> {
    const handle = client.workflow.getHandle(idOf(gardenId, operation));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        return await client.withDeadline(Date.now() + 5_000, () => handle.query(operationProgressQuery));
      }
      if (description.status.name === 'COMPLETED') return (await handle.result()) as OperationProgress;
      return undefined;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw unavailable(error);
    }
  }

  /** The progress just after the start: the workflow's own once it answers, a first picture else. */
  async function started(gardenId: string, operation: GardenOperation): Promise<OperationProgress> {
    try {
      const now = await progress(gardenId, operation);
      if (now) return now;
    } catch {
      // No worker answered yet: the operation is recorded and starts when one polls.
    }
    return {
      gardenId,
      operation,
      state: 'running',
      startedAt: new Date().toISOString(),
      steps: (operation === 'create' ? provisioningSteps : retirementSteps).map((step) => ({
        step,
        state: 'pending',
        attempts: 0,
      })),
    };
  }

  return {
    async create(request: NewGardenRequest, by: Actor): Promise<OperationProgress> {
      const slug = normaliseSlug(request.slug);
      if (await gardens.get(slug)) throw slugTaken(slug);
      try {
        await client.workflow.start<typeof gardenProvisioning>(gardenProvisioningType, {
          taskQueue,
          workflowId: gardenProvisioningId(slug),
          args: [
            { request: { ...request, slug }, by, ...(options.timings ? { timings: options.timings } : {}) },
          ],
          // A creation rolled back frees the slug; one running refuses another.
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [{ key: gardenIdKey, value: slug }],
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) throw slugTaken(slug);
        throw error;
      }
      return started(slug, 'create');
    },

    async retire(gardenId: string, by: Actor): Promise<OperationProgress> {
      const garden = await gardens.get(gardenId);
      const state = garden ? gardenStateOf(garden) : undefined;
      if (state !== 'active' && state !== 'suspended') {
        throw new CocagneError('conflict', {
          fr: garden
            ? `Seul un jardin actif ou suspendu peut être retiré ; celui-ci est « ${state} ».`
            : `Aucun jardin « ${gardenId} » n’est inscrit.`,
          en: garden
            ? `Only an active or suspended garden can be retired; this one is “${state}”.`
            : `No garden “${gardenId}” is registered.`,
        });
      }
      try {
        await client.workflow.start<typeof gardenRetirement>(gardenRetirementType, {
          taskQueue,
          workflowId: gardenRetirementId(gardenId),
          args: [{ gardenId, by, ...(options.timings ? { timings: options.timings } : {}) }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [{ key: gardenIdKey, value: gardenId }],
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          throw new CocagneError('conflict', {
            fr: 'Le retrait de ce jardin est déjà en cours.',
            en: 'This garden is already being retired.',
          });
        }
        throw error;
      }
      return started(gardenId, 'retire');
    },

    progress,

    async decide(
      gardenId: string,
      operation: GardenOperation,
      decision: OperationDecision,
      by: Actor,
    ): Promise<OperationProgress> {
      const notRunning = () =>
        new CocagneError('conflict', {
          fr: 'Cette opération est terminée : elle n’attend plus de décision.',
          en: 'This operation is over: it awaits no decision.',
        });
      try {
        return await executeAction(
          client,
          client.workflow.getHandle(idOf(gardenId, operation)),
          decideOperationUpdate,
          { decision, by },
          { deadlineMs: 30_000, notRunning },
        );
      } catch (error) {
        // The contract's word for "not now": 409, with the workflow's own sentence.
        if (isCocagneError(error) && error.code === 'refused') {
          throw new CocagneError('conflict', error.messages, { cause: error });
        }
        throw error;
      }
    },
  };
}
