/**
 * Money is an integer number of euro cents. Never a float: 0.1 + 0.2 must not reach an invoice.
 */
export type Cents = number & { readonly __brand: 'Cents' };

export function cents(value: number): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`An amount must be a whole number of cents, got ${value}`);
  }
  return value as Cents;
}

export function addCents(...amounts: Cents[]): Cents {
  return cents(amounts.reduce((sum, amount) => sum + amount, 0));
}

export function multiplyCents(amount: Cents, quantity: number): Cents {
  if (!Number.isSafeInteger(quantity)) {
    throw new RangeError(`A quantity must be a whole number, got ${quantity}`);
  }
  return cents(amount * quantity);
}

/**
 * Reads an amount typed by a person ("12,50", "12.5", "12 €", "1 250,00") as cents.
 * Returns undefined when the text is not an amount, so the caller can say so.
 */
export function parseEuros(text: string): Cents | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(compact);
  if (!match) return undefined;
  const [, sign, whole = '0', fraction = ''] = match;
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return cents(sign ? -value : value);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats cents for people: "12,50 €" in French, "€12.50" in English. */
export function formatEuros(amount: Cents, locale: 'fr' | 'en' = 'fr'): string {
  let formatter = formatters.get(locale);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
      style: 'currency',
      currency: 'EUR',
    });
    formatters.set(locale, formatter);
  }
  return formatter.format(amount / 100);
}
