import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  ConsentEntry,
  consentState,
  keptUserAgent,
  newTermsEmail,
  staleTermsRefusal,
  termsToAccept,
  type ConsentEntry as Entry,
  type PublishedTermsVersion,
} from './consents.ts';

const at = (minute: number) => `2026-03-02T10:${String(minute).padStart(2, '0')}:00.000Z`;

const terms = (minute: number, cgv: number | null, confidentialite: number | null): Entry => ({
  kind: 'terms',
  memberId: 'm-1',
  at: at(minute),
  how: 'sign-up',
  terms: { cgv, confidentialite },
});

const optional = (minute: number, purpose: 'newsletter' | 'photos' | 'sms', given: boolean): Entry => ({
  kind: 'optional',
  memberId: 'm-1',
  at: at(minute),
  how: 'portal',
  purpose,
  given,
});

const versions = (...list: Array<[number, boolean]>): PublishedTermsVersion[] =>
  list.map(([version, substantial]) => ({ version, substantial, publishedAt: at(version) }));

describe('a member’s consent state', () => {
  it('is nothing at all before any entry', () => {
    expect(consentState([])).toEqual({
      terms: { cgv: null, confidentialite: null },
      optional: { newsletter: null, photos: null, sms: null },
    });
  });

  it('keeps the latest word per purpose, whatever order the entries come in', () => {
    const state = consentState([
      optional(5, 'newsletter', false),
      terms(1, 2, null),
      optional(3, 'newsletter', true),
      optional(4, 'sms', true),
      terms(6, 3, 1),
    ]);
    expect(state.terms).toEqual({
      cgv: { version: 3, acceptedAt: at(6) },
      confidentialite: { version: 1, acceptedAt: at(6) },
    });
    expect(state.optional).toEqual({
      newsletter: { given: false, at: at(5) },
      photos: null,
      sms: { given: true, at: at(4) },
    });
  });

  it('describes every entry with its schema, and refuses an unknown purpose', () => {
    expect(Value.Check(ConsentEntry, terms(1, null, null))).toBe(true);
    expect(Value.Check(ConsentEntry, optional(1, 'photos', true))).toBe(true);
    expect(Value.Check(ConsentEntry, { ...optional(1, 'photos', true), purpose: '__proto__' })).toBe(false);
  });
});

describe('terms to accept again', () => {
  const none = { cgv: [], confidentialite: [] };

  it('asks nothing while nothing is published', () => {
    expect(termsToAccept(consentState([]), none)).toEqual([]);
  });

  it('asks after a substantial version newer than the one accepted, not after a minor one', () => {
    const state = consentState([terms(1, 1, 1)]);
    expect(
      termsToAccept(state, { cgv: versions([1, true], [2, false]), confidentialite: versions([1, true]) }),
    ).toEqual([]);
    expect(
      termsToAccept(state, {
        cgv: versions([1, true], [2, true], [3, false]),
        confidentialite: versions([1, true]),
      }),
    ).toEqual([{ document: 'cgv', version: 3, acceptedVersion: 1 }]);
  });

  it('asks a member who accepted only the rules summary, or nothing, once a substantial version exists', () => {
    expect(
      termsToAccept(consentState([terms(1, null, null)]), { cgv: versions([1, true]), confidentialite: [] }),
    ).toEqual([{ document: 'cgv', version: 1, acceptedVersion: null }]);
    expect(termsToAccept(consentState([]), { cgv: [], confidentialite: versions([1, true]) })).toEqual([
      { document: 'confidentialite', version: 1, acceptedVersion: null },
    ]);
    expect(termsToAccept(consentState([]), { cgv: versions([1, false]), confidentialite: [] })).toEqual([]);
  });

  it('is cleared by accepting the latest versions', () => {
    const published = { cgv: versions([1, true], [2, true]), confidentialite: versions([1, true]) };
    expect(termsToAccept(consentState([terms(1, 1, 1), terms(2, 2, 1)]), published)).toEqual([]);
  });
});

describe('stale terms', () => {
  it('takes the latest versions, null only while nothing is published', () => {
    expect(
      staleTermsRefusal({ cgv: 2, confidentialite: null }, { cgv: 2, confidentialite: null }),
    ).toBeUndefined();
    expect(staleTermsRefusal({}, { cgv: null, confidentialite: null })).toBeUndefined();
  });

  it('refuses an older version, or none where one is published, naming the document', () => {
    const refusal = staleTermsRefusal({ cgv: 1, confidentialite: 1 }, { cgv: 2, confidentialite: 1 });
    expect(refusal?.fr).toContain('conditions générales de vente');
    expect(refusal?.en).toContain('terms and conditions of sale');
    expect(refusal?.fr).not.toContain('confidentialité');
    expect(staleTermsRefusal({}, { cgv: null, confidentialite: 3 })?.en).toContain('privacy policy');
  });
});

describe('the user agent kept', () => {
  it('is cut to 200 characters, whole characters only', () => {
    expect(keptUserAgent(undefined)).toBeUndefined();
    expect(keptUserAgent('Firefox')).toBe('Firefox');
    expect([...(keptUserAgent('é'.repeat(150) + '🍅'.repeat(100)) ?? '')]).toHaveLength(200);
  });
});

describe('the email about a new version', () => {
  const input = {
    document: 'cgv' as const,
    version: 3,
    memberFirstName: '<b>Léa</b>',
    gardenName: 'Jardin du Val',
    acceptUrl: 'https://example.org/adherent/conditions',
  };

  it('says what changed in the member’s language, with the link, names escaped in the HTML', () => {
    const fr = newTermsEmail(input, 'fr');
    expect(fr.subject).toBe('Jardin du Val : nouvelle version des conditions générales de vente');
    expect(fr.text).toContain('version 3');
    expect(fr.text).toContain(input.acceptUrl);
    expect(fr.html).toContain('&lt;b&gt;Léa&lt;/b&gt;');
    expect(fr.html).not.toContain('<b>');
    expect(newTermsEmail(input, 'en').subject).toBe(
      'Jardin du Val: new version of the terms and conditions of sale',
    );
  });
});
