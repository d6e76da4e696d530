import { fieldLabels } from '../field-labels.ts';
import type { Localized } from '../locale.ts';
import { formatEuros, type Cents } from '../money.ts';
import type {
  JournalActor,
  JournalCategory,
  JournalChange,
  JournalEntry,
  JournalSubjectKind,
} from './journal-entry.ts';

/**
 * The staff action log: every change staff make outside a workflow (prices, depots, calendar,
 * products, accounts and roles, extensions, settings), one entry per change, each sealed with
 * the hash of the previous entry of the same garden so that an entry changed or removed in the
 * table afterwards is found by re-computing the chain (`adapters/store/action-log.ts`).
 */

/** What a route knows of a change when it records it. */
export interface StaffActionDraft {
  /** 'depot.updated', 'pricing.updated', 'garden.opened'… (see `actionLabels`). */
  action: string;
  subject: { kind: JournalSubjectKind; id: string };
  actor: JournalActor;
  /** Free text the person typed, when the action asks for one. */
  reason?: string;
  /** JSON values; absent on the side of a creation or a deletion. */
  before?: unknown;
  after?: unknown;
}

/** An entry of the log, as stored: the draft, its place in the garden's chain, and its seal. */
export interface StaffAction extends StaffActionDraft {
  gardenId: string;
  /** 1, 2, 3… without a gap, per garden. */
  seq: number;
  /** ISO instant. */
  at: string;
  /** The previous entry's hash; `genesisHash` for the first. */
  previousHash: string;
  /** `sha256(previousHash + canonicalJson(the entry without hash))`, hex. */
  hash: string;
  /**
   * Set when a member's erasure (RGPD article 17) took their personal data out of the entry:
   * its hash is then the one it was sealed with, no longer what its fields give. The erasure's
   * own entry (`bySeq`, action `member.erased`) lists this seq, so the chain still shows an
   * entry changed by anyone else (outside the hash, like the origin).
   */
  redacted?: { at: string; bySeq: number };
}

/** The action of the entry that records a member's erasure, and lists the entries it redacted. */
export const memberErasedAction = 'member.erased';

/** What a `member.erased` entry keeps: no name, only the reference and the entries redacted. */
export interface MemberErasedRecord {
  reference: string;
  redactedSeqs: number[];
}

/** The seqs each `member.erased` entry of a chain lists, by the entry's seq. */
function redactionsListed(actions: readonly StaffAction[]): Map<number, ReadonlySet<number>> {
  const listed = new Map<number, ReadonlySet<number>>();
  for (const action of actions) {
    if (action.action !== memberErasedAction) continue;
    const seqs = (action.after as Partial<MemberErasedRecord> | undefined)?.redactedSeqs;
    listed.set(action.seq, new Set(Array.isArray(seqs) ? seqs.filter((seq) => typeof seq === 'number') : []));
  }
  return listed;
}

/** Where the request came from: kept beside the entry for a limited time, outside the hash. */
export interface RequestOrigin {
  ip: string;
  userAgent: string;
}

/**
 * The chain of the network's own actions (its pages, its legal details), beside the gardens':
 * upper case, so no garden id (lower case, `domain/ids.ts`) can be it.
 */
export const networkActionChain = 'NETWORK';

/** The previous hash of a garden's first entry. */
export const genesisHash = '0'.repeat(64);

/** SHA-256 of a UTF-8 text, as 64 lowercase hex digits (domain/ has no crypto: the caller gives it). */
export type Sha256Hex = (text: string) => string;

/**
 * JSON with object keys sorted and `undefined` members left out, so that the same value always
 * gives the same text whatever order its keys were written or read back in (DynamoDB gives
 * maps back in any order). Inside arrays, `undefined` is `null`, as JSON.stringify writes it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const members = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined && typeof member !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
  return `{${members.join(',')}}`;
}

/** The fields an entry's hash covers, in a fixed form (no storage keys, no origin). */
export function sealedFields(action: Omit<StaffAction, 'hash'> | StaffAction): Omit<StaffAction, 'hash'> {
  return {
    gardenId: action.gardenId,
    seq: action.seq,
    at: action.at,
    previousHash: action.previousHash,
    action: action.action,
    subject: { kind: action.subject.kind, id: action.subject.id },
    actor: action.actor,
    ...(action.reason !== undefined ? { reason: action.reason } : {}),
    ...(action.before !== undefined ? { before: action.before } : {}),
    ...(action.after !== undefined ? { after: action.after } : {}),
  };
}

/** The hash an entry must carry. */
export function staffActionHash(action: Omit<StaffAction, 'hash'> | StaffAction, sha256: Sha256Hex): string {
  return sha256(action.previousHash + canonicalJson(sealedFields(action)));
}

