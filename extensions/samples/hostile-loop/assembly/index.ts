// Hostile sample: spins forever. The host must stop it at the call's time budget.
import { Host } from '@extism/as-pdk';

let turns: u64 = 0;

export function solidarity_price(): i32 {
  while (true) turns += 1;
  return 0;
}

/** Answers at once: lets a test open (warm) an instance before timing the loop. */
export function warm_up(): i32 {
  Host.outputString('{"priceCents":0}');
  return 0;
}
