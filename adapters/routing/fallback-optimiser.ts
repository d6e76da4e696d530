/**
 * A garden is never left without routes: when Circuit is down, refuses, throttles beyond the
 * bound, times out, its optimisation fails or its routes overload a vehicle, the built-in
 * optimiser plans the day and the solution says why, in French for staff. When only Circuit's
 * copy of the routes could not be brought in step (routes kept after approval, a day emptied),
 * the routes stand and staff read that Circuit's drivers still see the old ones.
 */
import type { RoundProblem, RoundSolution, RouteOptimiser } from '../../domain/rounds/plan.ts';
import { CircuitError } from './circuit-client.ts';
import type { LivePlanOptimiser } from './circuit-optimiser.ts';

const builtIn = 'tournées calculées par l’optimiseur intégré.';
const retry = 'recalculez quand Circuit répondra.';

/** What went wrong with Circuit, in staff's words (the first half of every reason below). */
function circuitCauseOf(error: unknown): string {
  if (error instanceof CircuitError) {
    switch (error.kind) {
      case 'throttled':
        return 'Circuit limite le nombre de demandes et n’a pas accepté la nôtre à temps';
      case 'timeout':
        return 'Circuit n’a pas fini de calculer les tournées à temps';
      case 'operation-failed':
        return 'Circuit n’a pas réussi à calculer les tournées';
      case 'over-capacity':
        return `Circuit ne connaît pas la capacité des véhicules et en a trop chargé (${error.message})`;
      case 'refused':
      case 'not-found':
      case 'conflict':
        return error.status === 401 || error.status === 403
          ? 'Circuit refuse la clé d’API du jardin'
          : 'Circuit a refusé la demande';
      case 'unavailable':
        return 'Circuit ne répond pas';
    }
  }
  return 'Circuit ne répond pas';
}

/** Staff read this above the routes. */
export function fallbackReasonOf(error: unknown): string {
  return `${circuitCauseOf(error)} : ${builtIn}`;
}

export interface FallbackOptions {
  /** Told why the primary failed (for the log: the technical cause, in English). */
  onFallback?: (error: unknown) => void;
}

/**
 * The garden's optimiser as the round's activities use it. `keepRoutes` and `clear` are there
 * when it keeps an outside plan (Circuit); neither throws: what Circuit could not take is said
 * to staff (in `fallbackReason`, or the reason `clear` returns).
 */
export interface RoundOptimiser extends RouteOptimiser {
  keepRoutes?(problem: RoundProblem, kept: RoundSolution): Promise<RoundSolution>;
  clear?(gardenId: string, date: string): Promise<string | undefined>;
}

const keepsAPlan = (optimiser: RouteOptimiser): optimiser is LivePlanOptimiser =>
  'keepRoutes' in optimiser && 'clear' in optimiser;

export function withFallback(
  primary: RouteOptimiser,
  local: RouteOptimiser,
  options: FallbackOptions = {},
): RoundOptimiser {
  const optimiser: RoundOptimiser = {
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
  if (!keepsAPlan(primary)) return optimiser;
  optimiser.keepRoutes = async (problem, kept) => {
    try {
      return await primary.keepRoutes(problem, kept);
    } catch (error) {
      options.onFallback?.(error);
      return {
        ...kept,
        fallbackReason: `${circuitCauseOf(error)} : ce changement n’a pas pu être envoyé à l’application Circuit des chauffeurs, qui y voient encore l’ancienne tournée ; ${retry}`,
      };
    }
  };
  optimiser.clear = async (gardenId, date) => {
    try {
      await primary.clear(gardenId, date);
      return undefined;
    } catch (error) {
      options.onFallback?.(error);
      return `${circuitCauseOf(error)} : les arrêts retirés n’ont pas pu être effacés de Circuit, ses chauffeurs peuvent encore les y voir ; ${retry}`;
    }
  };
  return optimiser;
}
