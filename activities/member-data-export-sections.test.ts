import { describe, expect, it } from 'vitest';
import type { Member } from '../domain/member.ts';
import { pdfText } from '../tests/support/pdf-text.ts';
import { memberDataExportPdf } from './member-data-export-pdf.ts';
import { exportPdfContent, type ExportedData } from './member-data-export-sections.ts';

const member: Member = {
  id: 'm-rose',
  gardenId: 'jardin-du-val',
  firstName: 'Rose <b>',
  lastName: 'Quenouille',
  email: 'rose.q@example.org',
  address: { street: '4 impasse des Saules', postalCode: '25000', city: 'Besançon' },
  contactPreferences: { email: true, sms: false },
  createdAt: '2026-01-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  version: 1,
};

function data(language?: 'fr' | 'en'): ExportedData {
  return {
    exportedAt: '2026-12-07T09:30:00.000Z',
    gardenName: 'Jardin du Val',
    member: { ...member, ...(language ? { language } : {}) },
    subscriptions: [],
    invoices: [],
    payments: [],
    notifications: [],
    consents: [
      {
        kind: 'optional',
        purpose: 'newsletter',
        given: true,
        at: '2026-01-02T10:00:00.000Z',
        how: 'portal',
      },
    ] as ExportedData['consents'],
  };
}

describe("the readable copy of a member's data", () => {
  it('is in French for a member who never chose a language', async () => {
    const content = exportPdfContent(data());
    expect(content.title).toBe('Vos données – Jardin du Val');
    expect(content.sections.map((section) => section.heading)).toEqual([
      'Vos coordonnées',
      'Abonnements',
      'Factures',
      'Paiements',
      'Messages envoyés',
      'Consentements',
    ]);
    expect(content.sections[5]?.rows).toEqual([
      ['2026-01-02', 'Recevoir la lettre du jardin : oui', 'espace adhérent'],
    ]);
    expect(content.sections[1]?.empty).toBe('Aucun abonnement.');
  });

  it('is in English for a member who reads the garden’s messages in English, words and labels alike', async () => {
    const content = exportPdfContent(data('en'));
    expect(content.title).toBe('Your data – Jardin du Val');
    expect(content.sections.map((section) => section.heading)).toEqual([
      'Your details',
      'Subscriptions',
      'Invoices',
      'Payments',
      'Messages sent',
      'Consents',
    ]);
    const details = Object.fromEntries(content.sections[0]!.rows.map(([field, value]) => [field, value]));
    expect(details).toMatchObject({
      'First name': 'Rose <b>',
      'Language of messages': 'English',
      'Contact preferences': 'email: yes, SMS: no',
    });
    expect(content.sections[5]?.rows).toEqual([
      ['2026-01-02', "Receive the garden's newsletter: yes", 'member portal'],
    ]);
    // Nothing French is left in the English copy's own words.
    const words = [
      content.title,
      content.footer,
      ...content.subtitle.slice(1),
      ...content.sections.flatMap((section) => [
        section.heading,
        section.empty,
        ...section.columns.map((column) => column.header),
      ]),
    ].join('\n');
    expect(words).not.toMatch(/Vos|Aucun|Export du|Exporté|Abonnement|Facture/);

    const text = pdfText(await memberDataExportPdf(content));
    expect(text).toContain('Your details');
    expect(text).toContain('Rose <b>');
  });
});
