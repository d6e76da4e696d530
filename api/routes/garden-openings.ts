import type { FastifyRequest } from 'fastify';
import { listStaffActions, type ActionLogClients } from '../../adapters/store/action-log.ts';
import { CocagneError } from '../../domain/errors.ts';
import { journalOpenToStaff, type GardenRules } from '../../domain/garden-rules.ts';
import { isGardenId } from '../../domain/ids.ts';
import { gardenAdminRoles, hasAnyRole } from '../../domain/roles.ts';
import { callerOf, forbidden } from '../plugins/auth.ts';
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
  // An opening found is kept a minute (every request of an opened garden reads it); none found
  // is asked again at the next request, so an opening counts at once.
  const found = new Map<string, number>();
  return {
    async openedRecently(gardenId, userId) {
      const key = JSON.stringify([gardenId, userId]);
      const at = now().getTime();
      const until = found.get(key);
      if (until !== undefined && until > at) return true;
      found.delete(key);
      const from = new Date(at - gardenOpeningHours * 3600_000).toISOString();
      const { entries } = await listStaffActions(clients, gardenId, {
        subject: { kind: 'garden', id: gardenId },
        actorId: userId,
        from,
        limit: 20,
      });
      const opened = entries.some((entry) => entry.action === 'garden.opened');
      if (opened) {
        if (found.size >= openingsKept) found.clear();
        found.set(key, at + openingReuseMs);
      }
      return opened;
    },
  };
}

/** How long an opening found is reused, and how many are kept at most. */
const openingReuseMs = 60_000;
const openingsKept = 1_000;

const openFirst = () =>
  new CocagneError('forbidden', {
    fr: 'Ouvrez d’abord ce jardin depuis la vue d’ensemble du réseau, avec un motif.',
    en: 'Open this garden from the network overview first, with a reason.',
  });

/**
 * A network administrator outside the garden of the URL may go on only once they opened it
 * (with a reason, logged; `gardenOpeningHours`): the garden's routes show its people. Anyone
 * else goes on (the garden guard has checked them already).
 */
export async function requireOpenedByNetwork(
  request: FastifyRequest,
  openings: GardenOpenings,
): Promise<void> {
  const caller = request.identity;
  const gardenId = (request.params as { gardenId?: unknown } | undefined)?.gardenId;
  if (!caller?.roles.includes('network-admin') || typeof gardenId !== 'string') return;
  // A malformed id is the parameters' schema's to refuse (400), as for anyone.
  if (caller.gardenId === gardenId || !isGardenId(gardenId)) return;
  if (!(await openings.openedRecently(gardenId, caller.userId))) throw openFirst();
}

/**
 * May the caller read the garden's journals (a record's, and the staff action log): garden
 * administrators; the network administration once it opened the garden (with a reason, logged:
 * journals hold the garden's people's names, reasons, IPs and user agents); staff only when the
 * garden's rule `journalForStaff` says so; drivers and members never. Throws 403 otherwise.
 */
export async function requireJournalReader(
  request: FastifyRequest,
  gardenId: string,
  rules: () => Promise<GardenRules>,
  openings: GardenOpenings,
): Promise<void> {
  const caller = callerOf(request);
  if (caller.roles.includes('network-admin')) {
    if (await openings.openedRecently(gardenId, caller.userId)) return;
    throw openFirst();
  }
  if (hasAnyRole(caller.roles, gardenAdminRoles)) return;
  if (caller.roles.includes('staff') && journalOpenToStaff(await rules())) return;
  throw forbidden();
}
