import type { Localized } from './locale.ts';

/** Roles of the identity provider (Keycloak realm roles). */
export const roles = ['network-admin', 'garden-admin', 'staff', 'driver', 'member'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Readonly<Record<Role, Localized>> = {
  'network-admin': { fr: 'Administration du réseau', en: 'Network administrator' },
  'garden-admin': { fr: 'Administration du jardin', en: 'Garden administrator' },
  staff: { fr: 'Équipe du jardin', en: 'Garden staff' },
  driver: { fr: 'Chauffeur', en: 'Driver' },
  member: { fr: 'Adhérent', en: 'Member' },
};

/** Roles that act for the garden (approve, manage members): staff and above. */
export const staffRoles: readonly Role[] = ['staff', 'garden-admin', 'network-admin'];

/** Roles that set the garden's own terms (rules, prices, billing model, legal details); staff read them. */
export const gardenAdminRoles: readonly Role[] = ['garden-admin', 'network-admin'];

export function hasAnyRole(held: readonly string[], wanted: readonly Role[]): boolean {
  return wanted.some((role) => held.includes(role));
}
