import { failureTypes } from '../domain/failure-types.ts';
import { ApplicationFailure } from '@temporalio/common';
import { defaultContactPreferences, memberLanguage, type Member } from '../domain/member.ts';
import { portalPaths } from '../domain/portal-paths.ts';
import {
  completeNotification,
  legallyRequiredNotifications,
  renderNotification,
  type NotificationChannel,
  type NotificationChannelResult,
  type NotificationRequest,
  type NotificationSkipReason,
  type RenderedNotification,
} from '../domain/notifications.ts';
import type { Mailer } from '../adapters/messaging/mailer.ts';
import type { Texter } from '../adapters/messaging/texter.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { MemberStore } from '../adapters/store/member-store.ts';
import type { NotificationLog } from '../adapters/store/notification-log.ts';

export interface NotifyMemberInput {
  gardenId: string;
  memberId: string;
  /**
   * The kind and its own data; the member's first name, the garden's name and the portal link
   * are added here, and the message is written in the member's language.
   */
  notification: NotificationRequest;
  /**
   * Derived by the workflow from what the message is about (e.g.
   * `<subscription id>/delivery-reminder/2026-12-16`): one message per key, ever.
   */
  idempotencyKey: string;
}

export interface NotifyMemberResult {
  /** `duplicate`: the key was already sent or skipped; nothing was done this time. */
  status: 'sent' | 'skipped' | 'duplicate';
  /** The channels the message went out on (for a duplicate, those of the first time). */
  channels: NotificationChannel[];
}

export interface NotificationActivityDeps {
  members: MemberStore;
  gardens: GardenRegistry;
  log: NotificationLog;
  /** Emails, from the garden network's no-reply sender (`adapters/messaging/mailer.ts`). */
  mailer: Mailer;
  /** Text messages (`adapters/messaging/texter.ts`). */
  texter: Texter;
  /** The app's public address; messages link to the member portal there (`portalPaths`). */
  publicUrl: string;
  now?: () => Date;
}

const e164 = /^\+[1-9]\d{7,14}$/;

interface Target {
  channel: NotificationChannel;
  to: string;
}

/**
 * Where a member may be reached, by their preferences and the details on file. A message the
 * law requires goes by email whatever the preferences (by SMS when there is no email).
 */
function targetsOf(member: Member, legallyRequired: boolean): Target[] | NotificationSkipReason {
  if (legallyRequired) {
    if (member.email) return [{ channel: 'email', to: member.email }];
    if (member.phone && e164.test(member.phone)) return [{ channel: 'sms', to: member.phone }];
    return 'no-contact-details';
  }
  const preferences = member.contactPreferences ?? defaultContactPreferences;
  if (!preferences.email && !preferences.sms) return 'contact-preferences-off';
  const targets: Target[] = [];
  if (preferences.email && member.email) targets.push({ channel: 'email', to: member.email });
  if (preferences.sms && member.phone && e164.test(member.phone))
    targets.push({ channel: 'sms', to: member.phone });
  return targets.length > 0 ? targets : 'no-contact-details';
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Telling members what happens to their subscription, by email (SES) and SMS (SNS), with a log. */
export function createNotificationActivities(deps: NotificationActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const portalUrl = `${deps.publicUrl.replace(/\/+$/, '')}${portalPaths.home}`;

  async function sendEmail(to: string, message: RenderedNotification, replyTo: string | undefined) {
    // Answers go to the garden, not to the no-reply sender.
    const { messageId } = await deps.mailer.send({
      to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      replyTo,
    });
    return messageId;
  }

  async function sendSms(to: string, message: RenderedNotification) {
    const { messageId } = await deps.texter.send({ to, text: message.sms });
    return messageId;
  }

  return {
    /**
     * Sends a message to a member on the channels they accept, once per idempotency key.
     * A member that no longer exists is a non-retryable failure (`member_not_found`); provider
     * errors are thrown as the adapters give them: a refusal for good ends the activity
     * (`activities/failures.ts`), anything else is for Temporal to retry.
     */
    async notifyMember(input: NotifyMemberInput): Promise<NotifyMemberResult> {
      const { gardenId, memberId, idempotencyKey } = input;
      const member = await deps.members.get(gardenId, memberId);
      if (!member) {
        throw ApplicationFailure.create({
          type: failureTypes.memberNotFound,
          message: `Member ${memberId} of garden ${gardenId} no longer exists: nothing to send.`,
          nonRetryable: true,
        });
      }
      const garden = await deps.gardens.get(gardenId);
      if (!garden) {
        throw ApplicationFailure.create({
          type: failureTypes.gardenNotFound,
          message: `Garden ${gardenId} is not registered.`,
          nonRetryable: true,
        });
      }
      const notification = completeNotification(input.notification, {
        memberFirstName: member.firstName,
        gardenName: garden.name,
        portalUrl,
        timeZone: garden.timeZone,
      });
      // In the language the member chose, read as the message goes out (a change made after a
      // workflow asked for it still counts); French for members who never chose.
      const message = renderNotification(notification, memberLanguage(member));

      const { claimed, entry } = await deps.log.claim({
        idempotencyKey,
        gardenId,
        memberId,
        kind: notification.kind,
        subject: message.subject,
        now: now().toISOString(),
      });
      const alreadySent = entry.channels.filter((result) => result.status === 'sent');
      if (!claimed && (entry.status === 'sent' || entry.status === 'skipped')) {
        return { status: 'duplicate', channels: alreadySent.map((result) => result.channel) };
      }
      // Claimed earlier but not finished: either a provider error (`failed`, with what each
      // channel did) or a crash between sending and marking (`sending`). We send again the
      // channels not recorded as sent. In the crash window that may deliver a message twice:
      // at-least-once is preferred because a lost acknowledgement (a cancellation's, which the
      // law requires) or reminder costs far more than a rare repeated one, and no provider
      // call can be made atomic with our write.

      const targets = targetsOf(member, legallyRequiredNotifications.has(notification.kind));
      if (typeof targets === 'string' && alreadySent.length === 0) {
        await deps.log.markSkipped(gardenId, idempotencyKey, targets, now().toISOString());
        return { status: 'skipped', channels: [] };
      }
      const results: NotificationChannelResult[] = [...alreadySent];
      const errors: unknown[] = [];
      for (const target of typeof targets === 'string' ? [] : targets) {
        if (alreadySent.some((result) => result.channel === target.channel)) continue;
        try {
          const providerMessageId =
            target.channel === 'email'
              ? await sendEmail(target.to, message, garden.contactEmail || undefined)
              : await sendSms(target.to, message);
          results.push({
            ...target,
            status: 'sent',
            ...(providerMessageId ? { providerMessageId } : {}),
            at: now().toISOString(),
          });
        } catch (error) {
          results.push({ ...target, status: 'failed', error: describeError(error), at: now().toISOString() });
          errors.push(error);
        }
      }
      if (errors.length > 0) {
        // What went out is recorded, so the retry sends only what failed.
        await deps.log.markFailed(
          gardenId,
          idempotencyKey,
          { channels: results, error: describeError(errors[0]) },
          now().toISOString(),
        );
        throw errors[0];
      }
      await deps.log.markSent(gardenId, idempotencyKey, results, now().toISOString());
      return { status: 'sent', channels: results.map((result) => result.channel) };
    },
  };
}
export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
