import type { Localized } from './locale.ts';
import type { Role } from './roles.ts';

/**
 * A garden's team: the accounts that work for it (staff, drivers, garden administrators), as
 * its administrators manage them. Members' accounts are not part of it.
 */
export const teamRoles = ['staff', 'driver', 'garden-admin'] as const;
export type TeamRole = (typeof teamRoles)[number];

export interface Teammate {
  /** The account's id in the identity provider. */
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  role: TeamRole;
  enabled: boolean;
  /** Invited, and has not yet set a password nor confirmed the address. */
  invited: boolean;
}

export interface Invitation {
  firstName: string;
  lastName: string;
  email: string;
  role: TeamRole;
}

/**
 * The realm roles an account of this team role holds: a garden administrator is staff too (as
 * the realm's own administrators are), so every staff page is theirs.
 */
export function realmRolesOf(role: TeamRole): Role[] {
  return role === 'garden-admin' ? ['garden-admin', 'staff'] : [role];
}

/** The team role of an account from its realm roles (the highest), or none for a member. */
export function teamRoleOf(realmRoles: readonly string[]): TeamRole | undefined {
  if (realmRoles.includes('garden-admin')) return 'garden-admin';
  if (realmRoles.includes('staff')) return 'staff';
  if (realmRoles.includes('driver')) return 'driver';
  return undefined;
}

/**
 * Characters the identity provider refuses in a person's name (its
 * `person-name-prohibited-characters` check): refused here first, in words, beside the field.
 */
const prohibitedInNames = /[<>&"$%!#?§;*~/\\|^=[\]{}()\p{Cc}]/u;

/** What is wrong with a name, or nothing. */
export function nameProblem(name: string): Localized | undefined {
  if (name.trim() === '') return { fr: 'Indiquez un nom.', en: 'Give a name.' };
  if (prohibitedInNames.test(name)) {
    return {
      fr: 'Un nom ne peut pas contenir ces caractères : < > & " $ % ! # ? § ; * ~ / \\ | ^ = [ ] { } ( ).',
      en: 'A name cannot contain these characters: < > & " $ % ! # ? § ; * ~ / \\ | ^ = [ ] { } ( ).',
    };
  }
  return undefined;
}

/** A change to one teammate, as the rules see it. */
export type TeamChange = { kind: 'role'; role: TeamRole } | { kind: 'disable' } | { kind: 'enable' };

/**
 * Why a garden administrator may not make this change, or nothing: nobody disables their own
 * account, and the garden always keeps one active administrator (else nobody could manage it
 * without the network's administrator).
 */
export function teamChangeRefusal(
  team: readonly Teammate[],
  target: Teammate,
  change: TeamChange,
  callerId: string,
): Localized | undefined {
  if (change.kind === 'disable' && target.id === callerId) {
    return {
      fr: 'Vous ne pouvez pas désactiver votre propre compte.',
      en: 'You cannot disable your own account.',
    };
  }
  const losesAdmin =
    target.role === 'garden-admin' &&
    target.enabled &&
    (change.kind === 'disable' || (change.kind === 'role' && change.role !== 'garden-admin'));
  if (!losesAdmin) return undefined;
  const otherActiveAdmins = team.filter(
    (teammate) => teammate.id !== target.id && teammate.role === 'garden-admin' && teammate.enabled,
  );
  if (otherActiveAdmins.length === 0) {
    return {
      fr: "C'est le dernier administrateur actif du jardin : nommez-en un autre avant.",
      en: "This is the garden's last active administrator: appoint another one first.",
    };
  }
  return undefined;
}
