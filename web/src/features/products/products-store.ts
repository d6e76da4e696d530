import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { Product, ProductInput } from '../../../../domain/products.ts';
import * as api from './products-api.ts';
import { useNamedRecords } from '../../stores/named-records.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's catalogue: what goes into baskets, and in which unit it is counted. */
export const useProductStore = defineStore('products', () => {
  const { records: products, remember, ...list } = useNamedRecords(() => api.listProducts(requireGardenId()));
  /** What the composition picker offers: products still grown. */
  const grown = computed(() => list.sorted.value.filter((product) => product.active));

  /** Adds a product; throws the ApiError for the row to show. */
  async function create(input: ProductInput): Promise<Product> {
    return remember(await api.createProduct(requireGardenId(), input));
  }

  /** Changes a product from the `version` read; throws the ApiError (409: changed meanwhile). */
  async function update(productId: string, input: ProductInput, version: number): Promise<Product> {
    return remember(await api.updateProduct(requireGardenId(), productId, input, version));
  }

  return { products, ...list, grown, create, update };
});
