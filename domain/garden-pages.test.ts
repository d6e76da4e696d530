import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  accessibilityProblems,
  comparePages,
  defaultLegalDetails,
  imageBytesMatch,
  isPageSlug,
  legalPageTemplate,
  legalSlugs,
  normalizeLegalDetails,
  PageSlug,
  siretChecks,
  toComplete,
  type LegalDetailsInput,
  type TemplateDetails,
} from './garden-pages.ts';
import { sanitizePageHtml } from './page-html.ts';

const details: LegalDetailsInput = {
  legalName: 'Association Les Jardins du Val',
  legalForm: 'Association loi 1901',
  siret: '123 456 789 00015',
  address: '2 chemin des Vergers\n25220 Chalezeule',
  publicationDirector: 'Marie Curie',
  host: {
    name: 'Amazon Web Services EMEA SARL',
    address: '38 avenue John F. Kennedy, L-1855 Luxembourg',
    contact: '+352 2789 0057',
  },
};

describe('page slugs', () => {
  it('takes lowercase words joined by single dashes, 1 to 60 characters', () => {
    for (const slug of ['cgv', 'nos-paniers', 'ou-nous-trouver-2', 'a', 'x'.repeat(60)]) {
      expect(isPageSlug(slug), slug).toBe(true);
      expect(Value.Check(PageSlug, slug), slug).toBe(true);
    }
  });

  it('refuses what an object inherits, capitals, accents, doubled or outer dashes, and length', () => {
    for (const slug of [
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'Nos-paniers',
      'légumes',
      'nos--paniers',
      '-cgv',
      'cgv-',
      '',
      'x'.repeat(61),
      'a/b',
      '..',
    ]) {
      expect(isPageSlug(slug), slug).toBe(false);
      expect(Value.Check(PageSlug, slug), slug).toBe(false);
    }
  });
});

describe('SIRET', () => {
  it('checks the Luhn key', () => {
    expect(siretChecks('12345678900015')).toBe(true);
    expect(siretChecks('73221085300014')).toBe(true);
    expect(siretChecks('12345678900012')).toBe(false);
    expect(siretChecks('1234567890001')).toBe(false);
    expect(siretChecks('1234567890001a')).toBe(false);
  });

  it("follows La Poste's own rule for its establishments (sum of digits a multiple of 5)", () => {
    expect(siretChecks('35600000000048')).toBe(true);
    expect(siretChecks('35600000000010')).toBe(true);
    expect(siretChecks('35600000000011')).toBe(false);
  });

  it('keeps the details trimmed, the SIRET without spaces; refuses a wrong key on its field', () => {
    const kept = normalizeLegalDetails({ ...details, legalName: '  Association Les Jardins du Val ' });
    expect(kept).toEqual({
      ok: true,
      value: { ...details, siret: '12345678900015', legalName: 'Association Les Jardins du Val' },
    });
    const refused = normalizeLegalDetails({ ...details, siret: '123 456 789 00012' });
    expect(refused).toMatchObject({
      ok: false,
      field: 'siret',
      message: { fr: expect.stringContaining('SIRET') },
    });
  });

  it('starts from what the garden registered for its invoices, never their placeholder SIRET', () => {
    expect(defaultLegalDetails({ name: 'Jardin', address: '1 rue', siret: '00000000000000' })).toMatchObject({
      legalName: 'Jardin',
      address: '1 rue',
      siret: '',
      version: 0,
    });
    expect(defaultLegalDetails(undefined).legalName).toBe('');
  });
});

