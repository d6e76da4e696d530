import type { Locale } from '../locale.ts';
import type { NotificationCommon } from './catalogue.ts';
import { say as sayIn, type Composed } from './wording.ts';

const htmlEntities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEntities[char] ?? char);
}

const style = {
  body: 'margin:0;padding:0;background-color:#f4f1ea;',
  card: 'max-width:560px;margin:0 auto;padding:24px;background-color:#ffffff;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#2b2b2b;',
  p: 'margin:0 0 16px 0;',
  ul: 'margin:0 0 16px 0;padding-left:24px;',
  table: 'border-collapse:collapse;margin:0 0 16px 0;',
  th: 'text-align:left;vertical-align:top;padding:4px 16px 4px 0;color:#4f6b2a;font-weight:bold;',
  td: 'vertical-align:top;padding:4px 0;',
  footer: 'margin:24px 0 0 0;padding-top:16px;border-top:1px solid #e0dccf;font-size:14px;color:#666666;',
  link: 'color:#4f6b2a;',
};

/**
 * The message as an email, in plain text and in HTML. Everything a template or a person wrote
 * (names, depots, reasons, links) is escaped in the HTML.
 */
export function renderEmail(
  composed: Composed,
  common: NotificationCommon,
  locale: Locale,
): { text: string; html: string } {
  const { memberFirstName, gardenName, portalUrl } = common;
  const say = sayIn(locale);
  const greeting = say(`Bonjour ${memberFirstName},`, `Hello ${memberFirstName},`);
  const signOff = composed.formal
    ? say('Bien cordialement,', 'Kind regards,')
    : say('À bientôt,', 'See you soon,');
  const portalLine = say(
    'Votre espace adhérent, pour gérer votre abonnement et choisir comment nous vous prévenons (e-mail, SMS) :',
    'Your member area, to manage your subscription and choose how we contact you (email, text message):',
  );
  const factLine = ([label, value]: [string, string]) => say(`${label} : ${value}`, `${label}: ${value}`);

  const textBlocks = composed.blocks.map((block) => {
    if (typeof block === 'string') return block;
    if ('list' in block) return block.list.map((item) => `- ${item}`).join('\n');
    if ('link' in block) return say(`${block.text} :\n${block.link}`, `${block.text}:\n${block.link}`);
    return block.facts.map(factLine).join('\n');
  });
  const text = [greeting, ...textBlocks, `${signOff}\n${gardenName}`, `--\n${portalLine}\n${portalUrl}`].join(
    '\n\n',
  );

  const htmlBlocks = composed.blocks.map((block) => {
    if (typeof block === 'string') return `<p style="${style.p}">${escapeHtml(block)}</p>`;
    if ('list' in block) {
      const items = block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('');
      return `<ul style="${style.ul}">${items}</ul>`;
    }
    if ('link' in block) {
      return `<p style="${style.p}"><a href="${escapeHtml(block.link)}" style="${style.link}">${escapeHtml(block.text)}</a></p>`;
    }
    const rows = block.facts
      .map(
        ([label, value]) =>
          `<tr><th scope="row" style="${style.th}">${escapeHtml(label)}</th><td style="${style.td}">${escapeHtml(value)}</td></tr>`,
      )
      .join('');
    return `<table role="presentation" style="${style.table}">${rows}</table>`;
  });
  const html = [
    `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(composed.subject)}</title></head>`,
    `<body style="${style.body}"><div style="${style.card}">`,
    `<p style="${style.p}">${escapeHtml(greeting)}</p>`,
    ...htmlBlocks,
    `<p style="${style.p}">${escapeHtml(signOff)}<br>${escapeHtml(gardenName)}</p>`,
    `<p style="${style.footer}">${escapeHtml(portalLine)}<br><a href="${escapeHtml(portalUrl)}" style="${style.link}">${escapeHtml(portalUrl)}</a></p>`,
    '</div></body></html>',
  ].join('\n');

  return { text, html };
}