/** The entry a draft makes at its place in the chain, sealed. */
export function sealStaffAction(
  draft: StaffActionDraft,
  place: { gardenId: string; seq: number; at: string; previousHash: string },
  sha256: Sha256Hex,
): StaffAction {
  const unsealed = sealedFields({ ...draft, ...place });
  return { ...unsealed, hash: staffActionHash(unsealed, sha256) };
}

/** The first place where a chain does not hold. */
export type ChainBreak =
  | { seq: number; problem: 'hash'; expected: string; found: string }
  | { seq: number; problem: 'previous-hash'; expected: string; found: string }
  | { seq: number; problem: 'missing'; expected: string; found: string }
  | { seq: number; problem: 'head'; expected: string; found: string }
  | { seq: number; problem: 'index'; expected: string; found: string };

/** The head of a chain as stored: the seq and hash of its last entry. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Checks entries read in order of `seq`: each one's seq follows the previous one's, its
 * `previousHash` is the previous one's hash, and its own hash is what its fields give. The
 * head (`null` when there is none) must name the last entry: entries without a head, or a head
 * past the last entry, are a break. The first break is reported.
 */
export function verifyChain(
  actions: readonly StaffAction[],
  sha256: Sha256Hex,
  head: ChainHead | null,
): { ok: true; count: number } | { ok: false; count: number; break: ChainBreak } {
  const broken = (chainBreak: ChainBreak) => ({
    ok: false as const,
    count: actions.length,
    break: chainBreak,
  });
  let previousHash = genesisHash;
  let expectedSeq = 1;
  const listed = redactionsListed(actions);
  for (const action of actions) {
    if (action.seq !== expectedSeq) {
      return broken({
        seq: expectedSeq,
        problem: 'missing',
        expected: `seq ${expectedSeq}`,
        found: `seq ${action.seq}`,
      });
    }
    if (action.previousHash !== previousHash) {
      return broken({
        seq: action.seq,
        problem: 'previous-hash',
        expected: previousHash,
        found: action.previousHash,
      });
    }
    let computed: string;
    try {
      computed = staffActionHash(action, sha256);
    } catch {
      // A field the hash covers removed or reshaped by hand (its subject, say).
      computed = 'no hash: the entry lacks fields it was sealed with';
    }
    // Redacted by an erasure that the chain itself records, later: the seal stands as it was.
    const redactedByErasure =
      action.redacted !== undefined &&
      action.redacted.bySeq > action.seq &&
      (listed.get(action.redacted.bySeq)?.has(action.seq) ?? false);
    if (computed !== action.hash && !redactedByErasure) {
      return broken({ seq: action.seq, problem: 'hash', expected: computed, found: action.hash });
    }
    previousHash = action.hash;
    expectedSeq++;
  }
  const lastSeq = expectedSeq - 1;
  if (!head) {
    // No head: right for an empty log only. Entries without one had their head deleted.
    if (lastSeq === 0) return { ok: true, count: 0 };
    return broken({
      seq: lastSeq,
      problem: 'head',
      expected: `a head naming seq ${lastSeq}, ${previousHash}`,
      found: 'no head',
    });
  }
  if (head.seq !== lastSeq || head.hash !== previousHash) {
    // Entries after the last one read were removed (or the head was moved by hand).
    const missing = head.seq > lastSeq;
    return broken({
      seq: missing ? expectedSeq : head.seq,
      problem: missing ? 'missing' : 'head',
      expected: `seq ${head.seq}, ${head.hash}`,
      found: `seq ${lastSeq}, ${previousHash}`,
    });
  }
  return { ok: true, count: actions.length };
}

// ---- In the garden's words ---------------------------------------------------------------

