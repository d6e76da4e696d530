import { addDays } from '../../domain/calendar.ts';
import type { BasketSize, SubscriptionStatus } from '../../domain/subscription.ts';
import type { TestApi } from './api.ts';
import { issueTestInvoice } from './billing.ts';
import { addTestDepot } from './environment.ts';

/**
 * Seeds for the staff's long lists (members, subscriptions, billing): records written straight
 * in the store, as the workflows would have written them, so that a test gets a garden's volume
 * in seconds.
 */

/** A second depot for the test's garden. */
export async function secondDepot(api: TestApi, name = 'Ferme de Chalezeule'): Promise<string> {
  return addTestDepot(api.store, api.gardenId, {
    id: 'd-ferme',
    name,
    address: { street: '2 chemin des Vergers', postalCode: '25220', city: 'Chalezeule' },
    location: { lat: 47.26, lng: 6.07 },
  });
}

/** A subscription in a given status, as its workflow records it. */
export async function recordSubscription(
  api: TestApi,
  memberId: string,
  depotId: string,
  status: SubscriptionStatus,
  startDate = '2026-01-06',
  basketSize: BasketSize = 'medium',
): Promise<string> {
  const id = `${memberId}.${startDate}`;
  const at = '2026-01-01T10:00:00.000Z';
  await api.store.subscriptions.record({
    id,
    gardenId: api.gardenId,
    memberId,
    basketSize,
    frequency: 'weekly',
    depotId,
    startDate,
    status,
    requested: { by: { userId: 'u-staff', name: 'Camille Martin' }, at },
    updatedAt: at,
    revision: 1,
  });
  return id;
}

/**
 * `count` open invoices spread over `households` new members (due on days around `today`, the
 * oldest first), as a garden's unpaid list looks after a few months.
 */
export async function manyUnpaidInvoices(
  api: TestApi,
  today: string,
  options: { households: number; count: number },
): Promise<{ memberIds: string[]; numbers: number[] }> {
  const memberIds: string[] = [];
  for (let index = 0; index < options.households; index++) {
    const member = await api.createMember({
      firstName: `Foyer${String(index + 1).padStart(2, '0')}`,
      lastName: `Impayé${String.fromCharCode(65 + (index % 26))}`,
    });
    memberIds.push(member.id);
  }
  const numbers: number[] = [];
  for (let index = 0; index < options.count; index++) {
    const invoice = await issueTestInvoice(api, memberIds[index % memberIds.length] ?? '', {
      total: 1000 + index * 10,
      dueOn: addDays(today, 20 - index * 3),
    });
    numbers.push(invoice.number);
  }
  return { memberIds, numbers };
}
