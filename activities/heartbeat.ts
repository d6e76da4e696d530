import { Context } from '@temporalio/activity';

/**
 * Runs `work`, heartbeating every `everyMs` while it runs when it runs as an activity (called
 * directly, in a test, it just runs). With a heartbeat timeout on the activity, Temporal tries
 * it again soon after its worker died, instead of after its whole start-to-close timeout.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, everyMs = 5_000): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    context = undefined;
  }
  if (!context) return work();
  const running = context;
  const beat = setInterval(() => running.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
