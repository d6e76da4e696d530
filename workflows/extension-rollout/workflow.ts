import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Act } from '../../domain/actor.ts';
import { probationVerdict } from '../../domain/extension-rollout.ts';
import type { Localized } from '../../domain/locale.ts';
import type { RolloutActivities } from '../../activities/extensions/rollout-activities.ts';
import { gardenIdKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import { refuse } from '../refusal.ts';
import { boundedRetry, createPerseverance } from '../incidents/persevere.ts';
import {
  approveVersionUpdate,
  defaultRolloutTimings,
  rejectVersionUpdate,
  rollbackVersionUpdate,
  rolloutStatusQuery,
  versionUploadedSignal,
  type DecideVersionArgs,
  type ExtensionRolloutInput,
  type RejectVersionArgs,
  type RollbackArgs,
  type RolloutResult,
  type RolloutStatus,
  type VersionUploadedArgs,
} from './contract.ts';

const rollout = proxyActivities<RolloutActivities>({
  // Self-tests and the diff run every case in the sandbox (each within its time budget).
  startToCloseTimeout: '5 minutes',
  retry: boundedRetry,
});

/** Versions looked at before the run continues as new (its history stays small). */
const versionsPerRun = 5;

/**
 * One extension in one garden: each version uploaded is (2) checked, (3) self-tested, (4)
 * approved by a garden admin, (5) activated and (6) watched during its probation; between
 * versions, the active one can still be rolled back by an admin.
 */
export async function extensionRollout(input: ExtensionRolloutInput): Promise<RolloutStatus> {
  const { gardenId, name } = input;
  const timings = { ...defaultRolloutTimings, ...input.timings };
  let status: RolloutStatus = {
    gardenId,
    name,
    phase: 'idle',
    queue: [...(input.carried?.queue ?? [])],
    ...(input.carried?.active ? { active: input.carried.active } : {}),
    ...(input.carried?.previous ? { previous: input.carried.previous } : {}),
  };
  const seen = new Set<string>(status.queue);
  const persevere = createPerseverance();
  const step = (stepName: string, fr: string, en: string, version: string) => ({
    gardenId,
    name: stepName,
    what: { fr: `${fr} (extension ${name} ${version})`, en: `${en} (extension ${name} ${version})` },
    subject: {},
  });

  type Decision = { kind: 'approve' | 'reject'; act: Act; reason?: string };
  let decision: Decision | undefined;
  /** Read through a function: set by Update handlers, which TypeScript's narrowing cannot see. */
  const decisionMade = (): Decision | undefined => decision;
  let rollbackAsked: { act: Act; reason?: string } | undefined;
  /** Looked-at versions, for the Updates' answers. */
  let settled = 0;

  setHandler(rolloutStatusQuery, () => status);
  setHandler(versionUploadedSignal, ({ version }: VersionUploadedArgs) => {
    if (seen.has(version) || version === status.version || version === status.active) return;
    seen.add(version);
    status = { ...status, queue: [...status.queue, version] };
  });

  const awaiting = (version: string) => {
    if (status.phase !== 'awaiting-approval') {
      refuse({
        fr: 'Aucune version de cette extension n’attend de validation.',
        en: 'No version of this extension awaits approval.',
      });
    }
    if (decision) {
      refuse({
        fr: 'Une décision est déjà en cours d’enregistrement.',
        en: 'A decision is already being recorded.',
      });
    }
    if (version !== status.version) {
      refuse({
        fr: `C’est la version ${status.version ?? '?'} qui attend une validation, pas la ${version}.`,
        en: `Version ${status.version ?? '?'} awaits approval, not ${version}.`,
      });
    }
  };
  const decided = async () => {
    const before = settled;
    await condition(() => settled > before || status.phase === 'probation');
    return status;
  };
  setHandler(
    approveVersionUpdate,
    async ({ actor }: DecideVersionArgs) => {
      decision = { kind: 'approve', act: { by: actor, at: new Date().toISOString() } };
      return decided();
    },
    { validator: ({ version }: DecideVersionArgs) => awaiting(version) },
  );
  setHandler(
    rejectVersionUpdate,
    async ({ actor, reason }: RejectVersionArgs) => {
      decision = { kind: 'reject', act: { by: actor, at: new Date().toISOString() }, reason: reason.trim() };
      return decided();
    },
    {
      validator: ({ version, reason }: RejectVersionArgs) => {
        awaiting(version);
        if (!reason?.trim()) {
          refuse({
            fr: 'Dites pourquoi cette version est refusée.',
            en: 'Say why this version is rejected.',
          });
        }
      },
    },
  );
  setHandler(
    rollbackVersionUpdate,
    async ({ actor, reason }: RollbackArgs) => {
      const before = status.active;
      rollbackAsked = { act: { by: actor, at: new Date().toISOString() }, ...(reason ? { reason } : {}) };
      await condition(() => rollbackAsked === undefined || status.active !== before);
      return status;
    },
    {
      validator: ({ version }: RollbackArgs) => {
        if (!status.active || (status.phase !== 'idle' && status.phase !== 'probation')) {
          refuse(
            status.active
              ? {
                  fr: 'Une autre opération est en cours sur cette extension : réessayez dans un instant.',
                  en: 'Something else is under way on this extension: try again in a moment.',
                }
              : {
                  fr: 'Aucune version de cette extension n’est active dans ce jardin.',
                  en: 'No version of this extension is active in this garden.',
                },
          );
        }
        if (rollbackAsked) {
          refuse({ fr: 'Le retour arrière est déjà en cours.', en: 'The rollback is already under way.' });
        }
        if (version !== undefined && version !== status.active) {
          refuse({
            fr: `La version active est la ${status.active}, pas la ${version} : rechargez la page.`,
            en: `The active version is ${status.active}, not ${version}: reload the page.`,
          });
        }
      },
    },
  );

  upsertSearchAttributes([{ key: gardenIdKey, value: gardenId }]);

  /** Rolls the active version back to the one before it (or the built-in behaviour). */
  async function rollBack(reason: Localized, act?: Act): Promise<void> {
    const version = status.active as string;
    const to = status.previous;
    status = { ...status, phase: 'rolling-back' };
    await persevere(step('rollback', 'Revenir en arrière', 'Roll back', version), () =>
      rollout.rollbackExtensionVersion({
        gardenId,
        name,
        version,
        reason,
        ...(to ? { to } : {}),
        ...(act?.by ? { by: act.by } : {}),
      }),
    );
    const { previous: _previous, active: _active, ...rest } = status;
    status = {
      ...rest,
      phase: 'idle',
      ...(to ? { active: to } : {}),
      outcome: { version, result: 'rolled-back', reason },
    };
  }

  const manualReason = (asked: { reason?: string }): Localized =>
    asked.reason
      ? { fr: asked.reason, en: asked.reason }
      : { fr: 'Demandé par un administrateur du jardin.', en: 'Asked by a garden admin.' };

  /** Ends the version's rollout with a result (it is not active). */
  function finish(version: string, result: RolloutResult) {
    const { version: _version, probationEndsAt: _ends, ...rest } = status;
    status = { ...rest, phase: 'idle', outcome: { version, result } };
    settled += 1;
  }

  let looked = 0;
  for (;;) {
    // Between versions: a new upload, or an admin's rollback of the active one.
    await condition(() => status.queue.length > 0 || rollbackAsked !== undefined);
    if (rollbackAsked) {
      const asked = rollbackAsked;
      await rollBack(manualReason(asked), asked.act);
      rollbackAsked = undefined;
      continue;
    }
    if (looked >= versionsPerRun) break;
    looked += 1;
    const [version, ...queue] = status.queue as [string, ...string[]];
    status = { ...status, phase: 'checking', version, queue };
    decision = undefined;
    const ref = { gardenId, name, version };

    // 2. Static checks: the hooks it claims exported, allowed imports only, the size limit.
    const checks = await persevere(step('checks', 'Contrôler le module', 'Check the module', version), () =>
      rollout.checkExtensionVersion(ref),
    );
    if (!checks.passed) {
      finish(version, 'checks-failed');
      continue;
    }

    // 3. Self-tests: its test vectors and the garden's golden cases, in the sandbox.
    const tests = await persevere(
      step('self-tests', 'Tester le module', 'Self-test the module', version),
      () => rollout.selfTestExtensionVersion(ref),
    );
    if (!tests.passed) {
      finish(version, 'self-tests-failed');
      continue;
    }

    // 4. Approval by a garden admin, with the diff against what the garden runs now.
    await persevere(
      step('diff', 'Comparer avec la version active', 'Compare with the active version', version),
      () => rollout.compareExtensionVersion(ref),
    );
    status = { ...status, phase: 'awaiting-approval' };
    upsertSearchAttributes([{ key: waitingOnKey, value: waitingOn.extensionApproval }]);
    let remindAt = Date.now() + timings.remindEveryMs;
    while (!decision && status.queue.length === 0) {
      const now = Date.now();
      if (now >= remindAt) {
        remindAt = now + timings.remindEveryMs;
        await persevere(step('remind', 'Rappeler la validation', 'Remind of the approval', version), () =>
          rollout.remindExtensionApproval(ref),
        );
        continue;
      }
      await condition(() => decision !== undefined || status.queue.length > 0, remindAt - now);
    }
    upsertSearchAttributes([{ key: waitingOnKey, value: null }]);
    const made = decisionMade();
    if (!made) {
      // A newer version came before any decision: this one is never activated.
      const newer = status.queue[status.queue.length - 1];
      await persevere(step('superseded', 'Remplacer la version', 'Replace the version', version), () =>
        rollout.recordExtensionDecision({
          ...ref,
          decision: 'superseded',
          act: { at: new Date().toISOString() },
          ...(newer ? { by: newer } : {}),
        }),
      );
      finish(version, 'superseded');
      continue;
    }
    await persevere(step('decision', 'Enregistrer la décision', 'Record the decision', version), () =>
      rollout.recordExtensionDecision({
        ...ref,
        decision: made.kind === 'approve' ? 'approved' : 'rejected',
        act: made.act,
        ...(made.reason ? { reason: made.reason } : {}),
      }),
    );
    if (made.kind === 'reject') {
      finish(version, 'rejected');
      continue;
    }

    // 5. Activation: new calls use it; calls under way finish on the version they started with.
    status = { ...status, phase: 'activating' };
    const probationEnd = Date.now() + timings.probationMs;
    const probationEndsAt = new Date(probationEnd).toISOString();
    await persevere(step('activate', 'Activer la version', 'Activate the version', version), () =>
      rollout.activateExtensionVersion({ ...ref, probationEndsAt }),
    );
    const before = status.active;
    status = {
      ...status,
      phase: 'probation',
      active: version,
      probationEndsAt,
      ...(before ? { previous: before } : {}),
    };
    if (!before) delete status.previous;
    settled += 1;

    // 6. Probation: its failure rate against the previous version's; above the threshold, back.
    let rolledBack = false;
    let cutShort = false;
    for (;;) {
      const now = Date.now();
      const last = now >= probationEnd;
      if (!last) {
        await condition(
          () => rollbackAsked !== undefined || status.queue.length > 0,
          Math.min(timings.checkEveryMs, probationEnd - now),
        );
      }
      if (rollbackAsked) {
        const asked = rollbackAsked;
        await rollBack(manualReason(asked), asked.act);
        rollbackAsked = undefined;
        rolledBack = true;
        break;
      }
      const previous = status.previous;
      const figures = await persevere(
        step('probation', 'Suivre la période d’essai', 'Watch the probation', version),
        () => rollout.probationFigures({ ...ref, ...(previous ? { previous } : {}) }),
      );
      const verdict = probationVerdict(figures.current, figures.previous, timings.rule);
      if (verdict.rollBack) {
        await rollBack(verdict.reason);
        rolledBack = true;
        break;
      }
      if (status.queue.length > 0) {
        cutShort = true;
        break;
      }
      if (last || Date.now() >= probationEnd) break;
    }
    if (!rolledBack) {
      await persevere(
        step('probation-end', 'Terminer la période d’essai', 'End the probation', version),
        () => rollout.endExtensionProbation({ ...ref, early: cutShort }),
      );
      const { version: _version, probationEndsAt: _ends, ...rest } = status;
      status = { ...rest, phase: 'idle', outcome: { version, result: 'active' } };
    } else {
      const { version: _version, probationEndsAt: _ends, ...rest } = status;
      status = { ...rest, phase: 'idle' };
    }
  }

  await condition(allHandlersFinished);
  return continueAsNew<typeof extensionRollout>({
    gardenId,
    name,
    ...(input.timings ? { timings: input.timings } : {}),
    carried: {
      queue: status.queue,
      ...(status.active ? { active: status.active } : {}),
      ...(status.previous ? { previous: status.previous } : {}),
    },
  });
}
