import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  changesBetween,
  genesisHash,
  memberErasedAction,
  sealStaffAction,
  shortName,
  staffActionsCsv,
  staffActionToEntry,
  verifyChain,
  type StaffAction,
  type StaffActionDraft,
} from './staff-actions.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const claire = { id: 'u-claire', name: 'Claire M.', role: 'garden-admin' };

function chain(drafts: StaffActionDraft[]): StaffAction[] {
  const actions: StaffAction[] = [];
  for (const [index, draft] of drafts.entries()) {
    actions.push(
      sealStaffAction(
        draft,
        {
          gardenId: 'jardin-du-val',
          seq: index + 1,
          at: `2026-12-0${index + 1}T10:00:00.000Z`,
          previousHash: actions.at(-1)?.hash ?? genesisHash,
        },
        sha256,
      ),
    );
  }
  return actions;
}

const priceChange: StaffActionDraft = {
  action: 'pricing.updated',
  subject: { kind: 'price', id: 'pricing' },
  actor: claire,
  before: { basketPrices: { small: 1200, medium: 1450, large: 2300 }, version: 3 },
  after: { basketPrices: { small: 1200, medium: 1500, large: 2300 }, version: 4 },
};
const depotChange: StaffActionDraft = {
  action: 'depot.updated',
  subject: { kind: 'depot', id: 'd-centre' },
  actor: { id: 'u-paul', name: 'Paul R.', role: 'staff' },
  before: { name: 'Marché couvert', capacity: 25, version: 1 },
  after: { name: 'Marché couvert', capacity: 30, version: 2 },
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves undefined members out', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, 'x'], c: undefined, b: null } })).toBe(
      '{"a":{"b":null,"d":[1,null,"x"]},"b":1}',
    );
    expect(canonicalJson({ z: 'é', a: true })).toBe(canonicalJson({ a: true, z: 'é' }));
  });
});

describe('the chain', () => {
  it('seals each entry with the previous hash; the first follows 64 zeros', () => {
    const [first, second] = chain([priceChange, depotChange]);
    expect(first?.previousHash).toBe(genesisHash);
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.previousHash).toBe(first?.hash);
    expect(
      verifyChain(chain([priceChange, depotChange]), sha256, { seq: 2, hash: second?.hash ?? '' }),
    ).toEqual({
      ok: true,
      count: 2,
    });
  });

  it('does not depend on the order keys come back in', () => {
    const [sealed] = chain([priceChange]);
    if (!sealed) throw new Error('no entry');
    const reordered = JSON.parse(
      JSON.stringify({
        ...sealed,
        after: { version: 4, basketPrices: { large: 2300, medium: 1500, small: 1200 } },
      }),
    ) as StaffAction;
    expect(verifyChain([reordered], sha256, { seq: 1, hash: sealed.hash }).ok).toBe(true);
  });

  it('finds a changed value, a removed entry and a removed last entry', () => {
    const actions = chain([priceChange, depotChange, priceChange]);
    const tampered = actions.map((action) =>
      action.seq === 2 ? { ...action, after: { name: 'Marché couvert', capacity: 300, version: 2 } } : action,
    );
    const head = { seq: 3, hash: actions[2]?.hash ?? '' };
    expect(verifyChain(tampered, sha256, head)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'hash' },
    });

    const withoutSecond = actions.filter((action) => action.seq !== 2);
    expect(verifyChain(withoutSecond, sha256, head)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'missing' },
    });

    expect(verifyChain(actions.slice(0, 2), sha256, head)).toMatchObject({
      ok: false,
      break: { seq: 3, problem: 'missing' },
    });
  });

  it('finds entries without a head, and a head behind or past the last entry', () => {
    const actions = chain([priceChange, depotChange, priceChange]);
    expect(verifyChain([], sha256, null)).toEqual({ ok: true, count: 0 });
    expect(verifyChain(actions, sha256, null)).toMatchObject({
      ok: false,
      break: { seq: 3, problem: 'head', found: 'no head' },
    });
    expect(verifyChain(actions, sha256, { seq: 2, hash: actions[1]?.hash ?? '' })).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'head' },
    });
    expect(verifyChain(actions, sha256, { seq: 3, hash: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      break: { seq: 3, problem: 'head' },
    });
  });

  it('finds an entry whose hash was made again by hand: the next one no longer follows it', () => {
    const actions = chain([priceChange, depotChange, priceChange]);
    const resealed = sealStaffAction(
      { ...depotChange, after: { name: 'Marché couvert', capacity: 300, version: 2 } },
      { gardenId: 'jardin-du-val', seq: 2, at: actions[1]?.at ?? '', previousHash: actions[0]?.hash ?? '' },
      sha256,
    );
    const forged = [actions[0], resealed, actions[2]] as StaffAction[];
    expect(verifyChain(forged, sha256, { seq: 3, hash: actions[2]?.hash ?? '' })).toMatchObject({
      ok: false,
      break: { seq: 3, problem: 'previous-hash' },
    });
  });
});

