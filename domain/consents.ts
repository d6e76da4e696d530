import Type from 'typebox';
import type { Localized } from './locale.ts';
import { escapeHtml } from './notifications/email.ts';

/**
 * The consent log (issue 14): what a member accepted and agreed to, entry by entry, never
 * rewritten. Two kinds of entries: the garden's terms accepted (the CGV and the privacy policy,
 * with the version numbers the member was shown, `null` when the garden had not published that
 * page yet and the rules summary stood in for it), and the optional consents (newsletter,
 * photos, text messages), each given or withdrawn. A member's current state is read from the
 * log: the latest entry per purpose.
 */

/** The published pages a member accepts (slugs of `garden-pages.ts`). */
export const termsDocuments = ['cgv', 'confidentialite'] as const;
export type TermsDocument = (typeof termsDocuments)[number];

/** Consents a member may give or withdraw at any time; none is needed to join. */
export const optionalPurposes = ['newsletter', 'photos', 'sms'] as const;
export type OptionalPurpose = (typeof optionalPurposes)[number];

/** Where the member said so: on the sign-up form, in their portal, or through staff. */
export const consentChannels = ['sign-up', 'portal', 'staff'] as const;
export type ConsentChannel = (typeof consentChannels)[number];

/** User agents are kept this long at most: enough to recognise a browser, no more. */
export const userAgentLength = 200;

export const termsDocumentLabels: Readonly<Record<TermsDocument, Localized>> = {
  cgv: { fr: 'Conditions générales de vente', en: 'Terms and conditions of sale' },
  confidentialite: { fr: 'Politique de confidentialité', en: 'Privacy policy' },
};

export const optionalPurposeLabels: Readonly<Record<OptionalPurpose, Localized>> = {
  newsletter: { fr: 'Recevoir la lettre du jardin', en: "Receive the garden's newsletter" },
  photos: {
    fr: 'Apparaître sur les photos du jardin (site, réseaux)',
    en: "Appear in the garden's photos (website, social media)",
  },
  sms: { fr: 'Recevoir des informations par SMS', en: 'Receive news by text message' },
};

const TermsVersion = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]);

/** The versions of each document a member was shown and accepted (`null`: not published then). */
export const AcceptedTerms = Type.Object({ cgv: TermsVersion, confidentialite: TermsVersion });
export type AcceptedTerms = Type.Static<typeof AcceptedTerms>;

const EntryCommon = {
  memberId: Type.String(),
  /** The account (token subject) that acted; absent when staff recorded it without one. */
  accountId: Type.Optional(Type.String()),
  /** ISO instant. */
  at: Type.String(),
  how: Type.Enum([...consentChannels]),
  /** The address as the API saw it (behind the trusted proxies), and the browser. */
  origin: Type.Optional(Type.Object({ ip: Type.String(), userAgent: Type.Optional(Type.String()) })),
};

export const TermsEntry = Type.Object({ ...EntryCommon, kind: Type.Literal('terms'), terms: AcceptedTerms });
export const OptionalEntry = Type.Object({
  ...EntryCommon,
  kind: Type.Literal('optional'),
  purpose: Type.Enum([...optionalPurposes]),
  given: Type.Boolean(),
});
export const ConsentEntry = Type.Union([TermsEntry, OptionalEntry]);
export type ConsentEntry = Type.Static<typeof ConsentEntry>;
export type TermsEntry = Type.Static<typeof TermsEntry>;
export type OptionalEntry = Type.Static<typeof OptionalEntry>;

/** A document's accepted version and when; `undefined` version: never accepted. */
export const AcceptedDocument = Type.Object({
  version: TermsVersion,
  acceptedAt: Type.String(),
});

export const OptionalState = Type.Object({ given: Type.Boolean(), at: Type.String() });

/** A member's consents now: their latest word on each, from the log. */
export const ConsentState = Type.Object({
  terms: Type.Object({
    cgv: Type.Union([AcceptedDocument, Type.Null()]),
    confidentialite: Type.Union([AcceptedDocument, Type.Null()]),
  }),
  optional: Type.Object({
    newsletter: Type.Union([OptionalState, Type.Null()]),
    photos: Type.Union([OptionalState, Type.Null()]),
    sms: Type.Union([OptionalState, Type.Null()]),
  }),
});
export type ConsentState = Type.Static<typeof ConsentState>;

/** The user agent as kept: at most `userAgentLength` characters. */
export function keptUserAgent(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined) return undefined;
  return [...userAgent].slice(0, userAgentLength).join('');
}

