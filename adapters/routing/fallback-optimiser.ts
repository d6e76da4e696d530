/**
 * A garden is never left without routes: when Circuit is down, refuses, throttles beyond the
 * bound, times out or its optimisation fails, the built-in optimiser plans the day and the
 * solution says why, in French for staff.
 */
import type { RoundSolution, RouteOptimiser } from '../../domain/rounds/plan.ts';
import { CircuitError } from './circuit-client.ts';

const builtIn = 'tournées calculées par l’optimiseur intégré.';

/** Staff read this above the routes. */
export function fallbackReasonOf(error: unknown): string {
  if (error instanceof CircuitError) {
    switch (error.kind) {
      case 'throttled':
        return `Circuit limite le nombre de demandes et n’a pas accepté la nôtre à temps : ${builtIn}`;
      case 'timeout':
        return `Circuit n’a pas fini de calculer les tournées à temps : ${builtIn}`;
      case 'operation-failed':
        return `Circuit n’a pas réussi à calculer les tournées : ${builtIn}`;
      case 'refused':
      case 'not-found':
      case 'conflict':
        return error.status === 401 || error.status === 403
          ? `Circuit refuse la clé d’API du jardin : ${builtIn}`
          : `Circuit a refusé la demande : ${builtIn}`;
      case 'unavailable':
        return `Circuit ne répond pas : ${builtIn}`;
    }
  }
  return `Circuit ne répond pas : ${builtIn}`;
}

export interface FallbackOptions {
  /** Told why the primary failed (for the log: the technical cause, in English). */
  onFallback?: (error: unknown) => void;
}

export function withFallback(
  primary: RouteOptimiser,
  local: RouteOptimiser,
  options: FallbackOptions = {},
): RouteOptimiser {
  return {
    async optimise(problem): Promise<RoundSolution> {
      try {
        return await primary.optimise(problem);
      } catch (error) {
        options.onFallback?.(error);
        const solution = await local.optimise(problem);
        return { ...solution, fallbackReason: fallbackReasonOf(error) };
      }
    },
  };
}
