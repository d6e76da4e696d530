import { request } from '../../api-client/request.ts';

/** A garden's processes counted by what they wait for. */
export interface GardenCounts {
  gardenId: string;
  running: number;
  waitingOnPerson: number;
  failed: number;
  stuck: number;
}

/** One process across gardens: ids and search attributes only, never a member's data. */
export interface NetworkProcess {
  gardenId: string;
  workflowId: string;
  kind: string;
  state: string;
  /** How a failed process ended: failed, terminated or timed out. */
  closeStatus?: string;
  waitingOn?: string;
  since: string;
  waitingForHours?: number;
  retryingActivity?: { name: string; attempts: number; since: string };
}

export interface NetworkOverview {
  counts: GardenCounts[];
  processes: NetworkProcess[];
  /** Some processes could not be read in time, or more than the API lists: filter to narrow. */
  partial?: true;
}

export interface OverviewQuery {
  kind?: string;
  state?: string;
  waitingOn?: string;
  gardenId?: string;
}

/** The page says itself what failed: no toasts from these calls. */
export const getNetworkOverview = (query: OverviewQuery) =>
  request<NetworkOverview>('GET', '/network/overview', { query: { ...query }, toast: false });

/** Records in the garden's action log that a network admin opened it, and why (204). */
export const openGardenFor = (gardenId: string, reason: string) =>
  request<undefined>('POST', `/network/gardens/${encodeURIComponent(gardenId)}/open`, {
    body: { reason },
    toast: false,
  });
