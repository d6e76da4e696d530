import { listStaffActions, type ActionLogClients } from '../../adapters/store/action-log.ts';
import type { GardenOpenings } from './temporal-codec.ts';

/**
 * How long a network administrator's opening of a garden lasts: a working session. Past it,
 * they open the garden again, with a reason, and that is logged again.
 */
export const gardenOpeningHours = 8;

/**
 * Whether a network administrator opened a garden lately: the « garden opened » entry the
 * network overview writes in the garden's staff action log (api/routes/network-overview.ts),
 * by them, within `gardenOpeningHours`.
 */
export function gardenOpeningsFrom(
  clients: ActionLogClients,
  now: () => Date = () => new Date(),
): GardenOpenings {
  return {
    async openedRecently(gardenId, userId) {
      const from = new Date(now().getTime() - gardenOpeningHours * 3600_000).toISOString();
      const { entries } = await listStaffActions(clients, gardenId, {
        subject: { kind: 'garden', id: gardenId },
        actorId: userId,
        from,
        limit: 20,
      });
      return entries.some((entry) => entry.action === 'garden.opened');
    },
  };
}
