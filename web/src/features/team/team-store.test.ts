import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Teammate } from '../../../../domain/garden-team.ts';
import { signedIn, staffIdentity, stubApi } from '../../testing/api-stub.ts';
import { useTeamStore } from './team-store.ts';

const lea: Teammate = {
  id: 'u-lea',
  firstName: 'Léa',
  lastName: 'Roussel',
  email: 'lea@example.org',
  role: 'staff',
  enabled: true,
  invited: false,
};
const zoe: Teammate = { ...lea, id: 'u-zoe', firstName: 'Zoé', lastName: 'Aubert', email: 'zoe@example.org' };

describe('the team store', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the team sorted by name, and keeps the read error as a sentence', async () => {
    signedIn({ ...staffIdentity, roles: ['garden-admin', 'staff'] });
    let fail = false;
    stubApi(() =>
      fail
        ? { status: 503, body: { error: 'unavailable', message: 'Annuaire injoignable.' } }
        : { body: [lea, zoe] },
    );
    const team = useTeamStore();
    await team.load();
    expect(team.sorted.map((one) => one.lastName)).toEqual(['Aubert', 'Roussel']);
    fail = true;
    await team.load();
    expect(team.error).toBe('Annuaire injoignable.');
    expect(team.loading).toBe(false);
  });

  it('puts the answer in place of the row, and changes nothing when the API refuses', async () => {
    signedIn({ ...staffIdentity, roles: ['garden-admin', 'staff'] });
    const api = stubApi((call) => {
      if (call.method === 'GET') return { body: [lea, zoe] };
      if (call.path.endsWith('/u-zoe/disable'))
        return { status: 422, body: { error: 'refused', message: 'Non.' } };
      return { body: { ...lea, role: 'driver' } };
    });
    const team = useTeamStore();
    await team.load();
    await team.changeRole('u-lea', 'driver');
    expect(team.teammates.find((one) => one.id === 'u-lea')?.role).toBe('driver');
    await expect(team.setEnabled('u-zoe', false)).rejects.toMatchObject({ status: 422, message: 'Non.' });
    expect(team.teammates.find((one) => one.id === 'u-zoe')?.enabled).toBe(true);
    expect(api.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /api/gardens/val-du-doubs/team',
      'PUT /api/gardens/val-du-doubs/team/u-lea/role',
      'POST /api/gardens/val-du-doubs/team/u-zoe/disable',
    ]);
  });
});
