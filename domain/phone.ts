const separators = '[ .()-]*';
const internationalDigits = `(?:3${separators}3${separators}(?:\\d${separators}){9}|(?!3${separators}3)[1-9]${separators}(?:\\d${separators}){7,14})`;

/**
 * Phone numbers are stored as E.164 ("+33612345678") so SMS can be sent to them. People type
 * them the French way ("06 12 34 56 78"); both are accepted. The pattern accepts exactly what
 * toE164 turns into a number (separators are spaces, dots, dashes and brackets; French numbers
 * have nine digits after 0 or +33): the API description says what a phone number must look
 * like, and one that matches is never refused afterwards (domain/phone.test.ts checks both agree).
 */
export const phoneInputPattern =
  `^(?:\\+${separators}${internationalDigits}` +
  `|${separators}0${separators}0${separators}${internationalDigits}` +
  `|${separators}0${separators}[1-9]${separators}(?:\\d${separators}){8})$`;

/** E.164 form of a typed number, or undefined when it cannot be one. */
export function toE164(input: string, defaultCountryCode = '33'): string | undefined {
  const trimmed = input.trim();
  const digits = trimmed.replace(/[\s.()-]/g, '');
  let international: string;
  if (digits.startsWith('+')) international = digits.slice(1);
  else if (digits.startsWith('00')) international = digits.slice(2);
  else if (digits.startsWith('0') && digits.length === 10)
    international = defaultCountryCode + digits.slice(1);
  else return undefined;
  if (!/^[1-9]\d{7,14}$/.test(international)) return undefined;
  // French numbers have exactly nine digits after the country code.
  if (international.startsWith('33') && international.length !== 11) return undefined;
  return `+${international}`;
}

/** "+33612345678" → "06 12 34 56 78"; other countries stay in E.164. */
export function formatPhone(e164: string): string {
  if (e164.startsWith('+33') && e164.length === 12) {
    return `0${e164.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  }
  return e164;
}
