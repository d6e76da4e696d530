import Type from 'typebox';
import type { Localized } from './locale.ts';
import { formatPhone } from './phone.ts';

/**
 * The garden's pages (issue 14): the five legal pages every publisher has (a garden, or the
 * network itself) and the simple pages a garden writes (« Nos paniers », « Où nous trouver »).
 * A page has at most one draft and a list of published versions, each immutable; the public
 * reads the latest. Before anything is written, a legal page's draft is a template filled from
 * the publisher's legal details. The HTML itself is sanitized in `page-html.ts`; this module
 * holds the words, the shapes, the templates and the accessibility check.
 */

/**
 * A page's short name in its address: lowercase words of letters and digits joined by single
 * dashes, 1 to 60 characters. Never a name every JavaScript object has (« constructor »): pages
 * are never kept in plain objects keyed by slug, and the pattern refuses those names anyway.
 */
export const pageSlugPattern = '^(?!(?:constructor|prototype)$)[a-z0-9]+(?:-[a-z0-9]+)*$';
export const PageSlug = Type.String({
  pattern: pageSlugPattern,
  minLength: 1,
  maxLength: 60,
  description:
    'Lowercase letters and digits in words joined by single dashes (mentions-legales, nos-paniers).',
});

const pageSlugRegExp = new RegExp(pageSlugPattern);
export function isPageSlug(value: string): boolean {
  return value.length >= 1 && value.length <= 60 && pageSlugRegExp.test(value);
}

/** The legal pages every publisher has, in the order the footer lists them. They cannot be deleted. */
export const legalSlugs = ['mentions-legales', 'cgv', 'confidentialite', 'accessibilite', 'contact'] as const;
export type LegalSlug = (typeof legalSlugs)[number];

export function isLegalSlug(slug: string): slug is LegalSlug {
  return (legalSlugs as readonly string[]).includes(slug);
}

export const legalPageTitles: Readonly<Record<LegalSlug, Localized>> = {
  'mentions-legales': { fr: 'Mentions légales', en: 'Legal notice' },
  cgv: { fr: 'Conditions générales de vente', en: 'Terms of sale' },
  confidentialite: { fr: 'Politique de confidentialité', en: 'Privacy policy' },
  accessibilite: { fr: 'Déclaration d’accessibilité', en: 'Accessibility statement' },
  contact: { fr: 'Contact', en: 'Contact' },
};

/** A published version's number: 1, 2, 3… per page. */
export const PageVersionNumber = Type.Integer({ minimum: 1, maximum: 1_000_000 });

/** An image of the pages, as kept in S3 (`img-` and random letters). */
export const pageImageIdPattern = '^img-[a-z0-9]{12}$';
export const PageImageId = Type.String({ pattern: pageImageIdPattern, minLength: 16, maxLength: 16 });

/** The image types a page may show, and the first bytes each file of that type starts with. */
export const pageImageTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type PageImageType = (typeof pageImageTypes)[number];
/** The largest image a page may show: 2 MB. */
export const pageImageMaxBytes = 2 * 1024 * 1024;

export function isPageImageType(type: string): type is PageImageType {
  return (pageImageTypes as readonly string[]).includes(type);
}

/** Whether the bytes are a file of that type, by its magic number (not by what the sender says). */
export function imageBytesMatch(type: PageImageType, bytes: Uint8Array): boolean {
  const startsWith = (...expected: number[]) => expected.every((byte, index) => bytes[index] === byte);
  const ascii = (offset: number, text: string) =>
    [...text].every((character, index) => bytes[offset + index] === character.charCodeAt(0));
  switch (type) {
    case 'image/png':
      return startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return startsWith(0xff, 0xd8, 0xff);
    case 'image/gif':
      return ascii(0, 'GIF87a') || ascii(0, 'GIF89a');
    case 'image/webp':
      return ascii(0, 'RIFF') && ascii(8, 'WEBP');
  }
}

// ---------------------------------------------------------------------------------------------
// Legal details

/** 14 digits, as written together or in the usual groups (« 123 456 789 00015 »). */
const siretInputPattern = '^[0-9]{3} ?[0-9]{3} ?[0-9]{3} ?[0-9]{5}$';

