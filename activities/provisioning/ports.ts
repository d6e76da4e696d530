import type { Localized } from '../../domain/locale.ts';

/**
 * What the provisioning activities need of the world beyond the store and S3, as small
 * ports: the worker wires the real adapters (temporal/activity-deps.ts), tests wrap them.
 */

/** The garden's objects in Kubernetes (adapters/kubernetes/garden-cluster.ts). */
export interface GardenClusterPort {
  /**
   * With `hostName`, the garden's own host also gets its Service and Ingress; with
   * `existingOnly`, only a garden still deployed is applied (its namespace never made again).
   */
  apply(
    gardenId: string,
    options?: { hostName?: string | undefined; existingOnly?: boolean },
  ): Promise<string[]>;
  /** Whether the cluster's profile says how to serve a garden's own host name. */
  readonly servesSites: boolean;
  waitUntilAvailable(
    gardenId: string,
    options?: { timeoutMs?: number; pollMs?: number },
  ): Promise<{ available: true } | { available: false; reason: 'no-nodes' | 'timeout'; message: Localized }>;
  remove(gardenId: string): Promise<string[]>;
  /** The gardens whose namespace the provisioner made and owns (not those kept in Git). */
  deployedGardens(): Promise<string[]>;
}

/** The garden's Temporal Schedules (weeks, billing). */
export interface GardenSchedulesPort {
  /** Creates them, or brings them to the garden's rules; safe to repeat. */
  ensure(gardenId: string, timeZone: string): Promise<string[]>;
  /** Deletes them; those already gone are no error. Returns the ids deleted. */
  remove(gardenId: string): Promise<string[]>;
}

/** The garden's running workflows (found by their `GardenId`). */
export interface GardenWorkflowsPort {
  /**
   * Cancels every running workflow of the garden (the network's own apart), waits up to
   * `waitMs` for them to end, and terminates those still running then.
   */
  close(gardenId: string, waitMs: number): Promise<{ cancelled: number; terminated: number }>;
}

/** The garden's group and accounts in the identity provider (adapters/keycloak/keycloak-garden.ts). */
export interface GardenIdentityPort {
  ensureGroup(gardenId: string): Promise<string>;
  /** The first admin's account (found by email when it exists), in the garden, its group and role. */
  ensureFirstAdmin(
    gardenId: string,
    person: { firstName: string; lastName: string; email: string },
  ): Promise<{ userId: string; created: boolean }>;
  /** Keycloak's execute-actions email (set a password, confirm the address). */
  sendInvitation(userId: string): Promise<void>;
  /** Deletes the garden's account with this email (only if it is the garden's) and the group. */
  removeFirstAdmin(gardenId: string, email: string): Promise<void>;
  removeGroup(gardenId: string): Promise<void>;
  /** Disables every account of the garden and ends their sessions; returns how many. */
  disableAccounts(gardenId: string): Promise<number>;
  /** The garden's own host name among the web app's sign-in return addresses (safe to repeat). */
  allowSiteHost(hostName: string): Promise<void>;
  /** Takes it out again (safe to repeat). */
  forbidSiteHost(hostName: string): Promise<void>;
}
