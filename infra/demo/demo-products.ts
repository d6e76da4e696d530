import type { CompositionInput, CompositionLine } from '../../domain/delivery-week.ts';
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

/** A basket's contents, in the products' units: `{ 'p-carottes': 0.8 }` is 800 g of carrots. */
function basket(quantities: Record<string, number>): CompositionLine[] {
  return Object.entries(quantities).map(([productId, quantity]) => ({ productId, quantity }));
}

/** Two alternating weekly compositions, so "copy last week's" has something to copy. */
// prettier-ignore
export const demoCompositions: CompositionInput[] = [
  {
    small: basket({ 'p-carottes': 0.8, 'p-poireaux': 1, 'p-potimarron': 1, 'p-mache': 0.15 }),
    medium: basket({ 'p-carottes': 1, 'p-pommes-de-terre': 1.5, 'p-poireaux': 1, 'p-potimarron': 1, 'p-mache': 0.2, 'p-oignons': 0.5 }),
    large: basket({ 'p-carottes': 1.5, 'p-pommes-de-terre': 2, 'p-poireaux': 2, 'p-courge-butternut': 1, 'p-mache': 0.3, 'p-oignons': 1, 'p-chou-kale': 1 }),
  },
  {
    small: basket({ 'p-betteraves': 0.5, 'p-chou-kale': 1, 'p-pommes-de-terre': 1, 'p-persil': 1 }),
    medium: basket({ 'p-betteraves': 0.8, 'p-chou-rouge': 1, 'p-pommes-de-terre': 1.5, 'p-panais': 0.5, 'p-persil': 1 }),
    large: basket({ 'p-betteraves': 1, 'p-chou-rouge': 1, 'p-pommes-de-terre': 2.5, 'p-panais': 1, 'p-celeri-rave': 1, 'p-epinards': 0.3, 'p-persil': 1 }),
  },
];