/** Who publishes the site, as the law wants it named (LCEN, article 6): the templates fill them in. */
export const LegalDetailsInput = Type.Object(
  {
    /** The association's name as registered (« Association Les Jardins du Val »). */
    legalName: Type.String({ minLength: 1, maxLength: 160, pattern: '\\S' }),
    /** « Association loi 1901 », « SCIC SARL »… */
    legalForm: Type.String({ maxLength: 120 }),
    /** 14 digits, alone or in groups of 3, 3, 3 and 5; its check digit is checked (422). */
    siret: Type.String({ maxLength: 20, pattern: siretInputPattern }),
    /** The registered office, several lines. */
    address: Type.String({ maxLength: 300 }),
    /** The person legally responsible for what the site publishes (often the president). */
    publicationDirector: Type.String({ maxLength: 120 }),
    /** Who hosts the site: name, address and a way to reach them (phone or email). */
    host: Type.Object(
      {
        name: Type.String({ maxLength: 160 }),
        address: Type.String({ maxLength: 300 }),
        contact: Type.String({ maxLength: 254 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type LegalDetailsInput = Type.Static<typeof LegalDetailsInput>;

/** As kept: texts trimmed, the SIRET as 14 digits (empty until the garden gives it), a version. */
export const PublisherLegalDetails = Type.Object({
  legalName: Type.String(),
  legalForm: Type.String(),
  siret: Type.String(),
  address: Type.String(),
  publicationDirector: Type.String(),
  host: Type.Object({ name: Type.String(), address: Type.String(), contact: Type.String() }),
  version: Type.Integer(),
});
export type PublisherLegalDetails = Type.Static<typeof PublisherLegalDetails>;

/**
 * Before the garden saves its own (version 0): what it gave when it was registered, printed on
 * its invoices (name, address, SIRET), the rest to complete.
 */
export function defaultLegalDetails(
  registered: { name: string; address: string; siret: string } | undefined,
): PublisherLegalDetails {
  const siret = registered?.siret ?? '';
  return {
    legalName: registered?.name ?? '',
    legalForm: '',
    // The invoices' placeholder (all zeros) is no SIRET.
    siret: /^[0-9]{14}$/.test(siret) && !/^0+$/.test(siret) ? siret : '',
    address: registered?.address ?? '',
    publicationDirector: '',
    host: { name: '', address: '', contact: '' },
    version: 0,
  };
}

/**
 * The Luhn check a SIRET's last digit makes. La Poste's establishments (SIREN 356 000 000) are
 * numbered on another rule, the sum of the digits a multiple of 5, which INSEE documents.
 */
export function siretChecks(siret: string): boolean {
  if (!/^[0-9]{14}$/.test(siret)) return false;
  const digits = [...siret].map(Number);
  if (siret.startsWith('356000000') && siret !== '35600000000048') {
    return digits.reduce((sum, digit) => sum + digit, 0) % 5 === 0;
  }
  let sum = 0;
  for (const [index, digit] of digits.entries()) {
    // From the left, every second digit (the 1st, 3rd…) is doubled: 14 digits, so the rightmost is not.
    const doubled = index % 2 === 0 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}

export type LegalDetailsOutcome =
  | { ok: true; value: Omit<PublisherLegalDetails, 'version'> }
  | { ok: false; field: string; message: Localized };

/** The details as kept (texts trimmed, SIRET without spaces), or the field a rule refuses and why. */
export function normalizeLegalDetails(input: LegalDetailsInput): LegalDetailsOutcome {
  const siret = input.siret.replace(/ /g, '');
  if (!siretChecks(siret)) {
    return {
      ok: false,
      field: 'siret',
      message: {
        fr: 'Ce SIRET n’est pas valide : sa clé de contrôle ne correspond pas. Recopiez les 14 chiffres depuis l’avis de situation INSEE ou annuaire-entreprises.data.gouv.fr.',
        en: 'This SIRET is not valid: its check digit does not match. Copy the 14 digits again from the INSEE notice or annuaire-entreprises.data.gouv.fr.',
      },
    };
  }
  return {
    ok: true,
    value: {
      legalName: input.legalName.trim(),
      legalForm: input.legalForm.trim(),
      siret,
      address: input.address.trim(),
      publicationDirector: input.publicationDirector.trim(),
      host: {
        name: input.host.name.trim(),
        address: input.host.address.trim(),
        contact: input.host.contact.trim(),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Pages, drafts and versions

export const PageTitle = Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' });
/** The most characters a page's HTML may have as sent (before it is sanitized). */
export const pageHtmlMaxLength = 200_000;
/**
 * The most bytes a page's sanitized HTML may take (UTF-8): a DynamoDB item holds 400 KB, and
 * escaping may make the text longer than what was typed.
 */
export const pageHtmlMaxBytes = 300_000;

export const PageDraftInput = Type.Object(
  {
    title: PageTitle,
    html: Type.String({ maxLength: pageHtmlMaxLength, description: 'Sanitized on the server.' }),
  },
  { additionalProperties: false },
);
export type PageDraftInput = Type.Static<typeof PageDraftInput>;

export const PublishInput = Type.Object(
  {
    /**
     * Whether the change matters to members (new prices, new duties): a substantial new CGV or
     * privacy policy is one members are asked to accept again.
     */
    substantial: Type.Boolean(),
    /** What changed, in a few words, for the versions' list. */
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PublishInput = Type.Static<typeof PublishInput>;

/** The draft of a page, as the admin last saved it (sanitized). */
export interface PageDraft {
  title: string;
  html: string;
  updatedAt: string;
  /** Display name of who saved it (« Camille M. »). */
  updatedBy: string;
}

/** What a page's record says of its latest published version (the version itself holds the HTML). */
export interface PublishedSummary {
  version: number;
  title: string;
  publishedAt: string;
  substantial: boolean;
}

/** One page of a publisher: its draft, if any, and its latest published version, if any. */
export interface PageRecord {
  slug: string;
  legal: boolean;
  draft?: PageDraft;
  published?: PublishedSummary;
  /** Counts every change of the record: a publish is conditioned on the one it read. */
  revision: number;
}

/** A published version: never changed once written. */
export interface PageVersion {
  slug: string;
  version: number;
  title: string;
  html: string;
  publishedAt: string;
  publishedBy: string;
  substantial: boolean;
  note?: string;
}

export const PublishedPage = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  html: Type.String(),
  version: Type.Integer(),
  publishedAt: Type.String(),
  legal: Type.Boolean(),
});
export type PublishedPage = Type.Static<typeof PublishedPage>;

export const PublishedPageList = Type.Object({
  pages: Type.Array(
    Type.Object({
      slug: Type.String(),
      title: Type.String(),
      legal: Type.Boolean(),
      version: Type.Integer(),
      publishedAt: Type.String(),
    }),
  ),
});
export type PublishedPageList = Type.Static<typeof PublishedPageList>;

export const accessibilityProblemCodes = [
  'image-without-alt',
  'heading-skip',
  'empty-heading',
  'link-without-text',
  'table-without-header',
] as const;
export type AccessibilityProblemCode = (typeof accessibilityProblemCodes)[number];

export const AccessibilityProblem = Type.Object({
  code: Type.Enum([...accessibilityProblemCodes]),
  fr: Type.String(),
  en: Type.String(),
});
export type AccessibilityProblem = Type.Static<typeof AccessibilityProblem>;

export const PageDraftView = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  html: Type.String(),
  legal: Type.Boolean(),
  /** Nothing saved yet: the legal page's template, filled from the legal details. */
  fromTemplate: Type.Boolean(),
  publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
  problems: Type.Array(AccessibilityProblem),
});
export type PageDraftView = Type.Static<typeof PageDraftView>;

export const PageDraftList = Type.Object({
  pages: Type.Array(
    Type.Object({
      slug: Type.String(),
      title: Type.String(),
      legal: Type.Boolean(),
      hasDraft: Type.Boolean(),
      publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
      updatedAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type PageDraftList = Type.Static<typeof PageDraftList>;

export const PageVersionList = Type.Object({
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      title: Type.String(),
      publishedAt: Type.String(),
      publishedBy: Type.String(),
      substantial: Type.Boolean(),
      note: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type PageVersionList = Type.Static<typeof PageVersionList>;

/** The images a publisher uploaded for its pages, newest first, with the pages showing each now. */
export const PageImageList = Type.Object({
  images: Type.Array(
    Type.Object({
      id: PageImageId,
      url: Type.String(),
      bytes: Type.Integer({ minimum: 0 }),
      uploadedAt: Type.String(),
      /** A page's draft or its published version shows it: deleting it leaves a gap there. */
      usedIn: Type.Array(
        Type.Object({
          slug: Type.String(),
          title: Type.String(),
          where: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
        }),
      ),
    }),
  ),
});
export type PageImageList = Type.Static<typeof PageImageList>;

/** The most pages of its own a garden may have besides the legal ones. */
export const ownPagesLimit = 50;

/** Legal pages first, in the footer's order, then the garden's own pages by title. */
export function comparePages(
  a: { slug: string; title: string; legal: boolean },
  b: { slug: string; title: string; legal: boolean },
): number {
  const rank = (page: { slug: string }) => {
    const index = (legalSlugs as readonly string[]).indexOf(page.slug);
    return index === -1 ? legalSlugs.length : index;
  };
  return rank(a) - rank(b) || a.title.localeCompare(b.title, 'fr') || a.slug.localeCompare(b.slug);
}

// ---------------------------------------------------------------------------------------------
// Templates

/** What the templates of the legal pages say about the publisher. */
export interface TemplateDetails {
  legal: Omit<PublisherLegalDetails, 'version'>;
  /** How people reach the publisher (the garden's contact). */
  contact: { email: string; phone?: string | undefined; address?: string | undefined };
}

/** What a template shows where a detail is missing. */
export const toComplete = '[à compléter]';

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The detail escaped, with line breaks kept, or « [à compléter] ». */
function shown(text: string | undefined): string {
  const trimmed = text?.trim();
  if (!trimmed) return toComplete;
  return trimmed
    .split(/\r?\n/)
    .map((line) => escapeHtml(line.trim()))
    .filter(Boolean)
    .join('<br>');
}

/** One line: a multi-line address on a single line, for a sentence. */
function inline(text: string | undefined): string {
  return shown(text?.replace(/\s*\r?\n\s*/g, ', '));
}

function siretShown(siret: string): string {
  return /^[0-9]{14}$/.test(siret)
    ? `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`
    : toComplete;
}

function emailLink(email: string | undefined): string {
  const address = email?.trim();
  if (!address) return toComplete;
  return `<a href="mailto:${escapeHtml(address)}">${escapeHtml(address)}</a>`;
}

function phoneLink(phone: string | undefined): string {
  const number = phone?.trim();
  if (!number) return toComplete;
  return `<a href="tel:${escapeHtml(number)}">${escapeHtml(formatPhone(number))}</a>`;
}

const paragraphs = (...lines: string[]) => lines.map((line) => `<p>${line}</p>`).join('');
const list = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;

function legalTemplateHtml(slug: LegalSlug, { legal, contact }: TemplateDetails): string {
  const name = inline(legal.legalName);
  const form = inline(legal.legalForm);
  const address = inline(legal.address);
  switch (slug) {
    case 'mentions-legales':
      return [
        '<h2>Éditeur du site</h2>',
        paragraphs(
          `Ce site est édité par ${name}, ${form}, immatriculée sous le numéro SIRET ${siretShown(legal.siret)}, dont le siège est situé ${address}.`,
          `Courriel : ${emailLink(contact.email)}<br>Téléphone : ${phoneLink(contact.phone)}`,
        ),
        '<h2>Direction de la publication</h2>',
        paragraphs(`${shown(legal.publicationDirector)}, pour ${name}.`),
        '<h2>Hébergement</h2>',
        paragraphs(
          `Ce site est hébergé par ${inline(legal.host.name)}, ${inline(legal.host.address)}. Contact : ${inline(legal.host.contact)}.`,
        ),
        '<h2>Propriété intellectuelle</h2>',
        paragraphs(
          `Les textes, photographies et logos de ce site appartiennent à ${name}, sauf mention contraire. Leur reproduction demande notre accord écrit.`,
        ),
        '<h2>Données personnelles</h2>',
        paragraphs(
          'La façon dont nous traitons vos données personnelles et vos droits sont décrits dans notre page « Politique de confidentialité ».',
        ),
      ].join('');
    case 'cgv':
      return [
        '<h2>Objet</h2>',
        paragraphs(
          `Les présentes conditions générales de vente régissent les abonnements aux paniers de légumes proposés par ${name}, ${form}, SIRET ${siretShown(legal.siret)}, ${address}.`,
        ),
        '<h2>Adhésion et abonnement</h2>',
        paragraphs(
          'Les paniers sont réservés aux adhérents de l’association. L’abonnement est souscrit en ligne ou auprès de l’équipe du jardin ; il est confirmé par l’équipe, qui vous en informe par courriel.',
          `Durée de l’abonnement et renouvellement : ${toComplete}`,
        ),
        '<h2>Prix et paiement</h2>',
        paragraphs(
          'Les prix des paniers et la cotisation annuelle sont indiqués en euros, toutes taxes comprises, au moment de l’inscription. Le paiement se fait par carte, par prélèvement SEPA, par chèque, en espèces ou par virement, selon les modalités indiquées lors de l’inscription.',
          `Conditions particulières (tarifs solidaires, échéancier) : ${toComplete}`,
        ),
        '<h2>Livraison et retrait des paniers</h2>',
        paragraphs(
          'Les paniers sont à retirer au point de dépôt choisi, aux jours et horaires indiqués, ou livrés à domicile lorsque le jardin le propose. Les semaines de fermeture sont annoncées dans le calendrier du jardin.',
        ),
        '<h2>Absences</h2>',
        paragraphs(
          `Vous pouvez signaler une absence depuis votre espace adhérent, dans le délai indiqué avant la livraison. Règle appliquée aux paniers non retirés : ${toComplete}`,
        ),
        '<h2>Droit de rétractation</h2>',
        paragraphs(
          `Conformément au code de la consommation, les denrées périssables ne peuvent faire l’objet d’une rétractation une fois livrées. Conditions de rétractation de l’abonnement : ${toComplete}`,
        ),
        '<h2>Résiliation</h2>',
        paragraphs(
          'Vous pouvez résilier votre abonnement en ligne, depuis votre espace adhérent, à tout moment, dans le respect du préavis prévu par les règles du jardin.',
        ),
        '<h2>Réclamations et médiation</h2>',
        paragraphs(
          `Pour toute réclamation, écrivez-nous à ${emailLink(contact.email)}. En cas de litige, vous pouvez recourir gratuitement au médiateur de la consommation : ${toComplete}`,
        ),
      ].join('');
    case 'confidentialite':
      return [
        '<h2>Responsable du traitement</h2>',
        paragraphs(`${name}, ${address}. Courriel : ${emailLink(contact.email)}.`),
        '<h2>Données collectées</h2>',
        paragraphs(
          'Les coordonnées de votre foyer (nom, adresse, courriel, téléphone), votre abonnement et vos livraisons, vos factures et paiements, vos consentements et vos préférences de contact.',
        ),
        '<h2>Finalités et bases légales</h2>',
        '<ul>',
        '<li>Gérer votre adhésion, votre abonnement et vos livraisons (exécution du contrat).</li>',
        '<li>Facturer et tenir la comptabilité (obligation légale).</li>',
        '<li>Vous envoyer les informations de l’association, si vous l’avez accepté (consentement, que vous pouvez retirer à tout moment).</li>',
        '</ul>',
        '<h2>Durées de conservation</h2>',
        paragraphs(
          'Les données des adhérents sont conservées trois ans après la fin de la relation, puis anonymisées. Les factures et paiements sont conservés dix ans, comme le code de commerce l’exige.',
          'Les copies de sauvegarde, auxquelles seuls les administrateurs techniques ont accès, sont gardées un an au plus : une donnée effacée en disparaît dans ce délai, et n’est jamais rétablie par une restauration.',
        ),
        '<h2>Destinataires et sous-traitants</h2>',
        paragraphs(
          `Vos données ne sont ni vendues ni cédées. Elles sont traitées par l’équipe du jardin et par nos sous-traitants : hébergement (${inline(legal.host.name)}), paiement en ligne (Stripe). Autres : ${toComplete}`,
        ),
        '<h2>Vos droits</h2>',
        paragraphs(
          `Vous pouvez accéder à vos données, les corriger, les télécharger, demander leur effacement ou vous opposer à leur traitement, depuis « Mes données » dans votre espace adhérent ou en écrivant à ${emailLink(contact.email)}.`,
          'Vous pouvez aussi adresser une réclamation à la CNIL : <a href="https://www.cnil.fr/fr/plaintes">www.cnil.fr</a>.',
        ),
      ].join('');
    case 'accessibilite':
      // What the product knows of itself, checked at each version (tests/browser/every-page-
      // accessible.test.ts, keyboard-only.test.ts); the garden completes what is its own.
      return [
        paragraphs(
          `${name} s’engage à rendre son site accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s’applique à ce site et à l’espace adhérent.`,
        ),
        '<h2>État de conformité</h2>',
        paragraphs(
          'Ce site est partiellement conforme au référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1, dont le niveau visé est celui des règles WCAG 2.1, niveau AA : aucun audit complet n’a encore été mené.',
        ),
        '<h2>Ce qui est vérifié</h2>',
        paragraphs(
          'À chaque nouvelle version, toutes les pages sont vérifiées automatiquement (outil axe, règles WCAG 2.0 et 2.1 des niveaux A et AA), pour chaque type d’utilisateur, sur un téléphone de 320 pixels de large et sur un ordinateur, et avec un texte agrandi à 200 % : sans erreur détectée.',
          'Les tâches courantes se font au clavier seul : se connecter, signaler une absence, valider une demande, fermer une semaine de livraison, composer les paniers de la semaine, enregistrer un chèque. Un lien « Aller au contenu » ouvre chaque page, le titre de la fenêtre dit la page ouverte, les erreurs d’un formulaire sont liées à leur champ, et l’avancement des longues opérations est annoncé aux lecteurs d’écran. Le site respecte le réglage « réduire les animations » de votre appareil.',
        ),
        '<h2>Contenus non accessibles</h2>',
        list([
          'Les cartes (points de dépôt, tournées) ne se lisent pas avec un lecteur d’écran : chaque carte est accompagnée de la liste des mêmes lieux, avec leurs adresses.',
          'Les documents PDF (factures, feuilles de dépôt) ne sont pas balisés pour les lecteurs d’écran : les montants et les dates des factures figurent aussi dans l’espace adhérent.',
          'Le formulaire de carte bancaire est fourni par notre prestataire de paiement (Stripe) : son accessibilité dépend de lui.',
          `Autres contenus : ${toComplete}`,
        ]),
        '<h2>Établissement de cette déclaration</h2>',
        paragraphs(
          'Cette déclaration a été établie à la date de publication indiquée sur cette page, à partir des vérifications décrites ci-dessus.',
        ),
        '<h2>Retour d’information et contact</h2>',
        paragraphs(
          `Si vous ne parvenez pas à accéder à un contenu ou à un service, dites-le nous : nous vous répondrons et vous proposerons une autre façon d’y accéder. Écrivez-nous à ${emailLink(contact.email)} ou appelez le ${phoneLink(contact.phone)}.`,
        ),
        '<h2>Voies de recours</h2>',
        paragraphs(
          'Si vous nous avez signalé un défaut d’accessibilité sans obtenir de réponse satisfaisante, vous pouvez écrire au Défenseur des droits : <a href="https://formulaire.defenseurdesdroits.fr/">formulaire en ligne</a>, ou par courrier gratuit, sans affranchissement : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.',
        ),
      ].join('');
    case 'contact':
      return [
        '<h2>Nous écrire</h2>',
        paragraphs(`Courriel : ${emailLink(contact.email)}`),
        '<h2>Nous appeler</h2>',
        paragraphs(`Téléphone : ${phoneLink(contact.phone)}`),
        '<h2>Nous trouver</h2>',
        paragraphs(shown(contact.address?.trim() ? contact.address : legal.address)),
      ].join('');
  }
}

/** A legal page's draft before anything is written: French title and text, from the details. */
export function legalPageTemplate(
  slug: LegalSlug,
  details: TemplateDetails,
): { title: string; html: string } {
  return { title: legalPageTitles[slug].fr, html: legalTemplateHtml(slug, details) };
}

// ---------------------------------------------------------------------------------------------
// Accessibility check

/** An element of sanitized HTML, enough to check it: names, a few attributes, text. */
interface Element {
  name: string;
  attributes: Map<string, string>;
  children: Node[];
}
type Node = Element | string;

const voidElements = new Set(['br', 'hr', 'img']);

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#')) {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? parseInt(entity.slice(2), 16)
          : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    const named: Record<string, string> = {
      amp: '&',
      lt: '<',
      gt: '>',
      quot: '"',
      apos: "'",
      nbsp: '\u00a0',
    };
    return Object.hasOwn(named, entity.toLowerCase()) ? (named[entity.toLowerCase()] ?? whole) : whole;
  });
}

/**
 * Reads HTML as the sanitizer writes it (tags with quoted attributes, text escaped) into a
 * tree. Lenient: a closing tag closes the nearest open element of its name and those inside it,
 * one with nothing of that name open is ignored; anything unreadable is text. Linear in the
 * input's length, however deep the nesting (no recursion).
 */
function parse(html: string): Element {
  const root: Element = { name: '#root', attributes: new Map(), children: [] };
  const open: Element[] = [root];
  const openCount = new Map<string, number>();
  const token =
    /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'<>]+))?)*)\s*\/?>|([^<]+|<)/g;
  const attribute = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"<]*)"|'([^'<]*)'|([^\s"'<>]+)))?/g;
  for (const match of html.matchAll(token)) {
    const current = open[open.length - 1] ?? root;
    const [, closing, rawName, rawAttributes, text] = match;
    if (text !== undefined) {
      current.children.push(decodeEntities(text));
      continue;
    }
    if (!rawName) continue;
    const name = rawName.toLowerCase();
    if (closing) {
      if (!openCount.get(name)) continue;
      while (open.length > 1) {
        const closed = open.pop() as Element;
        openCount.set(closed.name, (openCount.get(closed.name) ?? 1) - 1);
        if (closed.name === name) break;
      }
      continue;
    }
    const attributes = new Map<string, string>();
    for (const found of (rawAttributes ?? '').matchAll(attribute)) {
      const key = found[1]?.toLowerCase();
      if (key) attributes.set(key, decodeEntities(found[2] ?? found[3] ?? found[4] ?? ''));
    }
    const element: Element = { name, attributes, children: [] };
    current.children.push(element);
    if (!voidElements.has(name)) {
      open.push(element);
      openCount.set(name, (openCount.get(name) ?? 0) + 1);
    }
  }
  return root;
}

/** The elements under a node, in document order (depth first, without recursion). */
function elements(node: Element): Element[] {
  const found: Element[] = [];
  const pending: Node[] = [...node.children].reverse();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === 'string') continue;
    found.push(next);
    for (let index = next.children.length - 1; index >= 0; index--)
      pending.push(next.children[index] as Node);
  }
  return found;
}

/**
 * The start of the text a person (or a screen reader) gets from an element, its images' alt
 * included: enough to name it in a message (at most `length` characters, a bounded walk).
 */
function textStart(element: Element, length = 80): string {
  let text = '';
  let visits = 0;
  const pending: Node[] = [element];
  for (
    let next = pending.pop();
    next !== undefined && text.length < length && visits < 5_000;
    next = pending.pop()
  ) {
    visits += 1;
    if (typeof next === 'string') text += next;
    else if (next.name === 'img') text += next.attributes.get('alt') ?? '';
    else
      for (let index = next.children.length - 1; index >= 0; index--)
        pending.push(next.children[index] as Node);
  }
  return text;
}

const blank = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, '') === '';

/** A heading or link's text shortened for a message: « Nos paniers », « … ». */
function quoted(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  return words.length > 60 ? `${words.slice(0, 57)}…` : words;
}

/** The most problems one check reports. */
export const maxProblems = 50;

/**
 * What keeps a page from being read by everyone, each with what to do, in French and English:
 * an image without a text alternative, a heading level skipped (the page's title is the level 1
 * heading, so its text starts at level 2), an empty heading, a link without text, a table
 * without header cells. A page with problems cannot be published.
 */
export function accessibilityProblems(html: string): AccessibilityProblem[] {
  const all = elements(parse(html));
  // Whether each element has text (its own, its images' alt) and header cells, children first:
  // one pass, however deep the nesting.
  const hasText = new Set<Element>();
  const hasHeaderCell = new Set<Element>();
  for (let index = all.length - 1; index >= 0; index--) {
    const element = all[index] as Element;
    let text = element.name === 'img' && !blank(element.attributes.get('alt') ?? '');
    let header = element.name === 'th';
    for (const child of element.children) {
      if (typeof child === 'string') text ||= !blank(child);
      else {
        text ||= hasText.has(child);
        header ||= hasHeaderCell.has(child);
      }
    }
    if (text) hasText.add(element);
    if (header) hasHeaderCell.add(element);
  }

  const problems: AccessibilityProblem[] = [];
  let images = 0;
  let tables = 0;
  // The page's title is its level-1 heading.
  let previousLevel = 1;
  for (const element of all) {
    // Enough to work on: a page with more has its first ones fixed first.
    if (problems.length >= maxProblems) break;
    const heading = /^h([1-6])$/.exec(element.name);
    if (heading) {
      const level = Number(heading[1]);
      if (!hasText.has(element)) {
        problems.push({
          code: 'empty-heading',
          fr: `Un titre de niveau ${level} est vide : écrivez son texte ou supprimez-le.`,
          en: `A level ${level} heading is empty: write its text or remove it.`,
        });
      } else if (level > previousLevel + 1) {
        const text = quoted(textStart(element));
        problems.push({
          code: 'heading-skip',
          fr: `Le titre « ${text} » est de niveau ${level} après un titre de niveau ${previousLevel} : utilisez le niveau ${previousLevel + 1} (les niveaux se suivent sans saut).`,
          en: `The heading "${text}" is level ${level} after a level ${previousLevel} heading: use level ${previousLevel + 1} (levels follow each other without a gap).`,
        });
      }
      previousLevel = level;
    } else if (element.name === 'img') {
      images += 1;
      if (!hasText.has(element)) {
        problems.push({
          code: 'image-without-alt',
          fr: `L’image n° ${images} n’a pas de texte alternatif : décrivez ce qu’elle montre, pour les personnes qui ne la voient pas.`,
          en: `Image ${images} has no text alternative: describe what it shows, for people who cannot see it.`,
        });
      }
    } else if (element.name === 'a') {
      if (!hasText.has(element)) {
        const href = element.attributes.get('href') ?? '';
        problems.push({
          code: 'link-without-text',
          fr: `Un lien${href ? ` vers ${quoted(href)}` : ''} n’a pas de texte : écrivez ce qu’il ouvre.`,
          en: `A link${href ? ` to ${quoted(href)}` : ''} has no text: say where it leads.`,
        });
      }
    } else if (element.name === 'table') {
      tables += 1;
      if (!hasHeaderCell.has(element)) {
        problems.push({
          code: 'table-without-header',
          fr: `Le tableau n° ${tables} n’a pas de cellules d’en-tête : faites de sa première ligne ou colonne un en-tête.`,
          en: `Table ${tables} has no header cells: make its first row or column a header.`,
        });
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Publishers

/** Who publishes a page: one garden, or the network itself (its own pages, its own images). */
export type PagePublisher = { kind: 'garden'; gardenId: string } | { kind: 'network' };

/** Where the publisher's page images are served; a page shows no other image. */
export function pageImagesPath(publisher: PagePublisher): string {
  return publisher.kind === 'garden'
    ? `/api/gardens/${publisher.gardenId}/page-images/`
    : '/api/network/page-images/';
}
