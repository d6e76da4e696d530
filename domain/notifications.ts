/**
 * What the garden tells its members, by email and SMS. The parts live in `notifications/`:
 * the catalogue of kinds and the log (`catalogue.ts`), the words of each process's messages
 * (`*-templates.ts`), the email renderer (`email.ts`) and the SMS encoder (`sms.ts`). This
 * module is their public face: importers need not know the split.
 */
export * from './notifications/catalogue.ts';
export { escapeHtml } from './notifications/email.ts';
export { renderNotification } from './notifications/render.ts';
export { smsLength, toSmsText } from './notifications/sms.ts';
