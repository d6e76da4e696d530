import type { Locale } from '../locale.ts';
import type { Notification, NotificationKind, RenderedNotification } from './catalogue.ts';
import { dataExportTemplates } from './data-export-templates.ts';
import { deliveryTemplates } from './delivery-templates.ts';
import { renderEmail } from './email.ts';
import { paymentTemplates } from './payment-templates.ts';
import { renderSms } from './sms.ts';
import { roundTemplates } from './round-templates.ts';
import { subscriptionTemplates } from './subscription-templates.ts';
import type { Composed, Template, Templates } from './wording.ts';

/** Every kind has its template: the compiler refuses a kind left out. */
const templates: Templates<NotificationKind> = {
  ...subscriptionTemplates,
  ...deliveryTemplates,
  ...paymentTemplates,
  ...roundTemplates,
  ...dataExportTemplates,
};

function compose(notification: Notification, locale: Locale): Composed {
  // Each kind's data reaches its own template: the union cannot say so, hence the widening.
  const template = templates[notification.kind] as Template<NotificationKind>;
  return template(notification, locale);
}

/**
 * The message in both forms for email, and its SMS. Member data is escaped in the HTML; the
 * SMS keeps to the GSM alphabet and one SMS (160 characters) whenever the facts allow.
 */
export function renderNotification(notification: Notification, locale: Locale = 'fr'): RenderedNotification {
  const composed = compose(notification, locale);
  return {
    subject: composed.subject,
    ...renderEmail(composed, notification.data, locale),
    sms: renderSms(composed, locale, composed.smsLink ?? notification.data.portalUrl),
  };
}
