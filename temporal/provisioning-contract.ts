// What the API asks of the garden provisioning workflows (implemented by
// temporal/provisioning-client.ts): create a garden, follow an operation, decide after a
// failure, retire a garden. The API depends on this shape only.
import type { Actor } from '../domain/actor.ts';
import type {
  NewGardenRequest,
  OperationDecision,
  OperationProgress,
} from '../domain/garden-provisioning.ts';

export type GardenOperation = 'create' | 'retire';

export interface ProvisioningCommands {
  /**
   * Starts creating a garden. Refused (`CocagneError`, 409) when the slug is taken by a
   * garden or by a creation still running.
   */
  create(request: NewGardenRequest, by: Actor): Promise<OperationProgress>;
  /** Starts retiring an active or suspended garden; 409 when it is not in such a state. */
  retire(gardenId: string, by: Actor): Promise<OperationProgress>;
  /** The latest operation of that kind on the garden, running or finished; undefined if none. */
  progress(gardenId: string, operation: GardenOperation): Promise<OperationProgress | undefined>;
  /** Retry the failed step, or roll back: only while the operation is `waiting` (else 409). */
  decide(
    gardenId: string,
    operation: GardenOperation,
    decision: OperationDecision,
    by: Actor,
  ): Promise<OperationProgress>;
}
