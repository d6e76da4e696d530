import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  OperationDecision,
  OperationProgress,
  ProvisioningStep,
  RetirementStep,
  StepProgress,
} from '../../domain/garden-provisioning.ts';
import type { Localized } from '../../domain/locale.ts';
import type {
  ProvisioningActivities,
  StepOutcome,
} from '../../activities/provisioning/provisioning-activities.ts';
import { boundedRetry } from '../incidents/persevere.ts';
import { refuse } from '../refusal.ts';
import { gardenIdKey, waitingOnKey } from '../search-attributes.ts';
import {
  decideOperationUpdate,
  defaultOperationTimings,
  networkDecisionWaitingOn,
  operationProgressQuery,
  type GardenProvisioningInput,
  type GardenRetirementInput,
  type OperationDecisionArgs,
  type OperationTimings,
} from './contract.ts';

const quick = proxyActivities<ProvisioningActivities>({
  startToCloseTimeout: '2 minutes',
  retry: boundedRetry,
});

/** Activities that wait on another system (the cluster, closing workflows): their wait, and more. */
function slow(waitMs: number) {
  return proxyActivities<ProvisioningActivities>({
    startToCloseTimeout: waitMs + 2 * 60_000,
    retry: { ...boundedRetry, maximumAttempts: 3 },
  });
}

interface OperationStep {
  step: ProvisioningStep | RetirementStep;
  run: () => Promise<StepOutcome | void>;
  /** Undoes the step (a no-op when there is nothing to undo); none for retirement steps. */
  undo?: () => Promise<unknown>;
}

/** A failure's words for the page: the step's own when it has them, else what the system said. */
function wordsOf(error: unknown): Localized {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as Partial<Localized> | undefined;
    if (details && typeof details.fr === 'string' && typeof details.en === 'string') {
      return { fr: details.fr, en: details.en };
    }
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return {
    fr: `L’étape a échoué après plusieurs essais : ${message}`,
    en: `The step failed after several tries: ${message}`,
  };
}

/**
 * Runs an operation's steps in order. A step that fails for good (past its bounded retries,
 * or a failure no retry cures) waits for the network admin's decision (`decideOperation`,
 * `WaitingOn = network-decision`): retry it, or roll back (creation only), which undoes the
 * steps done and the failed one in reverse. Without a decision within `decisionTimeoutMs` a
 * creation rolls back by itself. A failing undo waits for a decision too: it is never dropped.
 */
