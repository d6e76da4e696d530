import Type from 'typebox';
import { gardenStates, type GardenState } from './garden-provisioning.ts';
import { gardenIdPattern } from './ids.ts';

/** A garden is a tenant: an association with its own members, depots and settings. */
export const Garden = Type.Object({
  id: Type.String({ pattern: gardenIdPattern, minLength: 3, maxLength: 40 }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  city: Type.String({ minLength: 1, maxLength: 80 }),
  contactEmail: Type.String({ maxLength: 254 }),
  timeZone: Type.String(),
  createdAt: Type.String(),
  /** Where the garden is in its life; absent on records written before provisioning: `active`. */
  state: Type.Optional(Type.Enum([...gardenStates])),
  /** The garden's own host name (`paniers.jardin-du-val.fr`), served beside the shared address. */
  hostName: Type.Optional(Type.String({ maxLength: 253 })),
});
export type Garden = Type.Static<typeof Garden>;

/** The garden's state, `active` for records written before the state existed. */
export function gardenStateOf(garden: Pick<Garden, 'state'>): GardenState {
  return garden.state ?? 'active';
}

/**
 * Whether people may find the garden and apply to join it: only an active garden. One being
 * created is not ready (no calendar, no prices); a suspended or retired one takes nobody.
 */
export function welcomesApplicants(garden: Pick<Garden, 'state'>): boolean {
  return gardenStateOf(garden) === 'active';
}

/** States in which a garden's worker runs: being created (its schedules), running, retiring (closing). */
export const servedGardenStates: readonly GardenState[] = ['provisioning', 'active', 'suspended', 'retiring'];

/** The task queue a garden's workflows and activities run on: one per garden. */
export function gardenTaskQueue(gardenId: string): string {
  return `garden-${gardenId}`;
}

/** The network's own task queue: creating and retiring gardens, which no garden's worker may run. */
export const networkTaskQueue = 'network';
