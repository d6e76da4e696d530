import { describe, expect, it } from 'vitest';
import { addressLine, sameStreetAddress } from './member.ts';

describe('a postal address', () => {
  const vergers = { street: '2 chemin des Vergers', postalCode: '25220', city: 'Chalezeule' };

  it('reads on one line: street, then postal code and city', () => {
    expect(addressLine(vergers)).toBe('2 chemin des Vergers, 25220 Chalezeule');
  });

  it('is the same door however it is written, and another one when any part changes', () => {
    expect(sameStreetAddress(vergers, { ...vergers, street: ' 2  Chemin des vergers ' })).toBe(true);
    expect(sameStreetAddress(vergers, { ...vergers, city: 'CHALÈZEULE' })).toBe(true);
    expect(sameStreetAddress(vergers, { ...vergers, street: '4 chemin des Vergers' })).toBe(false);
    expect(sameStreetAddress(vergers, { ...vergers, postalCode: '25000' })).toBe(false);
    expect(sameStreetAddress(vergers, undefined)).toBe(false);
    expect(sameStreetAddress(undefined, undefined)).toBe(true);
  });
});
