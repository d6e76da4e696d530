import { describe, expect, it } from 'vitest';
import { formatPhone, phoneInputPattern, toE164 } from './phone.ts';

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

  it('has a pattern that accepts exactly the numbers toE164 understands (the API description says it)', () => {
    const pattern = new RegExp(phoneInputPattern);
    for (const typed of [
      '06 12 34 56 78',
      '06.12.34.56.78',
      '+33 6 12 34 56 78',
      '0033612345678',
      '+41 79 123 45 67',
      '(06) 12-34-56-78 ',
    ]) {
      expect(pattern.test(typed), typed).toBe(true);
    }
    // Random typing over the characters a phone field allows, with a fixed seed: both agree.
    let seed = 20261205;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const alphabet = '0123456789 .()-+3300';
    for (let i = 0; i < 200_000; i++) {
      let typed = '';
      for (let length = 6 + next(24); typed.length < length;) typed += alphabet[next(alphabet.length)];
      if (next(3) === 0) typed = `+${typed.replaceAll('+', '')}`;
      if (next(3) === 0) typed = `0${typed.replaceAll('+', '')}`.slice(0, 10 + next(3));
      const understood = /^\+?[0-9 .()-]*$/.test(typed) && toE164(typed) !== undefined;
      expect(pattern.test(typed), JSON.stringify(typed)).toBe(understood);
    }
  });

  it('shows French numbers the French way', () => {
    expect(formatPhone('+33612345678')).toBe('06 12 34 56 78');
    expect(formatPhone('+41791234567')).toBe('+41791234567');
  });
});