describe('an erasure in the chain (RGPD article 17)', () => {
  const memberEdit: StaffActionDraft = {
    action: 'member.updated',
    subject: { kind: 'member', id: 'm-rose' },
    actor: claire,
    before: { firstName: 'Rose', lastName: 'Quenouille', version: 1 },
    after: { firstName: 'Rose', lastName: 'Quenouille-Martin', version: 2 },
  };
  const erased = (seqs: number[]): StaffActionDraft => ({
    action: memberErasedAction,
    subject: { kind: 'member', id: 'm-rose' },
    actor: claire,
    after: { reference: 'EFF-7K3Q2M', redactedSeqs: seqs },
  });
  const redact = (action: StaffAction, bySeq: number): StaffAction => ({
    ...action,
    before: { firstName: 'Adhérent effacé', lastName: 'EFF-7K3Q2M', version: 1 },
    after: { firstName: 'Adhérent effacé', lastName: 'EFF-7K3Q2M', version: 2 },
    redacted: { at: '2026-12-09T10:00:00.000Z', bySeq },
  });

  it('holds when an entry the erasure lists is redacted, the erasure itself being sealed after it', () => {
    const [price, edit, erasure] = chain([priceChange, memberEdit, erased([2])]);
    if (!price || !edit || !erasure) throw new Error('three entries');
    const actions = [price, redact(edit, 3), erasure];
    expect(verifyChain(actions, sha256, { seq: 3, hash: erasure.hash })).toEqual({ ok: true, count: 3 });
  });

  it('breaks when an entry is marked redacted without an erasure listing it, or by an earlier one', () => {
    const [price, edit, erasure] = chain([priceChange, memberEdit, erased([1])]);
    if (!price || !edit || !erasure) throw new Error('three entries');
    const head = { seq: 3, hash: erasure.hash };
    expect(verifyChain([price, redact(edit, 3), erasure], sha256, head)).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'hash' },
    });
    // A mark naming an entry that is no erasure, or one before the entry, proves nothing either.
    const [first, second] = chain([erased([2]), memberEdit]);
    if (!first || !second) throw new Error('two entries');
    expect(verifyChain([first, redact(second, 1)], sha256, { seq: 2, hash: second.hash })).toMatchObject({
      ok: false,
      break: { seq: 2, problem: 'hash' },
    });
  });
});

describe('in the garden’s words', () => {
  it('says which basket price changed, from what to what', () => {
    const [action] = chain([priceChange]);
    if (!action) throw new Error('no entry');
    const entry = staffActionToEntry(action);
    // Intl writes a no-break space (narrow or not, by ICU version) before the euro sign.
    expect(entry.text.fr.replace(/[\u00a0\u202f]/g, ' ')).toBe(
      'Prix du panier moyen modifié par Claire M. : 14,50 € → 15,00 €',
    );
    expect(entry.text.en).toBe('Medium basket price changed by Claire M.: €14.50 → €15.00');
    expect(entry).toMatchObject({
      id: 'action:1',
      kind: 'pricing.updated',
      category: 'change',
      actor: claire,
      source: { type: 'action', seq: 1 },
      changes: [
        {
          field: 'basketPrices.medium',
          label: { fr: 'Prix des paniers › Panier moyen', en: 'Basket prices › Medium basket' },
          before: 1450,
          after: 1500,
        },
      ],
    });
  });

  it('names the depot and the field', () => {
    const [action] = chain([depotChange]);
    if (!action) throw new Error('no entry');
    expect(staffActionToEntry(action).text.fr).toBe(
      'Point de dépôt modifié « Marché couvert » par Paul R. : Capacité 25 → 30',
    );
  });

  it('lists every field of a creation, and several changes without detail in the sentence', () => {
    expect(changesBetween(undefined, { name: 'Poireau', unit: 'kg', version: 1 })).toEqual([
      { field: 'name', label: { fr: 'Nom', en: 'Name' }, after: 'Poireau' },
      { field: 'unit', label: { fr: 'Unité', en: 'Unit' }, after: 'kg' },
    ]);
    const [action] = chain([
      { ...depotChange, after: { name: 'Marché couvert', capacity: 30, notes: 'Portail vert', version: 2 } },
    ]);
    if (!action) throw new Error('no entry');
    const entry = staffActionToEntry(action);
    expect(entry.text.fr).toBe('Point de dépôt modifié « Marché couvert » par Paul R.');
    expect(entry.changes?.map((change) => change.field)).toEqual(['capacity', 'notes']);
  });

  it('shortens a name to the first name and an initial', () => {
    expect(shortName({ name: 'Claire Martin', firstName: 'Claire', lastName: 'martin' })).toBe('Claire M.');
    expect(shortName({ name: 'cmartin' })).toBe('cmartin');
  });
});

describe('the log as CSV', () => {
  it('starts with a BOM, separates with semicolons and never lets a cell run as a formula', () => {
    const [action] = chain([{ ...depotChange, actor: { id: 'u-x', name: '=cmd|calc', role: 'staff' } }]);
    if (!action) throw new Error('no entry');
    const csv = staffActionsCsv(
      [{ ...action, origin: { ip: '203.0.113.7', userAgent: '@SUM(A1;A2)' } }],
      'fr',
    );
    expect(
      csv.startsWith(
        '\ufeffDate;N°;Action;Texte;Par;Rôle;Objet;Motif;Modifications;Adresse IP;Navigateur\r\n',
      ),
    ).toBe(true);
    const [, line] = csv.split('\r\n');
    const cells = line?.split(';') ?? [];
    expect(cells.slice(0, 3)).toEqual([action.at, '1', 'depot.updated']);
    expect(cells[4]).toBe("'=cmd|calc");
    expect(line?.endsWith(`;203.0.113.7;"'@SUM(A1;A2)"`)).toBe(true);
  });
});
