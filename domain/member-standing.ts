import type { Localized } from './locale.ts';
import { finalStatuses, type Subscription } from './subscription.ts';

/**
 * Where a household stands with the garden, from its subscriptions, for the staff's member list:
 * `active` receives baskets, `paused` has a pause under way, `pending` waits for a decision (or a
 * place on the waiting list), `former` had only subscriptions that ended, `none` never had one.
 * The best of its subscriptions wins: a household with an active and an ended one is active.
 */
export const memberStandings = ['active', 'paused', 'pending', 'former', 'none'] as const;
export type MemberStanding = (typeof memberStandings)[number];

export const memberStandingLabels: Readonly<Record<MemberStanding, Localized>> = {
  active: { fr: 'Abonnement actif', en: 'Active subscription' },
  paused: { fr: 'En pause', en: 'Paused' },
  pending: { fr: 'Demande en attente', en: 'Application waiting' },
  former: { fr: 'Ancien adhérent', en: 'Former member' },
  none: { fr: 'Sans abonnement', en: 'No subscription' },
};

const rank: Record<Subscription['status'], MemberStanding> = {
  active: 'active',
  paused: 'paused',
  pending: 'pending',
  waitlisted: 'pending',
  rejected: 'former',
  cancelled: 'former',
  ended: 'former',
};

/** Each household's standing and the depots it picks up at (those of its current subscriptions). */
export function standingsOf(
  subscriptions: ReadonlyArray<Pick<Subscription, 'memberId' | 'status' | 'depotId'>>,
): Map<string, { standing: MemberStanding; depotIds: Set<string> }> {
  const byMember = new Map<string, Array<Pick<Subscription, 'status' | 'depotId'>>>();
  for (const subscription of subscriptions) {
    const list = byMember.get(subscription.memberId) ?? [];
    list.push(subscription);
    byMember.set(subscription.memberId, list);
  }
  const standings = new Map<string, { standing: MemberStanding; depotIds: Set<string> }>();
  for (const [memberId, list] of byMember) {
    const current = list.filter((subscription) => !finalStatuses.includes(subscription.status));
    const standing = memberStandings.find((candidate) =>
      list.some((subscription) => rank[subscription.status] === candidate),
    );
    standings.set(memberId, {
      standing: standing ?? 'none',
      // A former member is found at the depots they used to pick up at.
      depotIds: new Set((current.length > 0 ? current : list).map((subscription) => subscription.depotId)),
    });
  }
  return standings;
}

/**
 * Which households a filter of the member list keeps, or undefined when it keeps everyone
 * (no standing and no depot asked for).
 */
export function memberFilter(
  subscriptions: ReadonlyArray<Pick<Subscription, 'memberId' | 'status' | 'depotId'>>,
  wanted: { standing?: MemberStanding | undefined; depotId?: string | undefined },
): ((memberId: string) => boolean) | undefined {
  if (!wanted.standing && !wanted.depotId) return undefined;
  const standings = standingsOf(subscriptions);
  return (memberId) => {
    const entry = standings.get(memberId);
    const standing = entry?.standing ?? 'none';
    if (wanted.standing && standing !== wanted.standing) return false;
    if (wanted.depotId && !entry?.depotIds.has(wanted.depotId)) return false;
    return true;
  };
}
