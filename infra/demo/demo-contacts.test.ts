import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { formatPhone } from '../../domain/phone.ts';
import { formatIban, GardenContactInput, normalizeGardenContact } from '../../domain/garden-contact.ts';
import { demoContacts, demoGardens } from './demo-gardens.ts';

describe('the demo gardens’ contact and payment instructions', () => {
  it('are what a garden administrator could save, for both gardens', () => {
    for (const garden of demoGardens) {
      const contact = demoContacts[garden.id];
      expect(contact, garden.id).toBeDefined();
      if (!contact) continue;
      // As the form would send them: the phone and IBAN as people read them.
      const typed = {
        ...contact,
        phone: formatPhone(contact.phone ?? ''),
        ...(contact.payment
          ? { payment: { ...contact.payment, iban: formatIban(contact.payment.iban) } }
          : {}),
      };
      expect(Value.Check(GardenContactInput, typed), garden.id).toBe(true);
      expect(normalizeGardenContact(typed), garden.id).toEqual({ ok: true, value: contact });
    }
  });
});