async function runOperation(
  progress: OperationProgress,
  steps: OperationStep[],
  timings: OperationTimings,
): Promise<OperationProgress> {
  const canRollBack = progress.operation === 'create';
  let decision: OperationDecisionArgs | undefined;
  const asked = (): OperationDecisionArgs | undefined => decision;

  setHandler(operationProgressQuery, () => progress);
  setHandler(
    decideOperationUpdate,
    async (args: OperationDecisionArgs) => {
      decision = args;
      log.info('decision', { decision: args.decision, by: args.by.userId });
      await condition(() => decision === undefined);
      return progress;
    },
    {
      validator: (args: OperationDecisionArgs) => {
        if (progress.state !== 'waiting' || decision) {
          refuse({
            fr: 'Cette opération n’attend aucune décision : rechargez la page pour voir où elle en est.',
            en: 'This operation awaits no decision: reload the page to see where it is.',
          });
        }
        if (args.decision === 'roll-back' && !canRollBack) {
          refuse({
            fr: 'Le retrait d’un jardin ne se défait pas : relancez l’étape en échec une fois la cause corrigée.',
            en: 'Retiring a garden cannot be undone: retry the failed step once its cause is fixed.',
          });
        }
      },
    },
  );

  const stepAt = (index: number) => progress.steps[index] as StepProgress;
  const update = (index: number, change: Partial<StepProgress>) => {
    progress = {
      ...progress,
      steps: progress.steps.map((step, at) => (at === index ? { ...step, ...change } : step)),
    };
  };
  const setState = (state: OperationProgress['state']) => {
    progress = { ...progress, state };
    upsertSearchAttributes([
      { key: waitingOnKey, value: state === 'waiting' ? networkDecisionWaitingOn : null },
    ]);
  };

  /** Waits for a decision; with `bound`, gives up after it (undefined). */
  async function decide(bound: number | undefined): Promise<OperationDecision | undefined> {
    setState('waiting');
    let came = true;
    if (bound === undefined) await condition(() => asked() !== undefined);
    else came = await condition(() => asked() !== undefined, bound);
    const made = came ? asked()?.decision : undefined;
    decision = undefined;
    return made;
  }

  async function rollBack(from: number): Promise<OperationProgress> {
    for (let index = from; index >= 0; index--) {
      const { undo } = steps[index] as OperationStep;
      const step = stepAt(index);
      if (!undo || step.state === 'pending' || step.state === 'compensated') continue;
      for (;;) {
        setState('compensating');
        update(index, { state: 'compensating' });
        try {
          await undo();
          update(index, { state: 'compensated', endedAt: new Date().toISOString() });
          break;
        } catch (error) {
          const words = wordsOf(error);
          log.error('undo failed', { step: step.step, cause: words.en });
          update(index, {
            state: 'failed',
            error: {
              fr: `L’annulation de cette étape a échoué : ${words.fr}`,
              en: `Undoing this step failed: ${words.en}`,
            },
          });
          // Retried on the admin's word only: what it left behind is shown, not forgotten.
          await decide(undefined);
        }
      }
    }
    setState('rolled-back');
    progress = { ...progress, endedAt: new Date().toISOString() };
    return progress;
  }

  setState('running');
  for (let index = 0; index < steps.length; index++) {
    const { run } = steps[index] as OperationStep;
    update(index, {
      state: 'running',
      startedAt: stepAt(index).startedAt ?? new Date().toISOString(),
      attempts: stepAt(index).attempts + 1,
    });
    try {
      const outcome = await run();
      const { error: _error, ...rest } = stepAt(index);
      progress = {
        ...progress,
        steps: progress.steps.map((step, at) =>
          at === index
            ? {
                ...rest,
                state: 'done',
                endedAt: new Date().toISOString(),
                attempts: rest.attempts + (outcome ? outcome.attempt - 1 : 0),
                ...(outcome?.note ? { note: outcome.note } : {}),
              }
            : step,
        ),
      };
    } catch (error) {
      update(index, { state: 'failed', endedAt: new Date().toISOString(), error: wordsOf(error) });
      log.error('step failed', { step: stepAt(index).step, cause: wordsOf(error).en });
      const made = await decide(canRollBack ? timings.decisionTimeoutMs : undefined);
      if (made === 'retry') {
        setState('running');
        index--;
        continue;
      }
      if (made === undefined) {
        log.warn('no decision in time: rolling back', { afterMs: timings.decisionTimeoutMs });
        update(index, {
          note: {
            fr: 'Sans décision dans le délai, la création a été annulée d’elle-même.',
            en: 'With no decision in time, the creation was rolled back by itself.',
          },
        });
      }
      return rollBack(index);
    }
  }
  setState('done');
  progress = { ...progress, endedAt: new Date().toISOString() };
  return progress;
}

function initialProgress(
  gardenId: string,
  operation: OperationProgress['operation'],
  steps: readonly (ProvisioningStep | RetirementStep)[],
): OperationProgress {
  return {
    gardenId,
    operation,
    state: 'running',
    startedAt: new Date().toISOString(),
    steps: steps.map((step) => ({ step, state: 'pending', attempts: 0 })),
  };
}

/**
 * Creates a garden: (1) reserve its slug, (2) its default settings, (3) its configuration
 * JSON in S3, (4) its group and first admin in Keycloak, (5) its worker in Kubernetes, (6) its
 * schedules, (7) the welcome email and the state `active`. Each step is undone in reverse when
 * the network admin rolls back.
 */
