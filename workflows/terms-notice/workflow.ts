import { log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { TermsNoticeActivities } from '../../activities/terms-notices.ts';
import { boundedRetry, causeOf, tellStaff } from '../incidents/persevere.ts';
import { undeliveredWaits, type TermsNoticeInput, type TermsNoticeOutcome } from './contract.ts';

/** A page is up to a hundred emails; a store out of reach is tried a few minutes, then staff hear of it. */
const { notifyMembersOfNewTerms } = proxyActivities<TermsNoticeActivities>({
  startToCloseTimeout: '5 minutes',
  retry: boundedRetry,
});

const documentNames = {
  cgv: { fr: 'conditions générales de vente', en: 'terms and conditions of sale' },
  confidentialite: { fr: 'politique de confidentialité', en: 'privacy policy' },
} as const;

const documentName = (slug: string) =>
  slug === 'cgv' || slug === 'confidentialite' ? documentNames[slug] : { fr: slug, en: slug };

/**
 * Emails every member of the garden about a new version of its terms: 1. page through the
 * members, one activity per page (an email each; members already told or without an address
 * are skipped, so a run again never writes twice); 2. run again, after growing waits, the pages
 * where the mailer refused some emails (only those go); 3. what still could not be sent, or a
 * store out of reach past the bounded retries, is an incident for staff. The members accept the
 * new version at their next sign-in either way.
 */
export async function termsNotice(input: TermsNoticeInput): Promise<TermsNoticeOutcome> {
  const { gardenId, slug, version } = input;
  const { workflowId } = workflowInfo();
  const name = documentName(slug);
  const outcome: TermsNoticeOutcome = {
    sent: 0,
    skipped: 0,
    undelivered: 0,
    stopped: false,
    summary: { fr: '', en: '' },
  };
  /** The pages (by their starting cursor, '' for the first) with emails refused, and why. */
  const refused = new Map<string, { members: string[]; causes: string[] }>();

  /** Runs one page; `again` when it ran before (its members told then are not counted twice). */
  async function runPage(cursor: string, again = false): Promise<string | undefined> {
    const page = await notifyMembersOfNewTerms({ gardenId, slug, version, ...(cursor ? { cursor } : {}) });
    outcome.sent += page.sent;
    if (!again) outcome.skipped += page.skipped;
    if (page.undelivered.length > 0) refused.set(cursor, { members: page.undelivered, causes: page.causes });
    else refused.delete(cursor);
    return page.nextCursor;
  }

  try {
    // 1. Every page.
    let cursor: string | undefined = '';
    while (cursor !== undefined) {
      const next = await runPage(cursor);
      cursor = next || undefined;
    }
    // 2. The pages with refused emails, again.
    for (const wait of undeliveredWaits) {
      if (refused.size === 0) break;
      await sleep(wait);
      for (const start of [...refused.keys()]) await runPage(start, true);
    }
  } catch (error) {
    // 3. The store (or the garden) out of reach past the retries: the rest is not sent.
    outcome.stopped = true;
    log.error('terms notice stopped', { cause: causeOf(error) });
    await tellStaff({
      gardenId,
      key: `terms-notice/${workflowId}`,
      kind: 'process-stalled',
      workflowId,
      subject: {},
      summary: {
        fr: `L'envoi aux adhérents du courriel annonçant la version ${version} des ${name.fr} s'est arrêté après plusieurs essais (${outcome.sent} envoyés). Les adhérents l'accepteront à leur prochaine connexion ; prévenez l'équipe technique, qui peut relancer l'envoi (ceux déjà prévenus ne le recevront pas deux fois).`,
        en: `Emailing members about version ${version} of the ${name.en} stopped after several tries (${outcome.sent} sent). Members will accept it at their next sign-in; tell the technical team, who can run the sending again (those already told will not get it twice).`,
      },
      cause: causeOf(error),
      retriesByItself: false,
    });
  }

  const undelivered = [...refused.values()];
  const members = undelivered.flatMap((page) => page.members);
  outcome.undelivered = members.length;
  if (outcome.undelivered > 0) {
    await tellStaff({
      gardenId,
      key: `terms-notice-undelivered/${workflowId}`,
      kind: 'message-undelivered',
      workflowId,
      subject: {},
      summary: {
        fr: `Le courriel annonçant la version ${version} des ${name.fr} n'a pas pu être envoyé à ${outcome.undelivered} adhérent(s), malgré plusieurs essais. Ils l'accepteront à leur prochaine connexion ; vérifiez leur adresse électronique si c'est utile.`,
        en: `The email about version ${version} of the ${name.en} could not be sent to ${outcome.undelivered} member(s), despite several tries. They will accept it at their next sign-in; check their email address if it matters.`,
      },
      // Member ids only (no address): the technical team finds the records from them.
      cause:
        `not sent to ${members.slice(0, 20).join(', ')}${members.length > 20 ? '…' : ''}: ` +
        (undelivered
          .flatMap((page) => page.causes)
          .slice(0, 3)
          .join(' | ') || 'emails refused'),
      retriesByItself: false,
    });
  }
  outcome.summary = {
    fr: `Version ${version} des ${name.fr} : ${outcome.sent} courriel(s) envoyé(s), ${outcome.undelivered} non envoyé(s)${outcome.stopped ? ', envoi arrêté' : ''}.`,
    en: `Version ${version} of the ${name.en}: ${outcome.sent} email(s) sent, ${outcome.undelivered} not sent${outcome.stopped ? ', sending stopped' : ''}.`,
  };
  log.info(outcome.summary.en);
  return outcome;
}