/** What each action is called; the sentence adds « par <actor> ». */
export const actionLabels: Readonly<Record<string, Localized & { category?: JournalCategory }>> = {
  'depot.created': { fr: 'Point de dépôt créé', en: 'Pick-up point created' },
  'depot.updated': { fr: 'Point de dépôt modifié', en: 'Pick-up point changed' },
  'member.created': { fr: 'Adhérent inscrit', en: 'Member registered' },
  'member.updated': { fr: 'Fiche adhérent modifiée', en: "Member's details changed" },
  'member.located': { fr: 'Domicile placé sur la carte', en: 'Home placed on the map' },
  'member.erasure-requested': {
    fr: 'Effacement des données demandé pour l’adhérent (RGPD, article 17)',
    en: "Erasure of the member's data asked for (GDPR article 17)",
  },
  'member.erased': {
    fr: 'Données de l’adhérent effacées (RGPD, article 17)',
    en: "Member's data erased (GDPR article 17)",
  },
  'member.tier-given': { fr: 'Tarif solidaire accordé', en: 'Solidarity tier given' },
  'member.tier-removed': { fr: 'Tarif solidaire retiré', en: 'Solidarity tier taken back' },
  'product.created': { fr: 'Produit ajouté au catalogue', en: 'Product added to the catalogue' },
  'product.updated': { fr: 'Produit modifié', en: 'Product changed' },
  'pricing.updated': { fr: 'Prix et facturation modifiés', en: 'Prices and billing changed' },
  'rules.updated': { fr: 'Règles des abonnements modifiées', en: 'Subscription rules changed' },
  'calendar.updated': { fr: 'Calendrier des livraisons modifié', en: 'Delivery calendar changed' },
  'calendar.week-closed': { fr: 'Semaine fermée', en: 'Week closed' },
  'calendar.week-reopened': { fr: 'Semaine rouverte', en: 'Week reopened' },
  'contact.updated': { fr: 'Coordonnées du jardin modifiées', en: "Garden's contact details changed" },
  'legal-details.updated': {
    fr: 'Mentions légales du jardin modifiées',
    en: "Garden's legal details changed",
  },
  'network-legal-details.updated': {
    fr: 'Mentions légales du réseau modifiées',
    en: "Network's legal details changed",
  },
  'page.published': { fr: 'Page publiée', en: 'Page published' },
  'page-image.deleted': {
    fr: 'Image des pages supprimée définitivement',
    en: 'Image of the pages deleted for good',
  },
  'fleet.updated': { fr: 'Véhicules et tournées modifiés', en: 'Vehicles and rounds changed' },
  'fleet.circuit-key-set': { fr: 'Clé Circuit enregistrée', en: 'Circuit key saved' },
  'fleet.circuit-key-removed': { fr: 'Clé Circuit retirée', en: 'Circuit key removed' },
  'account.invited': { fr: 'Compte invité', en: 'Account invited', category: 'access' },
  'account.role-changed': { fr: 'Rôle du compte modifié', en: 'Account role changed', category: 'access' },
  'account.disabled': { fr: 'Compte désactivé', en: 'Account disabled', category: 'access' },
  'account.enabled': { fr: 'Compte réactivé', en: 'Account enabled', category: 'access' },
  'account.change-failed': {
    fr: 'Changement de compte non fait (l’annuaire des comptes l’a refusé ou n’a pas répondu), demandé',
    en: 'Account change not made (the accounts directory refused it or did not answer), asked',
    category: 'access',
  },
  'extension.activated': { fr: 'Extension activée', en: 'Extension activated' },
  'extension.deactivated': { fr: 'Extension désactivée', en: 'Extension deactivated' },
  'extension.settings-updated': { fr: 'Réglages de l’extension modifiés', en: 'Extension settings changed' },
  'extension.golden-case-saved': { fr: 'Cas de référence enregistré', en: 'Golden case saved' },
  'extension.golden-case-deleted': { fr: 'Cas de référence supprimé', en: 'Golden case deleted' },
  'garden.opened': {
    fr: 'Données du jardin ouvertes par l’administration du réseau',
    en: "Garden's data opened by the network administration",
    category: 'access',
  },
};

/** Fields that change with every write and say nothing to a person. */
const unshownFields = new Set(['version', 'updatedAt', 'gardenId', 'id']);

/** Paths (dotted, array items as `[]`) whose values are cents, shown as euros. */
const moneyPaths = [/^basketPrices\.\w+$/, /^membershipFee$/, /^solidarityTiers(\.\d+)?\.prices\.\w+$/];