export async function gardenProvisioning(input: GardenProvisioningInput): Promise<OperationProgress> {
  const { request } = input;
  const gardenId = request.slug;
  const timings = { ...defaultOperationTimings, ...input.timings };
  upsertSearchAttributes([{ key: gardenIdKey, value: gardenId }]);
  // The reservation belongs to this run: another creation of the slug never undoes it.
  const reservedBy = workflowInfo().runId;
  const deployment = slow(timings.deploymentWaitMs);
  const steps: OperationStep[] = [
    {
      step: 'reserve',
      run: () => quick.reserveGarden({ request, reservedBy }),
      undo: () => quick.releaseGardenReservation({ gardenId, reservedBy }),
    },
    {
      step: 'data',
      run: () => quick.writeGardenDefaults({ request }),
      undo: () => quick.eraseGardenDefaults({ gardenId }),
    },
    {
      step: 'configuration',
      run: () => quick.saveGardenConfiguration({ gardenId }),
      undo: () => quick.deleteGardenConfiguration({ gardenId }),
    },
    {
      step: 'identity',
      run: () => quick.createGardenIdentity({ gardenId, firstAdmin: request.firstAdmin }),
      undo: () => quick.deleteGardenIdentity({ gardenId, email: request.firstAdmin.email }),
    },
    {
      step: 'deployment',
      run: () => deployment.deployGarden({ gardenId, waitMs: timings.deploymentWaitMs }),
      undo: () => deployment.undeployGarden({ gardenId }),
    },
    {
      step: 'schedules',
      run: () => quick.scheduleGarden({ gardenId }),
      undo: () => quick.unscheduleGarden({ gardenId }),
    },
    {
      step: 'welcome',
      run: () => quick.welcomeGarden({ gardenId, firstAdmin: request.firstAdmin }),
      // Only when it failed: once the garden is active and welcomed, the operation is over.
      undo: () => quick.reopenGardenCreation({ gardenId }),
    },
  ];
  return runOperation(
    initialProgress(
      gardenId,
      'create',
      steps.map((step) => step.step),
    ),
    steps,
    timings,
  );
}

/**
 * Retires a garden: (1) export its data to S3, (2) stop its schedules, (3) close its running
 * workflows, (4) remove its worker from Kubernetes, (5) disable its accounts, (6) erase its
 * data (invoices kept for their legal retention), (7) mark it retired. Not undone: a failed
 * step is retried once its cause is fixed.
 */
export async function gardenRetirement(input: GardenRetirementInput): Promise<OperationProgress> {
  const { gardenId } = input;
  const timings = { ...defaultOperationTimings, ...input.timings };
  upsertSearchAttributes([{ key: gardenIdKey, value: gardenId }]);
  const exportId = uuid4().slice(0, 8);
  const closing = slow(timings.closeWaitMs);
  const steps: OperationStep[] = [
    { step: 'export', run: () => quick.exportGardenData({ gardenId, exportId }) },
    // Before closing the workflows: a schedule firing meanwhile would start one nobody closes.
    { step: 'schedules', run: () => quick.unscheduleGarden({ gardenId }) },
    {
      step: 'close-workflows',
      run: () => closing.closeGardenWorkflows({ gardenId, waitMs: timings.closeWaitMs }),
    },
    { step: 'deployment', run: () => slow(timings.deploymentWaitMs).undeployGarden({ gardenId }) },
    { step: 'identity', run: () => quick.disableGardenIdentity({ gardenId }) },
    { step: 'data', run: () => quick.eraseGardenData({ gardenId }) },
    { step: 'retired', run: () => quick.markGardenRetired({ gardenId }) },
  ];
  return runOperation(
    initialProgress(
      gardenId,
      'retire',
      steps.map((step) => step.step),
    ),
    steps,
    timings,
  );
}
