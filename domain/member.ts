import Type from 'typebox';
import { entityIdPattern } from './ids.ts';
import { phoneInputPattern, toE164 } from './phone.ts';
import { foldForSearch } from './text.ts';
import type { InputIssue } from './validation.ts';
import { locales, type Locale } from './locale.ts';

const requiredText = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });
export const emailPattern = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';

export const PostalAddress = Type.Object(
  {
    street: requiredText(200),
    postalCode: Type.String({ pattern: '^\\d{5}$' }),
    city: requiredText(80),
  },
  { additionalProperties: false },
);
export type PostalAddress = Type.Static<typeof PostalAddress>;

/** "2 chemin des Vergers, 25220 Chalezeule": an address on one line, as sheets and calendars print it. */
export function addressLine(address: PostalAddress): string {
  return `${address.street}, ${address.postalCode} ${address.city}`;
}

/**
 * Whether two addresses name the same door, however they are written (case, accents, spaces):
 * a household's place on the map holds only for the address it was placed at.
 */
export function sameStreetAddress(a: PostalAddress | undefined, b: PostalAddress | undefined): boolean {
  if (!a || !b) return a === b;
  const written = foldForSearch;
  return (
    written(a.street) === written(b.street) &&
    a.postalCode === b.postalCode &&
    written(a.city) === written(b.city)
  );
}

/**
 * How a member wants to hear from the garden. Email by default; SMS only when they opt in
 * (and have a mobile number); both off means no reminders at all.
 */
export const ContactPreferences = Type.Object(
  { email: Type.Boolean(), sms: Type.Boolean() },
  { additionalProperties: false },
);
export type ContactPreferences = Type.Static<typeof ContactPreferences>;

export const defaultContactPreferences: ContactPreferences = { email: true, sms: false };

/**
 * The language a member reads the garden's messages in (emails, SMS). Members recorded before
 * it existed have none: French, as the gardens always wrote.
 */
export const MemberLanguage = Type.Enum([...locales]);

/** The language to write to a member in: their choice, French when they never made one. */
export function memberLanguage(member: { language?: string | undefined }): Locale {
  return locales.find((locale) => locale === member.language) ?? 'fr';
}

/** What staff (or the member) types to create or change a member. */
export const MemberInput = Type.Object(
  {
    firstName: requiredText(80),
    lastName: requiredText(80),
    email: Type.Optional(Type.String({ maxLength: 254, pattern: emailPattern })),
    phone: Type.Optional(Type.String({ maxLength: 30, pattern: phoneInputPattern })),
    address: Type.Optional(PostalAddress),
    householdSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    /** How the driver reaches the door on a home delivery (door code, « behind the barn »). */
    accessNotes: Type.Optional(Type.String({ maxLength: 500 })),
    contactPreferences: Type.Optional(ContactPreferences),
    language: Type.Optional(MemberLanguage),
  },
  { additionalProperties: false },
);
export type MemberInput = Type.Static<typeof MemberInput>;

export const Member = Type.Object({
  id: Type.String({ pattern: entityIdPattern }),
  gardenId: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.Optional(Type.String()),
  /** E.164. */
  phone: Type.Optional(Type.String()),
  address: Type.Optional(PostalAddress),
  /** Where the household lives on the map (for home deliveries), placed by staff. */
  location: Type.Optional(Type.Object({ lat: Type.Number(), lng: Type.Number() })),
  householdSize: Type.Optional(Type.Integer()),
  notes: Type.Optional(Type.String()),
  /** How the driver reaches the door on a home delivery (door code, « behind the barn »), shown on the round. */
  accessNotes: Type.Optional(Type.String()),
  contactPreferences: Type.Optional(ContactPreferences),
  /** The language of the garden's messages to the member; absent means French (`memberLanguage`). */
  language: Type.Optional(MemberLanguage),
  /** When the member accepted the garden's terms (self sign-up). */
  termsAcceptedAt: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** Optimistic-locking counter: a change must name the version it was made from. */
  version: Type.Integer(),
});
export type Member = Type.Static<typeof Member>;

