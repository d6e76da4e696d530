import { describe, expect, it } from 'vitest';
import { memberFilter, standingsOf } from './member-standing.ts';

describe('where a household stands', () => {
  const subscriptions = [
    { memberId: 'ada', status: 'ended' as const, depotId: 'mairie' },
    { memberId: 'ada', status: 'active' as const, depotId: 'ferme' },
    { memberId: 'bob', status: 'paused' as const, depotId: 'mairie' },
    { memberId: 'cleo', status: 'waitlisted' as const, depotId: 'ferme' },
    { memberId: 'dan', status: 'cancelled' as const, depotId: 'mairie' },
  ];

  it('takes the best of its subscriptions, and the depots of its current ones', () => {
    const standings = standingsOf(subscriptions);
    expect(standings.get('ada')).toEqual({ standing: 'active', depotIds: new Set(['ferme']) });
    expect(standings.get('bob')?.standing).toBe('paused');
    expect(standings.get('cleo')?.standing).toBe('pending');
    expect(standings.get('dan')).toEqual({ standing: 'former', depotIds: new Set(['mairie']) });
  });

  it('filters the list by standing and depot; households without subscription are « none »', () => {
    const keep = (wanted: Parameters<typeof memberFilter>[1]) => {
      const filter = memberFilter(subscriptions, wanted);
      return ['ada', 'bob', 'cleo', 'dan', 'eve'].filter((id) => filter?.(id) ?? true);
    };
    expect(memberFilter(subscriptions, {})).toBeUndefined();
    expect(keep({ depotId: 'mairie' })).toEqual(['bob', 'dan']);
    expect(keep({ standing: 'none' })).toEqual(['eve']);
    expect(keep({ standing: 'active', depotId: 'mairie' })).toEqual([]);
    expect(keep({ standing: 'active', depotId: 'ferme' })).toEqual(['ada']);
  });
});
