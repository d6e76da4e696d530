import Type from 'typebox';
import { gardenIdPattern } from './ids.ts';

/** A garden is a tenant: an association with its own members, depots and settings. */
export const Garden = Type.Object({
  id: Type.String({ pattern: gardenIdPattern, minLength: 3, maxLength: 40 }),
  name: Type.String({ minLength: 1, maxLength: 120 }),
  city: Type.String({ minLength: 1, maxLength: 80 }),
  contactEmail: Type.String({ maxLength: 254 }),
  timeZone: Type.String(),
  createdAt: Type.String(),
});
export type Garden = Type.Static<typeof Garden>;

/** The task queue a garden's workflows and activities run on: one per garden. */
export function gardenTaskQueue(gardenId: string): string {
  return `garden-${gardenId}`;
}
