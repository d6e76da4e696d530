import type { Store } from '../../adapters/store/index.ts';
import { demoPaymentMeans } from '../demo/demo-payment-means.ts';

/**
 * Saves the demo households' cards and SEPA mandates (`demoPaymentMeans`) in their billing
 * profiles, as the Stripe form would have. A profile that ever had a Stripe customer is left as
 * it is (a card removed in the demo stays removed), so seeding twice changes nothing. Answers
 * how many were saved.
 */
export async function seedPaymentMeans(
  store: Pick<Store, 'members' | 'billingProfiles'>,
  gardenId: string,
  memberIds: readonly string[],
): Promise<number> {
  let saved = 0;
  for (const memberId of memberIds) {
    const means = demoPaymentMeans(memberId);
    if (!means || !(await store.members.get(gardenId, memberId))) continue;
    const profile = await store.billingProfiles.get(gardenId, memberId);
    if (profile.stripeCustomerId || profile.paymentMethod) continue;
    await store.billingProfiles.save(profile, means);
    saved++;
  }
  return saved;
}
