import { describe, expect, it } from 'vitest';
import { formatPhone, toE164 } from './phone.ts';

describe('phone numbers', () => {
  it('turns French ways of writing a number into E.164', () => {
    expect(toE164('06 12 34 56 78')).toBe('+33612345678');
    expect(toE164('06.12.34.56.78')).toBe('+33612345678');
    expect(toE164('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(toE164('0033612345678')).toBe('+33612345678');
    expect(toE164('+41 79 123 45 67')).toBe('+41791234567');
  });

  it('refuses what cannot be a phone number', () => {
    expect(toE164('12345')).toBeUndefined();
    expect(toE164('06 12 34 56')).toBeUndefined();
    expect(toE164('+33 6 12 34 56 78 9')).toBeUndefined();
    expect(toE164('bonjour')).toBeUndefined();
  });

  it('shows French numbers the French way', () => {
    expect(formatPhone('+33612345678')).toBe('06 12 34 56 78');
    expect(formatPhone('+41791234567')).toBe('+41791234567');
  });
});
