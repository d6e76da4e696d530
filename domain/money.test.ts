import { describe, expect, it } from 'vitest';
import { addCents, cents, formatEuros, multiplyCents, parseEuros } from './money.ts';

describe('money', () => {
  it('keeps amounts as whole cents', () => {
    expect(addCents(cents(10), cents(20))).toBe(30);
    expect(multiplyCents(cents(1250), 3)).toBe(3750);
    expect(() => cents(12.5)).toThrow(/whole number of cents/);
    expect(() => multiplyCents(cents(100), 1.5)).toThrow(/whole number/);
  });

  it('reads amounts the way people type them', () => {
    expect(parseEuros('12,50')).toBe(1250);
    expect(parseEuros('12.5')).toBe(1250);
    expect(parseEuros('1 250,00 €')).toBe(125000);
    expect(parseEuros('-3')).toBe(-300);
    expect(parseEuros('douze')).toBeUndefined();
    expect(parseEuros('1,234')).toBeUndefined();
  });

  it('formats amounts in French and English', () => {
    expect(formatEuros(cents(1250)).replace(/\s/g, ' ')).toBe('12,50 €');
    expect(formatEuros(cents(1250), 'en')).toBe('€12.50');
  });
});
