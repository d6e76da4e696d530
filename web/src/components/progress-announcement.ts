/**
 * What a screen reader is told of a long task's progress (a week's preparation, a billing run):
 * politely, and not at each household, which would drown everything else out. A new sentence at
 * each quarter passed, when the phase changes, and at the end.
 */
export function progressStep(done: number, total: number): number {
  if (!Number.isFinite(done) || !Number.isFinite(total) || total <= 0) return 0;
  if (done >= total) return 4;
  return Math.max(0, Math.floor((done / total) * 4));
}

/** Whether the progress moved enough since the last sentence to say a new one. */
export function worthSaying(
  previous: { step: number; phase: string | undefined } | undefined,
  next: { step: number; phase: string | undefined },
): boolean {
  return !previous || previous.phase !== next.phase || previous.step !== next.step;
}
