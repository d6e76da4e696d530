import { describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  legalPageTemplate,
  legalSlugs,
  normalizeLegalDetails,
  toComplete,
} from '../../domain/garden-pages.ts';
import { demoGardens } from './demo-gardens.ts';
import { demoLegalDetails, demoNetworkLegalDetails } from './demo-legal.ts';

describe('the demo legal details and pages', () => {
  it('has details for every demo garden and the network that the form would take as they are', () => {
    for (const details of [
      ...demoGardens.map((garden) => demoLegalDetails[garden.id]),
      demoNetworkLegalDetails,
    ]) {
      expect(details).toBeDefined();
      const normalized = normalizeLegalDetails(details!);
      expect(normalized.ok, JSON.stringify(normalized)).toBe(true);
    }
  });

  it('fills the identity of the legal templates (the mentions légales, contact), and the accessibility check finds nothing', () => {
    const contact = {
      email: 'contact@val-du-doubs.cocagne.local',
      phone: '+33381000001',
      address: '2 chemin des Vergers',
    };
    for (const slug of legalSlugs) {
      const page = legalPageTemplate(slug, { legal: demoLegalDetails['val-du-doubs']!, contact });
      // The CGV and the other policies keep the clauses each garden writes itself (« [à compléter] »).
      if (slug === 'mentions-legales' || slug === 'contact')
        expect(page.html, slug).not.toContain(toComplete);
      expect(page.html, slug).toContain(
        slug === 'contact' ? 'contact@val-du-doubs.cocagne.local' : 'Val du Doubs',
      );
      expect(accessibilityProblems(page.html), slug).toEqual([]);
    }
  });
});
