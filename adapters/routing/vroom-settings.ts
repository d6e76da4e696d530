import Type from 'typebox';
import type { RouteOptimiser } from '../../domain/rounds/plan.ts';
import { createVroomOptimiser } from './vroom-optimiser.ts';

/**
 * The built-in route optimiser from the environment. Locally, `infra/local/environment.ts`
 * points it at the stack's `vroom` service; in production, at a VROOM served the same way.
 */
export const VroomSettings = Type.Object({
  /** The VROOM service: POST `<VROOM_URL>/solve`. */
  VROOM_URL: Type.String({ pattern: '^https?://' }),
  /** How long a solve may take before it fails (seconds). */
  VROOM_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 600, default: 30 }),
});
export type VroomSettings = Type.Static<typeof VroomSettings>;

/** The VROOM optimiser with straight-line distances (no road network here). */
export function vroomOptimiserFrom(settings: VroomSettings): RouteOptimiser {
  return createVroomOptimiser({ url: settings.VROOM_URL, timeoutMs: settings.VROOM_TIMEOUT_SECONDS * 1000 });
}