/** The member input made ready to store (trimmed, phone in E.164), or what is wrong with it. */
export function normalizeMemberInput(
  input: MemberInput,
  locale: Locale,
): { ok: true; value: MemberInput } | { ok: false; issues: InputIssue[] } {
  const value: MemberInput = {
    ...input,
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
  };
  if (input.email !== undefined) value.email = input.email.trim().toLowerCase();
  if (input.notes !== undefined) value.notes = input.notes.trim();
  if (input.accessNotes !== undefined) {
    const accessNotes = input.accessNotes.trim();
    if (accessNotes) value.accessNotes = accessNotes;
    else delete value.accessNotes;
  }
  if (input.address) {
    value.address = {
      street: input.address.street.trim(),
      postalCode: input.address.postalCode,
      city: input.address.city.trim(),
    };
  }
  if (input.phone !== undefined) {
    const e164 = toE164(input.phone);
    if (!e164) {
      return {
        ok: false,
        issues: [
          {
            field: 'phone',
            message:
              locale === 'fr'
                ? '« Téléphone » n’est pas un numéro valide (exemple : 06 12 34 56 78).'
                : '« Phone » is not a valid number (for example +33 6 12 34 56 78).',
          },
        ],
      };
    }
    value.phone = e164;
  }
  if (input.contactPreferences?.sms && !value.phone) {
    return {
      ok: false,
      issues: [
        {
          field: 'contactPreferences',
          message:
            locale === 'fr'
              ? 'Pour recevoir des SMS, indiquez un numéro de téléphone portable.'
              : 'To receive text messages, give a mobile phone number.',
        },
      ],
    };
  }
  return { ok: true, value };
}

/**
 * What a member may correct of their own record (« Mes données »): their names, contact and
 * address, checked as staff's input is. The rest (household size, notes, access notes) is
 * staff's to write; contact preferences and language have their own routes.
 */
export const MemberDetails = Type.Object(
  {
    firstName: MemberInput.properties.firstName,
    lastName: MemberInput.properties.lastName,
    email: MemberInput.properties.email,
    phone: MemberInput.properties.phone,
    address: MemberInput.properties.address,
  },
  { additionalProperties: false },
);
export type MemberDetails = Type.Static<typeof MemberDetails>;

/** The fields of `MemberInput` that only staff change: a member sending one is refused by name. */
export const staffOnlyMemberFields = ['householdSize', 'notes', 'accessNotes'] as const;

/**
 * The whole input of a member's record once they corrected their own details: what they may
 * change replaced (an email, phone or address left out is removed), everything else as it was.
 * Normalised as staff's input; a phone removed while the member gets reminders by SMS is
 * refused on the phone, in words that say what to do first.
 */
export function normalizeMemberDetails(
  member: Member,
  details: MemberDetails,
  locale: Locale,
): { ok: true; value: MemberInput } | { ok: false; issues: InputIssue[] } {
  const input: MemberInput = {
    firstName: details.firstName,
    lastName: details.lastName,
    ...(details.email !== undefined ? { email: details.email } : {}),
    ...(details.phone !== undefined ? { phone: details.phone } : {}),
    ...(details.address ? { address: details.address } : {}),
    ...(member.householdSize !== undefined ? { householdSize: member.householdSize } : {}),
    ...(member.notes !== undefined ? { notes: member.notes } : {}),
    ...(member.accessNotes !== undefined ? { accessNotes: member.accessNotes } : {}),
    ...(member.contactPreferences ? { contactPreferences: member.contactPreferences } : {}),
    ...(member.language ? { language: member.language } : {}),
  };
  if (member.contactPreferences?.sms && details.phone === undefined) {
    return {
      ok: false,
      issues: [
        {
          field: 'phone',
          message:
            locale === 'fr'
              ? 'Vous recevez les rappels par SMS : gardez un numéro de portable, ou arrêtez d’abord les SMS dans « Mes préférences ».'
              : 'You get reminders by text message: keep a mobile number, or first turn text messages off in « My preferences ».',
        },
      ],
    };
  }
  return normalizeMemberInput(input, locale);
}

/** "Dupont Marie": how members are sorted in lists. */
export function memberSortName(member: Pick<Member, 'firstName' | 'lastName'>): string {
  return foldForSearch(`${member.lastName} ${member.firstName}`);
}

export function memberDisplayName(member: Pick<Member, 'firstName' | 'lastName'>): string {
  return `${member.firstName} ${member.lastName}`;
}
