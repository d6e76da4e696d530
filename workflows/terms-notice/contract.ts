import type { Localized } from '../../domain/locale.ts';

/**
 * Telling a garden's members that a substantial new version of its CGV or privacy policy was
 * published (they accept it at their next sign-in): one email each, on the garden's task queue,
 * started by the publish route. One run per page and version: started twice, it runs once.
 */
export const termsNoticeType = 'termsNotice';

/** Business keys only: the garden, the page and its version (no member in it). */
export const termsNoticeWorkflowId = (gardenId: string, slug: string, version: number) =>
  `${gardenId}/terms-notice/${slug}-v${version}`;

/** Times the pages with refused emails are run again, after `undeliveredWaits`, before staff hear of it. */
export const undeliveredWaits = ['1 minute', '5 minutes', '30 minutes', '2 hours'] as const;

export interface TermsNoticeInput {
  gardenId: string;
  /** `cgv` or `confidentialite`. */
  slug: string;
  version: number;
}

export interface TermsNoticeOutcome {
  sent: number;
  /** Members already told (a run again) or without an email address. */
  skipped: number;
  /** Members whose email could still not be sent in the end (staff have an incident). */
  undelivered: number;
  /** Whether the run stopped before the last member (the store out of reach; staff have an incident). */
  stopped: boolean;
  summary: Localized;
}
