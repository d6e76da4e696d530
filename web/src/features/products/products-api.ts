import type { Product, ProductInput } from '../../../../domain/products.ts';
import { request } from '../../api-client/request.ts';

export type { Product, ProductInput };

const base = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/products`;

export const listProducts = (gardenId: string) => request<Product[]>('GET', base(gardenId));

/** The row shows the refusal itself: no toast. */
export const createProduct = (gardenId: string, input: ProductInput) =>
  request<Product>('POST', base(gardenId), { body: input, toast: false });

export const updateProduct = (gardenId: string, productId: string, input: ProductInput, version: number) =>
  request<Product>('PUT', `${base(gardenId)}/${encodeURIComponent(productId)}`, {
    body: { ...input, version },
    toast: false,
  });