/** The state a member's entries leave (they may come in any order: the latest by `at` wins). */
export function consentState(entries: readonly ConsentEntry[]): ConsentState {
  const ordered = [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const state: ConsentState = {
    terms: { cgv: null, confidentialite: null },
    optional: { newsletter: null, photos: null, sms: null },
  };
  for (const entry of ordered) {
    if (entry.kind === 'terms') {
      for (const document of termsDocuments) {
        state.terms[document] = { version: entry.terms[document], acceptedAt: entry.at };
      }
    } else {
      state.optional[entry.purpose] = { given: entry.given, at: entry.at };
    }
  }
  return state;
}

/** A published version as the page store gives it. */
export interface PublishedTermsVersion {
  version: number;
  substantial: boolean;
  publishedAt: string;
}

/** What a member still has to accept about one document: its latest version. */
export interface TermsToAccept {
  document: TermsDocument;
  version: number;
  /** The version the member accepted, `null` when none (or only the rules summary). */
  acceptedVersion: number | null;
}

/**
 * The documents a member must accept again before going on: those with a substantial version
 * published after the one they accepted (a member who never accepted one counts as having
 * accepted nothing). Minor versions do not ask again. `published`: each document's versions.
 */
export function termsToAccept(
  state: ConsentState,
  published: Readonly<Record<TermsDocument, readonly PublishedTermsVersion[]>>,
): TermsToAccept[] {
  const due: TermsToAccept[] = [];
  for (const document of termsDocuments) {
    const versions = published[document];
    if (versions.length === 0) continue;
    const latest = Math.max(...versions.map((version) => version.version));
    const acceptedVersion = state.terms[document]?.version ?? null;
    const accepted = acceptedVersion ?? 0;
    if (versions.some((version) => version.substantial && version.version > accepted)) {
      due.push({ document, version: latest, acceptedVersion });
    }
  }
  return due;
}

/**
 * Why the versions a member accepts cannot be taken, if they cannot: each must be the latest
 * published (`null` only while none is), so that nobody accepts terms they were not shown.
 */
export function staleTermsRefusal(
  shown: Partial<Record<TermsDocument, number | null>>,
  latest: Readonly<Record<TermsDocument, number | null>>,
): Localized | undefined {
  const stale = termsDocuments.filter((document) => (shown[document] ?? null) !== latest[document]);
  if (stale.length === 0) return undefined;
  const fr = stale.map((document) => termsDocumentLabels[document].fr.toLowerCase()).join(' et ');
  const en = stale.map((document) => termsDocumentLabels[document].en.toLowerCase()).join(' and ');
  return {
    fr: `Le jardin vient de publier une nouvelle version (${fr}) : relisez-la, puis acceptez-la.`,
    en: `The garden has just published a new version (${en}): read it again, then accept it.`,
  };
}

/** A consent log entry's sort key part: time first, so that a member's log reads in order. */
export function consentEntryKey(at: string, id: string): string {
  return `${at}#${id}`;
}

/** The member portal's page where new terms are accepted (the web app serves it). */
export const acceptTermsPortalPath = '/adherent/conditions';

/** The email telling a member of a substantial new version, in their language (text and HTML). */
export function newTermsEmail(
  input: {
    document: TermsDocument;
    version: number;
    memberFirstName: string;
    gardenName: string;
    /** Where the member reads and accepts it. */
    acceptUrl: string;
  },
  locale: 'fr' | 'en',
): { subject: string; text: string; html: string } {
  const title = termsDocumentLabels[input.document][locale];
  const lines =
    locale === 'fr'
      ? [
          `Bonjour ${input.memberFirstName},`,
          `${input.gardenName} a publié une nouvelle version de ses ${title.toLowerCase()} (version ${input.version}), avec des changements importants.`,
          'Vous pourrez la lire et l’accepter lors de votre prochaine connexion à votre espace adhérent :',
        ]
      : [
          `Hello ${input.memberFirstName},`,
          `${input.gardenName} has published a new version of its ${title.toLowerCase()} (version ${input.version}), with important changes.`,
          'You can read and accept it the next time you sign in to your member area:',
        ];
  const subject =
    locale === 'fr'
      ? `${input.gardenName} : nouvelle version des ${title.toLowerCase()}`
      : `${input.gardenName}: new version of the ${title.toLowerCase()}`;
  const url = escapeHtml(input.acceptUrl);
  return {
    subject,
    text: `${lines.join('\n\n')}\n${input.acceptUrl}\n`,
    html:
      lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n') + `\n<p><a href="${url}">${url}</a></p>\n`,
  };
}
