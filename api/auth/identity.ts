import { roles, type Role } from '../../domain/roles.ts';
import type { Actor } from '../../domain/actor.ts';

/** Who is calling, as their access token says. */
export interface CallerIdentity {
  userId: string;
  username: string;
  name: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
  email?: string | undefined;
  roles: Role[];
  /** The garden the account belongs to; network admins have none. */
  gardenId?: string | undefined;
  /** For member accounts, their member record. */
  memberId?: string | undefined;
}

export function identityFromClaims(claims: Record<string, unknown>): CallerIdentity {
  const realmRoles = ((claims.realm_access as { roles?: unknown } | undefined)?.roles ?? []) as unknown[];
  const username =
    typeof claims.preferred_username === 'string' ? claims.preferred_username : String(claims.sub);
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    userId: String(claims.sub),
    username,
    name: text(claims.name) ?? username,
    firstName: text(claims.given_name),
    lastName: text(claims.family_name),
    email: text(claims.email),
    roles: realmRoles.filter((role): role is Role => roles.includes(role as Role)),
    gardenId: text(claims.garden),
    memberId: text(claims.member),
  };
}

export function actorOf(identity: CallerIdentity): Actor {
  return { userId: identity.userId, name: identity.name };
}
