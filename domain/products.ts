import Type from 'typebox';
import { entityIdPattern } from './ids.ts';
import type { Localized } from './locale.ts';

/** How a product is counted in a basket and in the harvest list. */
export const productUnits = ['kg', 'bunch', 'piece'] as const;
export type ProductUnit = (typeof productUnits)[number];

export const productUnitLabels: Readonly<Record<ProductUnit, Localized & { short: Localized }>> = {
  kg: { fr: 'kilogramme', en: 'kilogram', short: { fr: 'kg', en: 'kg' } },
  bunch: { fr: 'botte', en: 'bunch', short: { fr: 'botte(s)', en: 'bunch(es)' } },
  piece: { fr: 'pièce', en: 'piece', short: { fr: 'pièce(s)', en: 'piece(s)' } },
};

export const ProductInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    unit: Type.Enum([...productUnits]),
    /** Products no longer grown stay in past compositions but leave the picker. */
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ProductInput = Type.Static<typeof ProductInput>;

export const Product = Type.Object({
  ...ProductInput.properties,
  id: Type.String({ pattern: entityIdPattern }),
  gardenId: Type.String(),
  version: Type.Integer(),
});
export type Product = Type.Static<typeof Product>;

/** Quantities are kept to the gram (kg) or to the unit: never a float surprise on a list. */
export function roundQuantity(quantity: number, unit: ProductUnit): number {
  return unit === 'kg' ? Math.round(quantity * 1000) / 1000 : Math.round(quantity);
}

export function formatQuantity(quantity: number, unit: ProductUnit, locale: 'fr' | 'en' = 'fr'): string {
  const number = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: unit === 'kg' ? 3 : 0,
  }).format(roundQuantity(quantity, unit));
  return `${number} ${productUnitLabels[unit].short[locale]}`;
}
