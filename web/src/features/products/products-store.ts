import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Product, ProductInput } from '../../../../domain/products.ts';
import * as api from './products-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { requireGardenId } from '../../stores/session.ts';

/** The garden's catalogue: what goes into baskets, and in which unit it is counted. */
export const useProductStore = defineStore('products', () => {
  const products = ref<Product[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string>();
  let inFlight: Promise<void> | undefined;

  const sorted = computed(() => [...products.value].sort((a, b) => a.name.localeCompare(b.name, 'fr')));
  const byId = computed(() => new Map(products.value.map((product) => [product.id, product])));
  /** What the composition picker offers: products still grown. */
  const grown = computed(() => sorted.value.filter((product) => product.active));

  /** Reads the catalogue unless already read; never rejects on an API error (kept in `error`). */
  function load(options: { force?: boolean } = {}): Promise<void> {
    if (loaded.value && !options.force) return Promise.resolve();
    inFlight ??= (async () => {
      loading.value = true;
      error.value = undefined;
      try {
        await orProblem(
          async () => {
            products.value = await api.listProducts(requireGardenId());
            loaded.value = true;
          },
          (failure) => {
            error.value = failure.message;
          },
        );
      } finally {
        loading.value = false;
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  function remember(product: Product): Product {
    products.value = [...products.value.filter((known) => known.id !== product.id), product];
    return product;
  }

  /** Adds a product; throws the ApiError for the row to show. */
  async function create(input: ProductInput): Promise<Product> {
    return remember(await api.createProduct(requireGardenId(), input));
  }

  /** Changes a product from the `version` read; throws the ApiError (409: changed meanwhile). */
  async function update(productId: string, input: ProductInput, version: number): Promise<Product> {
    return remember(await api.updateProduct(requireGardenId(), productId, input, version));
  }

  return { products, sorted, byId, grown, loaded, loading, error, load, create, update };
});
