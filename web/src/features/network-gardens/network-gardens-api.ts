import type {
  GardenState,
  NewGardenRequest,
  OperationDecision,
  OperationProgress,
  StepProgress,
} from '../../../../domain/garden-provisioning.ts';
import { request } from '../../api-client/request.ts';

export type GardenOperation = 'create' | 'retire';

/** A garden as the network admin's list shows it; a health figure is absent when it could not be read. */
export interface NetworkGarden {
  id: string;
  name: string;
  city: string;
  state: GardenState;
  stateLabel: string;
  url: string;
  health: {
    workerUp?: boolean;
    pendingApprovals?: number;
    failedWorkflows?: number;
    failedWithinDays: number;
  };
}

/** An operation's progress, each step with its label in the reader's language. */
export interface Operation extends Omit<OperationProgress, 'steps'> {
  steps: Array<StepProgress & { label: string }>;
}

const operationPath = (slug: string, operation: GardenOperation) =>
  `/network/gardens/${encodeURIComponent(slug)}/operations/${operation}`;

/** The page says itself what failed: no toasts from these calls. */
export const listGardens = () => request<NetworkGarden[]>('GET', '/network/gardens', { toast: false });

/** Starts the provisioning saga; a slug a garden has answers 409, a field out of shape 400. */
export const createGarden = (garden: NewGardenRequest) =>
  request<Operation>('POST', '/network/gardens', { body: garden, toast: false });

export const getOperation = (slug: string, operation: GardenOperation) =>
  request<Operation>('GET', operationPath(slug, operation), { toast: false });

export const decide = (slug: string, operation: GardenOperation, decision: OperationDecision) =>
  request<Operation>('POST', `${operationPath(slug, operation)}/decision`, {
    body: { decision },
    toast: false,
  });

export const retireGarden = (slug: string) =>
  request<Operation>('POST', `/network/gardens/${encodeURIComponent(slug)}/retirement`, { toast: false });
