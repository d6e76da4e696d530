/**
 * What a new garden still needs before its first members: the checklist its administrators
 * find on the staff home, each item ticked from what the garden's own pages have saved.
 */
export const checklistItems = ['calendar', 'depots', 'prices', 'products', 'team'] as const;
export type ChecklistItem = (typeof checklistItems)[number];

/** What the garden has, as its pages read it. */
export interface GardenFacts {
  /** Seasons in the delivery calendar (a new garden starts with none). */
  seasons: number;
  depots: number;
  /**
   * The pricing's version: 1 is the network's default prices as the garden's creation wrote
   * them, untouched; 2 and more, saved by the garden; 0, a garden older than provisioning,
   * whose prices were never part of a creation.
   */
  pricingVersion: number;
  products: number;
  /** Accounts of the team (staff, drivers, administrators): the first administrator alone is 1. */
  teamSize: number;
}

/** Where each item is done. */
export const checklistPaths: Record<ChecklistItem, string> = {
  calendar: '/equipe/calendrier',
  depots: '/equipe/depots',
  prices: '/equipe/facturation/tarifs',
  products: '/equipe/produits',
  team: '/equipe/equipe-du-jardin',
};

export function checklistOf(facts: GardenFacts): Array<{ item: ChecklistItem; done: boolean; path: string }> {
  const done: Record<ChecklistItem, boolean> = {
    calendar: facts.seasons > 0,
    depots: facts.depots > 0,
    prices: facts.pricingVersion !== 1,
    products: facts.products > 0,
    team: facts.teamSize > 1,
  };
  return checklistItems.map((item) => ({ item, done: done[item], path: checklistPaths[item] }));
}
