import { log } from '@temporalio/workflow';
import type { NotificationActivities } from '../../activities/notifications.ts';
import { failureTypes } from '../../domain/failure-types.ts';
import { incidentKeys, undeliveredSummary, type Incident } from '../../domain/incidents.ts';
import type { Localized } from '../../domain/locale.ts';
import {
  legallyRequiredNotifications,
  notificationKindLabels,
  type NotificationRequest,
} from '../../domain/notifications.ts';
import { causeOf, tellStaff, type Persevere } from '../incidents/persevere.ts';

type NotifyMember = NotificationActivities['notifyMember'];

/** How one process tells its member things: its activities, and what staff read when it fails. */
export interface NoticeSenderOptions {
  gardenId: string;
  workflowId: string;
  /** The member told, as the process knows them when a notice leaves. */
  memberId: () => string;
  /** What staff's incidents are about, the member included. */
  subject: () => Incident['subject'];
  /** What the notices are about, in staff's words: « abonnement … », « facture … ». */
  about: Localized;
  /** The process's own activity, with the retries it grants an ordinary notice (its answer is not read). */
  notify: (input: Parameters<NotifyMember>[0]) => Promise<unknown>;
  /**
   * Messages the law requires, when the process sends any: tried until sent through
   * `persevere` (staff told after each round), and staff told when the member has no contact
   * details. `since` says whether the run started after this rule (its patch).
   */
  required?: { persevere: Persevere; notify: NotifyMember; since: () => boolean };
  /** Whether a notice given up is reported to staff: the run started after that rule (its patch). */
  reportsUndelivered: () => boolean;
  /** Told once a notice is sent or given up, so that it is never sent again. */
  onHandled?: (key: string) => void;
}

/**
 * One way for every process to send a notice to a member: beside the process, never in its
 * way (a mail service that is down delays a notice, not a charge or the end of a season), once
 * per key (the key makes the idempotency key), and staff hear of a notice given up.
 */
export function createNoticeSender(options: NoticeSenderOptions) {
  const { gardenId, workflowId, about } = options;
  const sending = new Map<string, Promise<void>>();

  async function deliver(key: string, request: NotificationRequest): Promise<void> {
    const input = {
      gardenId,
      memberId: options.memberId(),
      notification: request,
      idempotencyKey: `${workflowId}/${key}`,
    };
    const label = notificationKindLabels[request.kind];
    const undelivered = (summary: Localized, cause: string) =>
      tellStaff({
        gardenId,
        key: incidentKeys.undelivered(input.idempotencyKey),
        kind: 'message-undelivered',
        workflowId,
        subject: options.subject(),
        summary,
        cause,
        retriesByItself: false,
      });
    const required = options.required;
    try {
      if (required && legallyRequiredNotifications.has(request.kind) && required.since()) {
        const result = await required.persevere(
          {
            gardenId,
            subject: options.subject(),
            name: `notice/${key}`,
            kind: 'message-undelivered',
            what: {
              fr: `Envoyer à l'adhérent le message obligatoire « ${label.fr} » (${about.fr})`,
              en: `Send the member the required message "${label.en}" (${about.en})`,
            },
            passThrough: [failureTypes.memberNotFound],
          },
          () => required.notify(input),
        );
        if (result.status === 'skipped') {
          await undelivered(
            {
              fr: `Le message obligatoire « ${label.fr} » (${about.fr}) n'a pas pu être envoyé : l'adhérent n'a ni adresse email ni téléphone portable. Transmettez-le-lui par un autre moyen (courrier, en main propre).`,
              en: `The required message "${label.en}" (${about.en}) could not be sent: the member has neither an email address nor a mobile phone. Give it to them another way (post, by hand).`,
            },
            'no-contact-details',
          );
        }
      } else {
        await options.notify(input);
      }
      options.onHandled?.(key);
    } catch (error) {
      const cause = causeOf(error);
      log.warn('notice not sent', { notice: key, error: cause });
      // Given up: handled all the same, so it is not sent again, and staff are told.
      options.onHandled?.(key);
      if (options.reportsUndelivered()) await undelivered(undeliveredSummary(label, about), cause);
    }
  }

  return {
    /** Sends the notice now, beside the process; it never fails the process. */
    send(key: string, request: NotificationRequest): void {
      const message: Promise<void> = deliver(key, request).finally(() => {
        if (sending.get(key) === message) sending.delete(key);
      });
      sending.set(key, message);
    },
    /** Whether the notice under this key is on its way. */
    isSending: (key: string) => sending.has(key),
    /** The notices on their way, each settling once sent or given up. */
    onTheirWay: () => [...sending.values()],
  };
}
export type NoticeSender = ReturnType<typeof createNoticeSender>;
