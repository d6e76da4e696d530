import type { Store } from '../../adapters/store/index.ts';
import type { SubscriptionWorkflowInput } from '../../workflows/subscription/contract.ts';
import { uniqueEmail } from './moto.ts';

/** The staff member who enters the workflow tests' applications. */
export const applyingStaff = { userId: 'u-staff', name: 'Camille Martin' };

/**
 * A new member of the test's garden and their application, as staff enter it: a medium weekly
 * basket at `depotId` from Tuesday 1 December 2026. What a subscription workflow starts from.
 */
export async function memberApplication(
  store: Store,
  gardenId: string,
  depotId: string,
  memberId: string,
): Promise<SubscriptionWorkflowInput> {
  await store.members.create(
    gardenId,
    memberId,
    { firstName: 'Test', lastName: memberId, email: uniqueEmail(memberId) },
    new Date().toISOString(),
  );
  return {
    gardenId,
    subscriptionId: `${memberId}.2026-12-01`,
    request: { memberId, basketSize: 'medium', frequency: 'weekly', depotId, startDate: '2026-12-01' },
    requested: { by: applyingStaff, at: '2026-11-24T10:00:00.000Z' },
  };
}
