import {
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MemberErasureActivities } from '../../activities/member-erasure.ts';
import { blockersRefusal } from '../../domain/member-erasure.ts';
import { createPerseverance, boundedRetry, persevering, tellStaff } from '../incidents/persevere.ts';
import { refuse } from '../refusal.ts';
import { gardenIdKey, waitingOn, waitingOnKey } from '../search-attributes.ts';
import {
  decideErasureUpdate,
  erasureProgressQuery,
  erasureReminderDays,
  historiesPurgedAgainAfterDays,
  refusalMaxLength,
  type ErasureDecision,
  type ErasureProgress,
  type MemberErasureInput,
} from './contract.ts';

const quick = proxyActivities<MemberErasureActivities>({
  startToCloseTimeout: '1 minute',
  retry: boundedRetry,
});

/** Erasing reads the garden's partition and prints again what named the member: minutes, for a big garden. */
const long = proxyActivities<MemberErasureActivities>({
  startToCloseTimeout: '15 minutes',
  retry: { ...boundedRetry, maximumAttempts: 5 },
});

/**
 * A member's erasure request: 1. waits for staff (`WaitingOn` erasure-decision, in their
 * inbox), reminding them once after 20 days; staff may confirm only once nothing is
 * outstanding (the Update is refused, saying what, otherwise) or refuse with a reason; 2. on a
 * refusal, the member is told why; 3. on a confirmation, the member is erased everywhere, then
 * told, at the address copied before; 4. days later (`historiesPurgedAgainAfterDays`) the
 * histories of their processes are purged again. Every step retries within bounds, then staff hear of it
 * and may ask for a new try; nothing of the member's data enters the history but ids.
 */
export async function memberErasure(input: MemberErasureInput): Promise<ErasureProgress> {
  const { gardenId, memberId } = input;
  const { workflowId } = workflowInfo();
  const ref = { gardenId, memberId };
  const persevere = createPerseverance();
  const describe = (activity: string) => ({
    gardenId,
    what: {
      fr: `Effacement des données d'un adhérent (${activity})`,
      en: `Erasure of a member's data (${activity})`,
    },
    subject: { memberId },
  });
  const steps = persevering(quick, persevere, describe);
  const longSteps = persevering(long, persevere, describe);

  let progress: ErasureProgress = { status: 'awaiting-staff' };
  let decision: ErasureDecision | undefined;
  let deciding = false;
  /** Read through a function: the handler sets it while the workflow waits. */
  const decisionTaken = (): ErasureDecision | undefined => decision;
  setHandler(erasureProgressQuery, () => progress);
  setHandler(
    decideErasureUpdate,
    async (asked) => {
      deciding = true;
      try {
        if (asked.decision === 'confirm') {
          // Looked at now, not when the request came: staff may have settled things since.
          const blockers = await quick.memberErasureBlockers(ref);
          progress = { ...progress, blockers };
          refuse(blockersRefusal(blockers));
        }
        decision = asked;
        return progress;
      } finally {
        deciding = false;
      }
    },
    {
      validator: (asked: ErasureDecision) => {
        if (progress.status !== 'awaiting-staff' || decision || deciding) {
          refuse({
            fr: 'Cette demande d’effacement a déjà reçu une réponse.',
            en: 'This erasure request has already been answered.',
          });
        }
        if (asked.decision === 'refuse') {
          const reason = asked.reason?.trim() ?? '';
          if (!reason || reason.length > refusalMaxLength) {
            refuse({
              fr: `Dites à l’adhérent pourquoi sa demande est refusée (${refusalMaxLength} caractères au plus) : il le lira dans le message qu’il reçoit.`,
              en: `Tell the member why the request is refused (${refusalMaxLength} characters at most): they read it in the message they receive.`,
            });
          }
        }
      },
    },
  );

  // 1. Staff decide.
  upsertSearchAttributes([
    { key: gardenIdKey, value: gardenId },
    { key: waitingOnKey, value: waitingOn.erasureDecision },
  ]);
  progress = { status: 'awaiting-staff', blockers: await steps.memberErasureBlockers(ref) };
  if (!(await condition(() => decision !== undefined, `${erasureReminderDays} days`))) {
    await tellStaff({
      gardenId,
      key: `erasure-waiting/${workflowId}`,
      kind: 'process-stalled',
      workflowId,
      subject: { memberId },
      summary: {
        fr: `Une demande d'effacement des données (RGPD, article 17) attend votre réponse depuis ${erasureReminderDays} jours : la loi vous donne un mois pour répondre. Confirmez-la ou refusez-la depuis la fiche de l'adhérent.`,
        en: `A data erasure request (GDPR article 17) has waited ${erasureReminderDays} days for your answer: the law gives you a month. Confirm or refuse it from the member's page.`,
      },
      cause: `No answer to the erasure request after ${erasureReminderDays} days.`,
      retriesByItself: false,
    });
    await condition(() => decision !== undefined);
  }
  const decided = decisionTaken();
  if (!decided) throw new Error('unreachable: the condition waits for a decision');
  upsertSearchAttributes([{ key: waitingOnKey, value: null }]);
  const decidedBy = decided.actor.name;

  // 2. Refused: the member hears why.
  if (decided.decision === 'refuse') {
    await steps.markMemberErasure({
      ...ref,
      status: 'refused',
      decidedBy,
      refusal: decided.reason?.trim() ?? '',
    });
    progress = { status: 'refused' };
    await steps.acknowledgeMemberErasure(ref);
    return progress;
  }

  // 3. Confirmed: erased everywhere, then told.
  await steps.markMemberErasure({ ...ref, status: 'erasing', decidedBy });
  progress = { status: 'erasing' };
  const erased = await longSteps.eraseMember({ ...ref, actor: decided.actor });
  await steps.markMemberErasure({ ...ref, status: 'erased' });
  progress = { status: 'erased' };
  await steps.acknowledgeMemberErasure(ref);

  // 4. Days later, the histories again: what the archiver wrote meanwhile, an export closed since.
  if (patched('erasure-purges-histories-again') && erased.purgedProcesses.length > 0) {
    await sleep(`${historiesPurgedAgainAfterDays} days`);
    await steps.purgeMemberHistoriesAgain({ gardenId, workflowIds: erased.purgedProcesses });
  }
  return progress;
}
