import type { Invitation, Teammate, TeamRole } from '../../../../domain/garden-team.ts';
import { request } from '../../api-client/request.ts';

export type { Invitation, Teammate, TeamRole };

const team = (gardenId: string) => `/gardens/${encodeURIComponent(gardenId)}/team`;
const teammate = (gardenId: string, userId: string) => `${team(gardenId)}/${encodeURIComponent(userId)}`;

/** The page says itself what failed: no toasts from these calls. */
export const getTeam = (gardenId: string) => request<Teammate[]>('GET', team(gardenId), { toast: false });

/** Makes the account and has Keycloak email the invitation; a taken address answers 409. */
export const invite = (gardenId: string, invitation: Invitation) =>
  request<Teammate>('POST', `${team(gardenId)}/invitations`, { body: invitation, toast: false });

export const setRole = (gardenId: string, userId: string, role: TeamRole) =>
  request<Teammate>('PUT', `${teammate(gardenId, userId)}/role`, { body: { role }, toast: false });

export const setEnabled = (gardenId: string, userId: string, enabled: boolean) =>
  request<Teammate>('POST', `${teammate(gardenId, userId)}/${enabled ? 'enable' : 'disable'}`, {
    toast: false,
  });
