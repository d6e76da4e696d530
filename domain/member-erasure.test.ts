import { describe, expect, it } from 'vitest';
import type { Member } from './member.ts';
import {
  blockersRefusal,
  erasedMember,
  erasureBlockers,
  erasureReference,
  memberIdentifiers,
  mentionsAny,
  scrubIdentifiers,
} from './member-erasure.ts';

const rose: Member = {
  id: 'm-rose',
  gardenId: 'jardin-du-val',
  firstName: 'Rose',
  lastName: 'Quenouille',
  email: 'rose.q@example.org',
  phone: '+33612345678',
  address: { street: '4 impasse des Saules', postalCode: '25000', city: 'Besançon' },
  location: { lat: 47.2, lng: 6.0 },
  householdSize: 3,
  notes: 'Préfère être appelée le soir',
  accessNotes: 'Code 4521B, derrière la grange',
  contactPreferences: { email: true, sms: true },
  language: 'fr',
  termsAcceptedAt: '2026-01-02T10:00:00.000Z',
  createdAt: '2026-01-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  version: 4,
};

describe("a member's erasure", () => {
  it('is blocked by an amount still due or a subscription still running, not by what is settled', () => {
    const invoices = [
      { number: 1, total: 1500, payments: [{ amount: 1500 }], status: 'paid' as const },
      { number: 2, total: 1500, payments: [{ amount: 500 }], status: 'open' as const },
      { number: 3, total: 1500, payments: [], status: 'written-off' as const },
    ] as Parameters<typeof erasureBlockers>[0];
    const subscriptions = [
      { id: 's-old', status: 'ended' as const },
      { id: 's-now', status: 'paused' as const },
      { id: 's-no', status: 'rejected' as const },
    ];
    const blockers = erasureBlockers(invoices, subscriptions);
    expect(blockers).toEqual({ unpaidInvoices: [2], runningSubscriptions: ['s-now'] });
    expect(blockersRefusal(blockers)?.fr).toContain(
      'une facture reste à payer et un abonnement est en cours',
    );
    expect(blockersRefusal(erasureBlockers([], []))).toBeUndefined();
  });

  it('makes a reference from the unambiguous letters only', () => {
    const reference = erasureReference(new Uint8Array([0, 1, 30, 31, 255, 128, 7]));
    expect(reference).toMatch(/^EFF-[2-9A-HJKMNP-Z]{6}$/);
    expect(reference).toBe(erasureReference(new Uint8Array([0, 1, 30, 31, 255, 128])));
  });

  it('keeps of the record only what answers for the invoices', () => {
    const erased = erasedMember(rose, 'EFF-7K3Q2M', '2026-12-09T10:00:00.000Z');
    expect(erased).toEqual({
      id: 'm-rose',
      gardenId: 'jardin-du-val',
      firstName: 'Adhérent effacé',
      lastName: 'EFF-7K3Q2M',
      contactPreferences: { email: false, sms: false },
      createdAt: rose.createdAt,
      updatedAt: '2026-12-09T10:00:00.000Z',
      version: 5,
    });
    expect(mentionsAny(erased, memberIdentifiers(rose))).toBe(false);
  });

  it('finds the member wherever they were copied, whatever the case, and only them', () => {
    const identifiers = memberIdentifiers(rose);
    expect(identifiers).not.toContain('Rose');
    const round = {
      stops: [
        { name: 'ROSE QUENOUILLE', address: { street: '4 impasse des Saules', city: 'Besançon' } },
        { name: 'Rose Martin', note: 'appeler au 06 12 34 56 78' },
      ],
      memberEmail: 'Rose.Q@example.org',
    };
    const { value, changed } = scrubIdentifiers(round, identifiers, 'EFF-7K3Q2M');
    expect(changed).toBe(true);
    expect(value).toEqual({
      stops: [
        { name: 'EFF-7K3Q2M', address: { street: 'EFF-7K3Q2M', city: 'Besançon' } },
        { name: 'Rose Martin', note: 'appeler au EFF-7K3Q2M' },
      ],
      memberEmail: 'EFF-7K3Q2M',
    });
    expect(mentionsAny(value, identifiers)).toBe(false);
    expect(scrubIdentifiers({ name: 'Paul' }, identifiers, 'x')).toEqual({
      value: { name: 'Paul' },
      changed: false,
    });
    // What DynamoDB's client gives as a binary or a set is kept whole, never flattened to {}.
    const kept = scrubIdentifiers(
      { tags: new Set(['a', 'b']), raw: new Uint8Array([1, 2]) },
      identifiers,
      'x',
    ).value as { tags: Set<string>; raw: Uint8Array };
    expect([...kept.tags]).toEqual(['a', 'b']);
    expect([...kept.raw]).toEqual([1, 2]);
  });

  it('takes identifiers as text, never as patterns, and keeps keys such as __proto__ as data', () => {
    const { email: _email, phone: _phone, address: _address, ...rest } = rose;
    const odd: Member = { ...rest, lastName: 'O.(Brien)*' };
    const identifiers = memberIdentifiers(odd);
    expect(scrubIdentifiers('Mme O.(Brien)* et OX(Brien)', identifiers, 'R').value).toBe(
      'Mme R et OX(Brien)',
    );
    const hostile = JSON.parse('{"__proto__": {"name": "O.(Brien)*"}}') as unknown;
    const { value } = scrubIdentifiers(hostile, identifiers, 'R');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"name":"R"}}');
  });
});