describe('legal page templates', () => {
  const filled: TemplateDetails = {
    legal: { ...details, siret: '12345678900015' },
    contact: { email: 'accueil@jardin.example.org', phone: '+33381123456' },
  };
  const empty: TemplateDetails = {
    legal: defaultLegalDetails(undefined),
    contact: { email: '' },
  };

  it('names the publisher, its director, its host and how to reach it', () => {
    const { title, html } = legalPageTemplate('mentions-legales', filled);
    expect(title).toBe('Mentions légales');
    for (const text of [
      'Association Les Jardins du Val',
      'Association loi 1901',
      '123 456 789 00015',
      '2 chemin des Vergers, 25220 Chalezeule',
      'Marie Curie',
      'Amazon Web Services EMEA SARL',
      '<a href="mailto:accueil@jardin.example.org">accueil@jardin.example.org</a>',
      '<a href="tel:+33381123456">03 81 12 34 56</a>',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain(toComplete);
  });

  it('shows « [à compléter] » where a detail is missing', () => {
    const { html } = legalPageTemplate('mentions-legales', empty);
    expect(html.split(toComplete).length - 1).toBeGreaterThanOrEqual(6);
  });

  it('escapes what the garden typed', () => {
    const { html } = legalPageTemplate('mentions-legales', {
      ...filled,
      legal: {
        ...filled.legal,
        legalName: '<img src=x onerror=alert(1)>',
        publicationDirector: '"><script>',
      },
    });
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
  });

  it('states the site’s accessibility: its conformance, what is checked, what is not accessible, how to report a problem', () => {
    const { title, html } = legalPageTemplate('accessibilite', filled);
    expect(title).toBe('Déclaration d’accessibilité');
    for (const text of [
      'partiellement conforme',
      'WCAG 2.1, niveau AA',
      '<h2>Contenus non accessibles</h2>',
      'Les cartes',
      'Les documents PDF',
      '<a href="mailto:accueil@jardin.example.org">accueil@jardin.example.org</a>',
      '<a href="tel:+33381123456">03 81 12 34 56</a>',
      'Défenseur des droits',
    ]) {
      expect(html).toContain(text);
    }
    // Only what the garden alone knows is left to complete: its other contents.
    expect(html.split(toComplete).length - 1).toBe(1);
  });

  it('gives every legal page a template that is accessible and keeps its structure through the sanitizer', () => {
    const sanitize = (html: string) => sanitizePageHtml(html, { imagePath: '/api/gardens/val/page-images/' });
    const tags = (html: string) => [...html.matchAll(/<([a-z0-9]+)/g)].map((match) => match[1]);
    for (const slug of legalSlugs) {
      for (const source of [filled, empty]) {
        const { html } = legalPageTemplate(slug, source);
        expect(accessibilityProblems(html), slug).toEqual([]);
        const sanitized = sanitize(html);
        expect(tags(sanitized), slug).toEqual(tags(html));
        expect(sanitize(sanitized), slug).toBe(sanitized);
      }
    }
  });
});

describe('the accessibility check', () => {
  const codes = (html: string) => accessibilityProblems(html).map((problem) => problem.code);

  it('finds nothing wrong in a well-made page', () => {
    expect(
      codes(
        '<h2>Nos paniers</h2><p>Texte <a href="/contact">écrivez-nous</a></p><h3>Petit</h3><h3>Grand</h3>' +
          '<h2>Photos</h2><figure class="image"><img src="/x" alt="Des carottes"></figure>' +
          '<a href="/accueil"><img src="/logo" alt="Accueil"></a>' +
          '<figure class="table"><table><thead><tr><th>Taille</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></figure>',
      ),
    ).toEqual([]);
  });

  it('finds images without a text alternative, missing or blank', () => {
    expect(codes('<p><img src="/a"><img src="/b" alt=""><img src="/c" alt=" &nbsp; "></p>')).toEqual([
      'image-without-alt',
      'image-without-alt',
      'image-without-alt',
    ]);
  });

  it('finds a skipped heading level, the page title being level 1', () => {
    expect(codes('<h2>A</h2><h4>B</h4>')).toEqual(['heading-skip']);
    expect(codes('<h3>Sans titre de niveau 2</h3>')).toEqual(['heading-skip']);
    expect(codes('<h2>A</h2><h3>B</h3><h4>C</h4><h2>D</h2><h3>E</h3>')).toEqual([]);
    const [problem] = accessibilityProblems('<h2>Paniers</h2><h4>Grand panier</h4>');
    expect(problem?.fr).toContain('« Grand panier »');
    expect(problem?.en).toContain('"Grand panier"');
  });

  it('finds empty headings, links without text and tables without header cells', () => {
    expect(codes('<h2> </h2>')).toEqual(['empty-heading']);
    expect(codes('<h2><strong>&nbsp;</strong></h2>')).toEqual(['empty-heading']);
    expect(codes('<p><a href="https://example.org"></a><a href="/x"><img src="/i" alt=""></a></p>')).toEqual([
      'link-without-text',
      'link-without-text',
      'image-without-alt',
    ]);
    expect(codes('<table><tr><td>1</td></tr></table>')).toEqual(['table-without-header']);
  });

  it('says each problem in French and English', () => {
    for (const problem of accessibilityProblems(
      '<h2></h2><img src="/a"><a href="/b"></a><table></table><h4>x</h4>',
    )) {
      expect(problem.fr.length).toBeGreaterThan(20);
      expect(problem.en.length).toBeGreaterThan(20);
    }
  });

  it('reads 200 000 characters of nested, unclosed or broken tags in linear time', () => {
    const html = '<ul><li><strong><em>'.repeat(10_000);
    const started = performance.now();
    expect(accessibilityProblems(html)).toEqual([]);
    // Unsanitized input that would make a naive reader backtrack or walk back up the tree.
    for (const hostile of [
      '<a b="'.repeat(10_000),
      '<a b=x'.repeat(10_000),
      '<h2>'.repeat(15_000),
      '<!--'.repeat(15_000),
    ]) {
      expect(accessibilityProblems(hostile).length).toBeLessThanOrEqual(50);
    }
    // Quadratic reading would take minutes here; the bound leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('pages in order', () => {
  it('lists the legal pages first in the footer’s order, then the others by title', () => {
    const pages = [
      { slug: 'ou-nous-trouver', title: 'Où nous trouver', legal: false },
      { slug: 'contact', title: 'Contact', legal: true },
      { slug: 'nos-paniers', title: 'Nos paniers', legal: false },
      { slug: 'cgv', title: 'CGV', legal: true },
      { slug: 'mentions-legales', title: 'Mentions légales', legal: true },
    ];
    expect([...pages].sort(comparePages).map((page) => page.slug)).toEqual([
      'mentions-legales',
      'cgv',
      'contact',
      'nos-paniers',
      'ou-nous-trouver',
    ]);
  });
});

describe('image types', () => {
  it('checks the first bytes of each type', () => {
    const bytes = (...values: number[]) => new Uint8Array(values);
    const text = (value: string) => new TextEncoder().encode(value);
    expect(imageBytesMatch('image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(true);
    expect(imageBytesMatch('image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0))).toBe(true);
    expect(imageBytesMatch('image/gif', text('GIF89a...'))).toBe(true);
    expect(imageBytesMatch('image/webp', text('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe(true);
    expect(imageBytesMatch('image/png', text('<svg xmlns="http://www.w3.org/2000/svg">'))).toBe(false);
    expect(imageBytesMatch('image/jpeg', bytes(0xff, 0xd8))).toBe(false);
    expect(imageBytesMatch('image/webp', text('RIFF\u0000\u0000\u0000\u0000WAVE'))).toBe(false);
  });
});
