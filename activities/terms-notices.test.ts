import { describe, expect, it } from 'vitest';
import type { Member } from '../domain/member.ts';
import type { Email, Mailer } from '../adapters/messaging/mailer.ts';
import type { ConsentLog } from '../adapters/store/consent-log.ts';
import type { GardenRegistry } from '../adapters/store/garden-registry.ts';
import type { MemberStore } from '../adapters/store/member-store.ts';
import { createTermsNoticeActivities } from './terms-notices.ts';

const members = [
  { id: 'm-1', firstName: 'Léa', lastName: 'A', email: 'lea@example.org' },
  { id: 'm-2', firstName: 'Tom', lastName: 'B', email: 'tom@example.org', language: 'en' },
  { id: 'm-3', firstName: 'Sans', lastName: 'Courriel' },
] as Member[];

/** The activity over in-memory stores and a mailer that may fail once for an address. */
function bed(failOnceFor?: string) {
  const claims = new Set<string>();
  const sent: Email[] = [];
  let failed = false;
  const activities = createTermsNoticeActivities({
    members: {
      list: async (_garden: string, options: { cursor?: string }) =>
        options.cursor ? { members: members.slice(2) } : { members: members.slice(0, 2), nextCursor: 'next' },
    } as unknown as MemberStore,
    gardens: {
      get: async () => ({ id: 'g', name: 'Jardin du Val', contactEmail: 'contact@val.example' }),
    } as unknown as GardenRegistry,
    consents: {
      claimTermsNotice: async (_g: string, slug: string, version: number, memberId: string) => {
        const key = `${slug}/${version}/${memberId}`;
        if (claims.has(key)) return false;
        claims.add(key);
        return true;
      },
      releaseTermsNotice: async (_g: string, slug: string, version: number, memberId: string) => {
        claims.delete(`${slug}/${version}/${memberId}`);
      },
    } as unknown as ConsentLog,
    mailer: {
      send: async (email: Email) => {
        if (email.to === failOnceFor && !failed) {
          failed = true;
          throw new Error('SES throttled');
        }
        sent.push(email);
        return { messageId: String(sent.length) };
      },
    } as unknown as Mailer,
    publicUrl: 'https://cocagne.example/',
  });
  return { activities, sent };
}

/** Every page, as the workflow drives them: the totals and the cursors met. */
async function allPages(activities: ReturnType<typeof bed>['activities'], slug: string, version: number) {
  const total = { sent: 0, skipped: 0, undelivered: [] as string[], causes: [] as string[] };
  let cursor: string | undefined;
  do {
    const page = await activities.notifyMembersOfNewTerms({ gardenId: 'g', slug, version, cursor });
    total.sent += page.sent;
    total.skipped += page.skipped;
    total.undelivered.push(...page.undelivered);
    total.causes.push(...page.causes);
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

describe('telling members of new terms', () => {
  it('writes once to every member with an email, in their language, whatever the retries', async () => {
    const { activities, sent } = bed();
    const first = await activities.notifyMembersOfNewTerms({ gardenId: 'g', slug: 'cgv', version: 2 });
    expect(first).toEqual({ sent: 2, skipped: 0, undelivered: [], causes: [], nextCursor: 'next' });
    expect(await allPages(activities, 'cgv', 2)).toEqual({
      sent: 0,
      skipped: 3,
      undelivered: [],
      causes: [],
    });
    expect(sent.map((email) => email.to)).toEqual(['lea@example.org', 'tom@example.org']);
    expect(sent[0]?.subject).toContain('nouvelle version des conditions générales de vente');
    expect(sent[1]?.subject).toContain('new version of the terms and conditions of sale');
    expect(sent[0]?.text).toContain('https://cocagne.example/adherent/conditions');
    expect(sent[0]?.replyTo).toBe('contact@val.example');

    expect(await allPages(activities, 'cgv', 3)).toMatchObject({ sent: 2, skipped: 1 });
    expect(sent).toHaveLength(4);
    expect(await allPages(activities, 'mentions-legales', 3)).toEqual({
      sent: 0,
      skipped: 0,
      undelivered: [],
      causes: [],
    });
  });

  it('writes to the others when one email is refused, and sends it when the page runs again', async () => {
    const { activities, sent } = bed('lea@example.org');
    expect(await allPages(activities, 'confidentialite', 1)).toEqual({
      sent: 1,
      skipped: 1,
      undelivered: ['m-1'],
      causes: ['SES throttled'],
    });
    expect(sent.map((email) => email.to)).toEqual(['tom@example.org']);
    expect(await allPages(activities, 'confidentialite', 1)).toEqual({
      sent: 1,
      skipped: 2,
      undelivered: [],
      causes: [],
    });
    expect(sent.map((email) => email.to)).toEqual(['tom@example.org', 'lea@example.org']);
  });
});
