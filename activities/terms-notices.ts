import {
  acceptTermsPortalPath,
  newTermsEmail,
  termsDocuments,
  type TermsDocument,
} from '../domain/consents.ts';
import { memberLanguage } from '../domain/member.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import type { ConsentLog } from '../adapters/store/consent-log.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { MemberStore } from '../adapters/store/member-store.ts';

export interface TermsNoticeDeps {
  members: MemberStore;
  gardens: GardenRegistry;
  consents: ConsentLog;
  /** Emails, from the network's no-reply sender; answers go to the garden. */
  mailer: Mailer;
  /** The app's public address: the email links to the page where the member accepts. */
  publicUrl: string;
  now?: () => Date;
}

/** One page of the garden's members (`termsNoticePageSize`), as `notifyMembersOfNewTerms` sends it. */
export interface TermsNoticeInput {
  gardenId: string;
  slug: string;
  version: number;
  /** Where the page starts: the first page when absent, a `nextCursor` given before otherwise. */
  cursor?: string | undefined;
}

export interface TermsNoticeResult {
  sent: number;
  /** Members told before (a retry) or without an email address. */
  skipped: number;
  /** Members whose email the mailer refused: their claim is given back, so that the page run again sends it. */
  undelivered: string[];
  /** Why, in the mailer's words (the first few), for the technical team. */
  causes: string[];
  /** The next page's cursor; absent after the last page. */
  nextCursor?: string | undefined;
}

/** Members per call: an email each, well within the activity's timeout. */
export const termsNoticePageSize = 100;
const causesKept = 3;

const isTermsDocument = (slug: string): slug is TermsDocument =>
  (termsDocuments as readonly string[]).includes(slug);

/**
 * Telling the garden's members that a substantial new version of the CGV or the privacy policy
 * was published: one email each, in their language, whatever their contact preferences (it is
 * about their contract), one page of members per call (the workflow pages through them). Each
 * member is claimed in the consent log's notices before the email leaves, so a retry (Temporal's,
 * or the page run again) never writes twice to the same person for the same version. An email
 * the mailer refused gives its claim back and is counted in `undelivered`, without stopping the
 * others: running the same page again sends only those. A failing store fails the call (retried).
 */
export function createTermsNoticeActivities(deps: TermsNoticeDeps) {
  const now = deps.now ?? (() => new Date());
  const acceptUrl = `${deps.publicUrl.replace(/\/+$/, '')}${acceptTermsPortalPath}`;

  return {
    async notifyMembersOfNewTerms(input: TermsNoticeInput): Promise<TermsNoticeResult> {
      const { gardenId, slug, version } = input;
      const result: TermsNoticeResult = { sent: 0, skipped: 0, undelivered: [], causes: [] };
      if (!isTermsDocument(slug)) return result;
      const garden = await deps.gardens.get(gardenId);
      if (!garden) return result;
      const page = await deps.members.list(gardenId, {
        limit: termsNoticePageSize,
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      for (const member of page.members) {
        if (!member.email) {
          result.skipped += 1;
          continue;
        }
        const first = await deps.consents.claimTermsNotice(
          gardenId,
          slug,
          version,
          member.id,
          now().toISOString(),
        );
        if (!first) {
          result.skipped += 1;
          continue;
        }
        const email = newTermsEmail(
          {
            document: slug,
            version,
            memberFirstName: member.firstName,
            gardenName: garden.name,
            acceptUrl,
          },
          memberLanguage(member),
        );
        try {
          await deps.mailer.send({ to: member.email, ...email, replyTo: garden.contactEmail || undefined });
        } catch (error) {
          await deps.consents.releaseTermsNotice(gardenId, slug, version, member.id);
          result.undelivered.push(member.id);
          if (result.causes.length < causesKept) {
            result.causes.push(error instanceof Error ? error.message : String(error));
          }
          continue;
        }
        result.sent += 1;
      }
      if (page.nextCursor) result.nextCursor = page.nextCursor;
      return result;
    },
  };
}
export type TermsNoticeActivities = ReturnType<typeof createTermsNoticeActivities>;
