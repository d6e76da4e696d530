import { describe, expect, it } from 'vitest';
import { ConsentEntry } from './consents.ts';
import { PublisherLegalDetails } from './garden-pages.ts';
import { Invoice, Payment } from './invoices.ts';
import { Member } from './member.ts';
import { classifiedRecords, dataCategories, processingRegister, processors } from './processing-register.ts';
import { Subscription } from './subscription.ts';

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('the register of processing activities', () => {
  it('classifies every field of the records that hold personal data, and nothing else', () => {
    // A field added to one of these schemas must be given a category in processing-register.ts.
    expect(sorted(Object.keys(classifiedRecords.member))).toEqual(sorted(Object.keys(Member.properties)));
    expect(sorted(Object.keys(classifiedRecords.subscription))).toEqual(
      sorted(Object.keys(Subscription.properties)),
    );
    expect(sorted(Object.keys(classifiedRecords.invoice))).toEqual(sorted(Object.keys(Invoice.properties)));
    expect(sorted(Object.keys(classifiedRecords.payment))).toEqual(sorted(Object.keys(Payment.properties)));
    expect(sorted(Object.keys(classifiedRecords.publisher))).toEqual(
      sorted(Object.keys(PublisherLegalDetails.properties)),
    );
    const consentKeys = new Set(ConsentEntry.anyOf.flatMap((entry) => Object.keys(entry.properties)));
    expect(sorted(Object.keys(classifiedRecords.consent))).toEqual(sorted(consentKeys));
    for (const fields of Object.values(classifiedRecords)) {
      for (const category of Object.values(fields)) expect(dataCategories).toContain(category);
    }
  });

  it('derives each activity’s categories of data from the classified fields', () => {
    const register = processingRegister('fr');
    const members = register.activities.find((activity) => activity.id === 'members-and-subscriptions');
    expect(members?.dataCategories.map((category) => category.id)).toEqual([
      'identity',
      'contact',
      'address',
      'location',
      'household',
      'preferences',
      'access-notes',
      'free-notes',
      'subscription',
      'consent',
      'connection',
    ]);
    const deliveries = register.activities.find((activity) => activity.id === 'deliveries');
    expect(deliveries?.dataCategories.map((category) => category.id)).toContain('access-notes');
    for (const activity of register.activities) {
      expect(activity.dataCategories.map((category) => category.id)).not.toContain('none');
      expect(activity.purposes.length).toBeGreaterThan(0);
      expect(activity.legalBasis.length).toBeGreaterThan(0);
      expect(activity.retention.length).toBeGreaterThan(0);
      for (const id of activity.processors) expect(Object.keys(processors)).toContain(id);
    }
  });

  it('names the processors, and the safeguards of transfers outside the EU', () => {
    const register = processingRegister('fr');
    expect(register.processors.map((processor) => processor.id)).toEqual([
      'aws',
      'stripe',
      'temporal',
      'circuit',
      'keycloak',
    ]);
    const billing = register.activities.find((activity) => activity.id === 'billing-and-payments');
    expect(billing?.transfers.join(' ')).toContain('clauses contractuelles types');
    expect(billing?.retention.join(' ')).toContain('10 ans');
    expect(register.activities.find((activity) => activity.id === 'consents')?.transfers).toEqual([]);
    expect(register.processors.find((processor) => processor.id === 'circuit')?.transfer).toContain(
      'Data Privacy Framework',
    );
  });

  it('reads in English too', () => {
    const register = processingRegister('en');
    expect(register.title).toBe('Record of processing activities (GDPR article 30)');
    const members = register.activities.find((activity) => activity.id === 'members-and-subscriptions');
    expect(members?.retention).toEqual([
      'Inactive members: 3 years after the last activity, then anonymised',
    ]);
  });
});
