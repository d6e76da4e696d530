import { describe, expect, it } from 'vitest';
import { editorPath, footerPublisher, publicPagePath } from './page-addresses.ts';
import { slugOfTitle } from './page-slugs.ts';

const at = (name: string, params: Record<string, string> = {}, query: Record<string, string> = {}) => ({
  name,
  params,
  query,
});

describe('whose pages the footer links', () => {
  it('takes the page’s garden, then the garden chosen in the address, then the person’s, then the network', () => {
    expect(footerPublisher(at('garden-page', { gardenId: 'val-loue', slug: 'cgv' }), 'doubs')).toEqual({
      kind: 'garden',
      gardenId: 'val-loue',
    });
    expect(footerPublisher(at('network-page', { slug: 'cgv' }), 'doubs')).toEqual({ kind: 'network' });
    expect(footerPublisher(at('gardens', {}, { jardin: 'val-loue' }), undefined)).toEqual({
      kind: 'garden',
      gardenId: 'val-loue',
    });
    expect(footerPublisher(at('dashboard'), 'doubs')).toEqual({ kind: 'garden', gardenId: 'doubs' });
    expect(footerPublisher(at('welcome'), undefined)).toEqual({ kind: 'network' });
  });

  it('ignores an address that no garden can have, rather than send it', () => {
    for (const jardin of ['__proto__', 'constructor', '<b>x</b>', '../admin', 'a'.repeat(61)]) {
      expect(footerPublisher(at('gardens', {}, { jardin }), undefined), jardin).toEqual({ kind: 'network' });
    }
  });

  it('writes each address with its parts encoded', () => {
    const garden = { kind: 'garden' as const, gardenId: 'val-loue' };
    expect(publicPagePath(garden, 'nos-paniers')).toBe('/jardins/val-loue/pages/nos-paniers');
    expect(publicPagePath({ kind: 'network' }, 'cgv')).toBe('/reseau/pages/cgv');
    expect(editorPath(garden, 'cgv')).toBe('/equipe/pages/cgv');
    expect(editorPath({ kind: 'network' }, 'cgv')).toBe('/reseau/pages-du-reseau/cgv');
  });
});

describe('the slug suggested from a title', () => {
  it('keeps letters and digits without accents, single dashes, 60 characters at most', () => {
    expect(slugOfTitle('Où nous trouver ?')).toBe('ou-nous-trouver');
    expect(slugOfTitle('  Nos paniers — été 2027 ')).toBe('nos-paniers-ete-2027');
    expect(slugOfTitle('<script>alert(1)</script>')).toBe('script-alert-1-script');
    expect(slugOfTitle('Les légumes '.repeat(10)).length).toBeLessThanOrEqual(60);
    expect(slugOfTitle('!!!')).toBe('');
  });
});
