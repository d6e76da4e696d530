import type { CompositionInput } from '../../domain/delivery-week.ts';
import type { ProductInput } from '../../domain/products.ts';

/** An autumn-winter catalogue of a Franche-Comté market garden. */
export const demoProducts: Array<ProductInput & { id: string }> = [
  { id: 'p-carottes', name: 'Carottes', unit: 'kg', active: true },
  { id: 'p-pommes-de-terre', name: 'Pommes de terre', unit: 'kg', active: true },
  { id: 'p-poireaux', name: 'Poireaux', unit: 'bunch', active: true },
  { id: 'p-courge-butternut', name: 'Courge butternut', unit: 'piece', active: true },
  { id: 'p-potimarron', name: 'Potimarron', unit: 'piece', active: true },
  { id: 'p-chou-kale', name: 'Chou kale', unit: 'bunch', active: true },
  { id: 'p-chou-rouge', name: 'Chou rouge', unit: 'piece', active: true },
  { id: 'p-betteraves', name: 'Betteraves', unit: 'kg', active: true },
  { id: 'p-panais', name: 'Panais', unit: 'kg', active: true },
  { id: 'p-celeri-rave', name: 'Céleri-rave', unit: 'piece', active: true },
  { id: 'p-mache', name: 'Mâche', unit: 'kg', active: true },
  { id: 'p-oignons', name: 'Oignons jaunes', unit: 'kg', active: true },
  { id: 'p-ail', name: 'Ail', unit: 'piece', active: true },
  { id: 'p-radis-noir', name: 'Radis noir', unit: 'piece', active: true },
  { id: 'p-epinards', name: 'Épinards', unit: 'kg', active: true },
  { id: 'p-persil', name: 'Persil', unit: 'bunch', active: true },
  { id: 'p-tomates', name: 'Tomates', unit: 'kg', active: false },
  { id: 'p-courgettes', name: 'Courgettes', unit: 'kg', active: false },
];

/** Two alternating weekly compositions, so "copy last week's" has something to copy. */
export const demoCompositions: CompositionInput[] = [
  {
    small: [
      { productId: 'p-carottes', quantity: 0.8 },
      { productId: 'p-poireaux', quantity: 1 },
      { productId: 'p-potimarron', quantity: 1 },
      { productId: 'p-mache', quantity: 0.15 },
    ],
    medium: [
      { productId: 'p-carottes', quantity: 1 },
      { productId: 'p-pommes-de-terre', quantity: 1.5 },
      { productId: 'p-poireaux', quantity: 1 },
      { productId: 'p-potimarron', quantity: 1 },
      { productId: 'p-mache', quantity: 0.2 },
      { productId: 'p-oignons', quantity: 0.5 },
    ],
    large: [
      { productId: 'p-carottes', quantity: 1.5 },
      { productId: 'p-pommes-de-terre', quantity: 2 },
      { productId: 'p-poireaux', quantity: 2 },
      { productId: 'p-courge-butternut', quantity: 1 },
      { productId: 'p-mache', quantity: 0.3 },
      { productId: 'p-oignons', quantity: 1 },
      { productId: 'p-chou-kale', quantity: 1 },
    ],
  },
  {
    small: [
      { productId: 'p-betteraves', quantity: 0.5 },
      { productId: 'p-chou-kale', quantity: 1 },
      { productId: 'p-pommes-de-terre', quantity: 1 },
      { productId: 'p-persil', quantity: 1 },
    ],
    medium: [
      { productId: 'p-betteraves', quantity: 0.8 },
      { productId: 'p-chou-rouge', quantity: 1 },
      { productId: 'p-pommes-de-terre', quantity: 1.5 },
      { productId: 'p-panais', quantity: 0.5 },
      { productId: 'p-persil', quantity: 1 },
    ],
    large: [
      { productId: 'p-betteraves', quantity: 1 },
      { productId: 'p-chou-rouge', quantity: 1 },
      { productId: 'p-pommes-de-terre', quantity: 2.5 },
      { productId: 'p-panais', quantity: 1 },
      { productId: 'p-celeri-rave', quantity: 1 },
      { productId: 'p-epinards', quantity: 0.3 },
      { productId: 'p-persil', quantity: 1 },
    ],
  },
];
