import { createHash } from 'node:crypto';
import type { Store } from '../../adapters/store/index.ts';
import { outstanding } from '../../domain/invoices.ts';
import type { Member } from '../../domain/member.ts';
import { finalStatuses } from '../../domain/subscription.ts';

export async function allMembers(store: Store, gardenId: string): Promise<Member[]> {
  const members: Member[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.members.list(gardenId, { limit: 500, ...(cursor ? { cursor } : {}) });
    members.push(...page.members);
    cursor = page.nextCursor;
  } while (cursor);
  return members;
}

/**
 * What a garden's staff would check after a restore, as the store holds it: its members, its
 * subscriptions, its invoices with what each still owes, its prepared weeks. Counts to read, and
 * a digest of all of it to compare two stacks (or before and after) exactly.
 */
export async function gardenRecords(store: Store, gardenId: string) {
  const [members, subscriptions, invoices, weeks] = await Promise.all([
    allMembers(store, gardenId),
    store.subscriptions.list(gardenId),
    store.invoices.list(gardenId),
    store.weeks.summaries(gardenId, 1_000),
  ]);
  const byId = <T>(values: T[], id: (value: T) => string) =>
    [...values].sort((a, b) => id(a).localeCompare(id(b)));
  const content = {
    members: byId(members, (member) => member.id),
    subscriptions: byId(subscriptions, (subscription) => subscription.id),
    invoices: byId(invoices, (invoice) => String(invoice.number).padStart(12, '0')).map((invoice) => ({
      ...invoice,
      outstanding: outstanding(invoice),
    })),
    weeks: byId(weeks, (week) => week.week),
  };
  const due = content.invoices.reduce((sum, invoice) => sum + invoice.outstanding, 0);
  return {
    members: members.length,
    counts: {
      members: members.length,
      subscriptions: subscriptions.length,
      running: subscriptions.filter((subscription) => !finalStatuses.includes(subscription.status)).length,
      invoices: invoices.length,
      dueCents: due,
      weeks: weeks.length,
    },
    digest: createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16),
  };
}