function labelOf(path: string): Localized {
  const names = path.split('.').filter((name) => !/^\d+$/.test(name));
  const labels = names.map((name) => fieldLabels[name] ?? { fr: name, en: name });
  return {
    fr: labels.map((label) => label.fr).join(' › '),
    en: labels.map((label) => label.en).join(' › '),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields that differ between two values, as leaves of their objects (`basketPrices.medium`);
 * arrays and anything else are compared whole. Bookkeeping fields (version, updatedAt) are left out.
 */
export function changesBetween(before: unknown, after: unknown, path = ''): JournalChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return names
      .filter((name) => !(path === '' && unshownFields.has(name)))
      .flatMap((name) => changesBetween(before[name], after[name], path ? `${path}.${name}` : name));
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  if (path === '') {
    // A creation or a deletion: each field of the side that exists.
    const side = isPlainObject(after) ? after : isPlainObject(before) ? before : undefined;
    if (side) {
      return Object.keys(side)
        .filter((name) => !unshownFields.has(name))
        .sort()
        .flatMap((name) =>
          changesBetween(
            isPlainObject(before) ? before[name] : undefined,
            isPlainObject(after) ? after[name] : undefined,
            name,
          ),
        );
    }
  }
  return [
    {
      field: path,
      label: labelOf(path),
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    },
  ];
}

/** A value as a person reads it in a sentence. */
function shown(value: unknown, path: string, locale: 'fr' | 'en'): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number' && moneyPaths.some((pattern) => pattern.test(path))) {
    return formatEuros(value as Cents, locale);
  }
  if (typeof value === 'boolean') return locale === 'fr' ? (value ? 'oui' : 'non') : value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return canonicalJson(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function nameOf(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const name = value.name ?? value.label ?? value.email;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

/**
 * The sentence of one action, e.g. « Prix du panier moyen modifié par Claire M. : 14,50 € → 15,00 € »,
 * « Point de dépôt « Marché couvert » modifié par Paul R. : Capacité 25 → 30 ».
 */
export function staffActionText(action: StaffActionDraft, changes: readonly JournalChange[]): Localized {
  const label = actionLabels[action.action] ?? {
    fr: `Action « ${action.action} »`,
    en: `Action "${action.action}"`,
  };
  const name = nameOf(action.after) ?? nameOf(action.before);
  const edit = action.before !== undefined && action.after !== undefined;
  const scalar = (value: unknown) => value === undefined || value === null || typeof value !== 'object';
  // One field changed from one plain value to another: the sentence says it.
  const single =
    edit && changes.length === 1 && scalar(changes[0]?.before) && scalar(changes[0]?.after)
      ? changes[0]
      : undefined;
  const sentence = (locale: 'fr' | 'en') => {
    let head = `${label[locale]}${name ? (locale === 'fr' ? ` « ${name} »` : ` "${name}"`) : ''}`;
    let field = single ? `${single.label[locale]} ` : '';
    if (single?.field.startsWith('basketPrices.')) {
      // The one price a garden changes most: said as people say it.
      const size = single.label[locale].split(' › ').pop() ?? '';
      head = locale === 'fr' ? `Prix du ${lowerFirst(size)} modifié` : `${size} price changed`;
      field = '';
    }
    const by = locale === 'fr' ? `par ${action.actor.name}` : `by ${action.actor.name}`;
    const detail = single
      ? `${locale === 'fr' ? ' : ' : ': '}${field}${shown(single.before, single.field, locale)} → ${shown(single.after, single.field, locale)}`
      : '';
    return `${head} ${by}${detail}`;
  };
  return { fr: sentence('fr'), en: sentence('en') };
}

/** An entry of the log as a line of the journals (`action:<seq>`). */
export function staffActionToEntry(action: StaffAction): JournalEntry {
  const changes = changesBetween(action.before, action.after);
  return {
    id: `action:${action.seq}`,
    at: action.at,
    kind: action.action,
    category: actionLabels[action.action]?.category ?? 'change',
    text: staffActionText(action, changes),
    actor: action.actor,
    ...(action.reason !== undefined ? { reason: action.reason } : {}),
    ...(changes.length > 0 ? { changes } : {}),
    source: { type: 'action', seq: action.seq },
  };
}

/** How a person's name shows in the log: « Claire M. » (first name, initial of the last). */
export function shortName(person: {
  name: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
}): string {
  const first = person.firstName?.trim();
  const last = person.lastName?.trim();
  if (first && last) return `${first} ${last.charAt(0).toUpperCase()}.`;
  return person.name;
}

/** A cell a person may have typed, safe in a spreadsheet: never run as a formula, quoted when needed. */
function csvCell(text: string): string {
  const value = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The log as CSV for a spreadsheet (UTF-8 with a byte order mark, semicolons, CRLF), one line
 * per entry, in the caller's language. Every cell that holds what a person typed (names, values,
 * user agents) is made safe from running as a formula.
 */
export function staffActionsCsv(
  actions: ReadonlyArray<StaffAction & { origin?: RequestOrigin }>,
  locale: 'fr' | 'en',
): string {
  const headers =
    locale === 'fr'
      ? [
          'Date',
          'N°',
          'Action',
          'Texte',
          'Par',
          'Rôle',
          'Objet',
          'Motif',
          'Modifications',
          'Adresse IP',
          'Navigateur',
        ]
      : [
          'Date',
          'No.',
          'Action',
          'Text',
          'By',
          'Role',
          'Subject',
          'Reason',
          'Changes',
          'IP address',
          'User agent',
        ];
  const lines = actions.map((action) => {
    const entry = staffActionToEntry(action);
    const changes = (entry.changes ?? [])
      .map(
        (change) =>
          `${change.label[locale]} : ${shown(change.before, change.field, locale)} → ${shown(change.after, change.field, locale)}`,
      )
      .join(' | ');
    return [
      action.at,
      String(action.seq),
      action.action,
      entry.text[locale],
      action.actor.name,
      action.actor.role ?? '',
      `${action.subject.kind}/${action.subject.id}`,
      action.reason ?? '',
      changes,
      action.origin?.ip ?? '',
      action.origin?.userAgent ?? '',
    ]
      .map(csvCell)
      .join(';');
  });
  return `\ufeff${[headers.join(';'), ...lines].join('\r\n')}\r\n`;
}
