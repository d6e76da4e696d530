import { describe, expect, it } from 'vitest';
import { addressLine } from './member.ts';

describe('a postal address', () => {
  it('reads on one line: street, then postal code and city', () => {
    expect(addressLine({ street: '2 chemin des Vergers', postalCode: '25220', city: 'Chalezeule' })).toBe(
      '2 chemin des Vergers, 25220 Chalezeule',
    );
  });
});
