import { Value } from 'typebox/value';
import type { Locale } from '../../../../domain/locale.ts';
import { ProductInput, type Product, type ProductUnit } from '../../../../domain/products.ts';
import { schemaIssues, type InputIssue } from '../../../../domain/validation.ts';
import { relabel } from '../../forms/issues.ts';

export interface ProductFormModel {
  name: string;
  unit: ProductUnit;
  active: boolean;
}

export function emptyProductForm(): ProductFormModel {
  return { name: '', unit: 'kg', active: true };
}

export function productFormOf(product: Product): ProductFormModel {
  return { name: product.name, unit: product.unit, active: product.active };
}

/** Checks a product with the API's schema and words. */
export function checkProductForm(
  form: ProductFormModel,
  locale: Locale,
  labels: Readonly<Record<string, string>>,
): { ok: true; input: ProductInput } | { ok: false; issues: InputIssue[] } {
  const candidate = { name: form.name.trim(), unit: form.unit, active: form.active };
  if (!Value.Check(ProductInput, candidate))
    return { ok: false, issues: relabel(schemaIssues(ProductInput, candidate, locale), labels) };
  return { ok: true, input: candidate };
}
