import Type from 'typebox';
import type { Localized } from './locale.ts';
import { emailPattern } from './member.ts';
import { phoneInputPattern, toE164 } from './phone.ts';

/**
 * IBAN as people type it: letters and digits, in groups or not (« FR76 3000 6000 0112 … »).
 * The pattern says the shape; the check digits and the country's length are checked by
 * `ibanRefusal` (a rule, 422), since a pattern cannot compute them.
 */
export const ibanInputPattern = '^ *[A-Za-z]{2} *[0-9]{2}(?: *[A-Za-z0-9]){11,30} *$';
/** BIC (ISO 9362): bank, country, place, and an optional branch; spaces allowed between. */
export const bicInputPattern = '^ *[A-Za-z]{4} *[A-Za-z]{2} *[A-Za-z0-9]{2}(?: *[A-Za-z0-9]{3})? *$';

/** How members pay without a card or mandate: to whom, the bank account, where cheques go. */
export const PaymentInstructions = Type.Object(
  {
    /** Who cheques are made out to, and whose account transfers go to. */
    payee: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    iban: Type.String({ maxLength: 50, pattern: ibanInputPattern }),
    bic: Type.Optional(Type.String({ maxLength: 20, pattern: bicInputPattern })),
    /** Where cheques are sent or dropped; the garden's address when absent. */
    chequeAddress: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type PaymentInstructions = Type.Static<typeof PaymentInstructions>;

/**
 * How members reach the garden's team, and how they pay it without a card: shown wherever the
 * portal tells a member to contact the team or to pay by cheque, cash or transfer.
 */
export const GardenContactInput = Type.Object(
  {
    email: Type.String({ maxLength: 254, pattern: emailPattern }),
    phone: Type.Optional(Type.String({ maxLength: 30, pattern: phoneInputPattern })),
    /** Postal address, several lines. */
    address: Type.Optional(Type.String({ maxLength: 300 })),
    payment: Type.Optional(PaymentInstructions),
  },
  { additionalProperties: false },
);
export type GardenContactInput = Type.Static<typeof GardenContactInput>;

/** As kept and read: phone in E.164, IBAN and BIC in capitals without spaces, texts trimmed. */
export const GardenContact = Type.Object({
  email: Type.String(),
  phone: Type.Optional(Type.String()),
  address: Type.Optional(Type.String()),
  payment: Type.Optional(
    Type.Object({
      payee: Type.String(),
      iban: Type.String(),
      bic: Type.Optional(Type.String()),
      chequeAddress: Type.Optional(Type.String()),
    }),
  ),
  version: Type.Integer(),
});
export type GardenContact = Type.Static<typeof GardenContact>;

/** Before the garden sets its own: the address the garden was registered with, nothing else. */
export function defaultGardenContact(garden: { contactEmail: string } | undefined): GardenContact {
  return { email: garden?.contactEmail ?? '', version: 0 };
}

/** Lengths of IBANs in the SEPA countries; others are checked by their check digits alone. */
const ibanLengths: Readonly<Record<string, number>> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
};

/** « fr76 3000 6000 … » → « FR763000600001… ». */
export function normalizeIban(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The IBAN in groups of four, as printed on a bank statement. */
export function formatIban(iban: string): string {
  return normalizeIban(iban).replace(/(.{4})(?=.)/g, '$1 ');
}

/** ISO 13616 check: the country and check digits moved to the end, letters as numbers, mod 97 = 1. */
function ibanCheckDigitsHold(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = /[0-9]/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Why an IBAN cannot be one (typed any way), or undefined when it can. */
export function ibanRefusal(input: string): Localized | undefined {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) {
    return {
      fr: 'Cet IBAN n’a pas la forme d’un IBAN : deux lettres du pays, deux chiffres de contrôle, puis le numéro du compte (exemple : FR76 3000 6000 0112 3456 7890 189).',
      en: 'This IBAN does not look like one: two country letters, two check digits, then the account number (for example FR76 3000 6000 0112 3456 7890 189).',
    };
  }
  const country = iban.slice(0, 2);
  const expected = ibanLengths[country];
  if (expected !== undefined && iban.length !== expected) {
    return {
      fr: `Un IBAN commençant par ${country} compte ${expected} caractères ; celui-ci en a ${iban.length}. Vérifiez qu’il ne manque ou ne dépasse rien.`,
      en: `An IBAN starting with ${country} has ${expected} characters; this one has ${iban.length}. Check that nothing is missing or extra.`,
    };
  }
  if (!ibanCheckDigitsHold(iban)) {
    return {
      fr: 'Cet IBAN n’est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le caractère par caractère sur le RIB du jardin.',
      en: "This IBAN is not valid: its check digits do not match. Check it character by character against the garden's bank details.",
    };
  }
  return undefined;
}

export type GardenContactOutcome =
  { ok: true; value: Omit<GardenContact, 'version'> } | { ok: false; field: string; message: Localized };

function trimmedOrNone(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The contact as kept: email in lower case, phone in E.164, IBAN and BIC in capitals without
 * spaces, blank optional texts left out; or the field a rule refuses, and why.
 */
export function normalizeGardenContact(input: GardenContactInput): GardenContactOutcome {
  const phone = trimmedOrNone(input.phone);
  const e164 = phone === undefined ? undefined : toE164(phone);
  if (phone !== undefined && e164 === undefined) {
    return {
      ok: false,
      field: 'phone',
      message: {
        fr: '« Téléphone » n’est pas un numéro valide (exemple : 03 81 12 34 56).',
        en: '« Phone » is not a valid number (for example +33 3 81 12 34 56).',
      },
    };
  }
  let payment: GardenContact['payment'];
  if (input.payment) {
    const refusal = ibanRefusal(input.payment.iban);
    if (refusal) return { ok: false, field: 'iban', message: refusal };
    const bic = trimmedOrNone(input.payment.bic);
    const chequeAddress = trimmedOrNone(input.payment.chequeAddress);
    payment = {
      payee: input.payment.payee.trim(),
      iban: normalizeIban(input.payment.iban),
      ...(bic ? { bic: bic.replace(/\s+/g, '').toUpperCase() } : {}),
      ...(chequeAddress ? { chequeAddress } : {}),
    };
  }
  const address = trimmedOrNone(input.address);
  return {
    ok: true,
    value: {
      email: input.email.trim().toLowerCase(),
      ...(e164 ? { phone: e164 } : {}),
      ...(address ? { address } : {}),
      ...(payment ? { payment } : {}),
    },
  };
}
