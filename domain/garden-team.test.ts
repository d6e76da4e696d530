import { describe, expect, it } from 'vitest';
import { nameProblem, realmRolesOf, teamChangeRefusal, teamRoleOf, type Teammate } from './garden-team.ts';

const teammate = (id: string, role: Teammate['role'], enabled = true): Teammate => ({
  id,
  firstName: 'Prénom',
  lastName: id,
  email: `${id}@example.org`,
  role,
  enabled,
  invited: false,
});

describe('garden team rules', () => {
  const claire = teammate('claire', 'garden-admin');
  const julien = teammate('julien', 'staff');
  const team = [claire, julien, teammate('karim', 'driver')];

  it('keeps the last active administrator: no demotion, no disabling', () => {
    expect(teamChangeRefusal(team, claire, { kind: 'role', role: 'staff' }, 'julien')?.en).toMatch(
      /last active/,
    );
    expect(teamChangeRefusal(team, claire, { kind: 'disable' }, 'julien')?.en).toMatch(/last active/);
    expect(teamChangeRefusal(team, claire, { kind: 'role', role: 'garden-admin' }, 'claire')).toBeUndefined();
    // A disabled second administrator does not count.
    const withDisabled = [...team, teammate('lea', 'garden-admin', false)];
    expect(teamChangeRefusal(withDisabled, claire, { kind: 'role', role: 'driver' }, 'claire')).toBeDefined();
    const withActive = [...team, teammate('lea', 'garden-admin')];
    expect(teamChangeRefusal(withActive, claire, { kind: 'role', role: 'driver' }, 'claire')).toBeUndefined();
  });

  it('refuses disabling oneself, whatever the role', () => {
    const withActive = [...team, teammate('lea', 'garden-admin')];
    expect(teamChangeRefusal(withActive, claire, { kind: 'disable' }, 'claire')?.fr).toBe(
      'Vous ne pouvez pas désactiver votre propre compte.',
    );
    expect(teamChangeRefusal(team, julien, { kind: 'disable' }, 'claire')).toBeUndefined();
    expect(teamChangeRefusal(team, julien, { kind: 'enable' }, 'claire')).toBeUndefined();
  });

  it('reads the highest team role, and gives administrators the staff role too', () => {
    expect(teamRoleOf(['staff', 'garden-admin'])).toBe('garden-admin');
    expect(teamRoleOf(['driver', 'default-roles-cocagne'])).toBe('driver');
    expect(teamRoleOf(['member'])).toBeUndefined();
    expect(realmRolesOf('garden-admin')).toEqual(['garden-admin', 'staff']);
    expect(realmRolesOf('driver')).toEqual(['driver']);
  });

  it('refuses names the identity provider would refuse, in words', () => {
    expect(nameProblem('<b>x</b>')?.fr).toMatch(/^Un nom ne peut pas contenir/);
    expect(nameProblem('   ')?.fr).toBe('Indiquez un nom.');
    for (const fine of ['__proto__', 'constructor', "N'Diaye-Lefèvre", 'Zoé'])
      expect(nameProblem(fine)).toBeUndefined();
  });
});
