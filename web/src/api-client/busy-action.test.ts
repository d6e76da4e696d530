import { describe, expect, it } from 'vitest';
import { useBusyAction } from './busy-action.ts';
import { ApiError } from './request.ts';

describe('useBusyAction', () => {
  it('is busy while the action runs, and keeps no failure when it succeeds', async () => {
    const action = useBusyAction();
    let busyInside = false;
    await action.run(async () => {
      busyInside = action.busy.value;
    });
    expect(busyInside).toBe(true);
    expect(action.busy.value).toBe(false);
    expect(action.failure.value).toBeUndefined();
  });

  it("keeps a refusal's sentence, lets the caller say more, and forgets it on the next try", async () => {
    const action = useBusyAction();
    const refusals: number[] = [];
    await action.run(
      () => Promise.reject(new ApiError(409, 'conflict', 'Modifié entre-temps.')),
      (error) => refusals.push(error.status),
    );
    expect(action.failure.value).toBe('Modifié entre-temps.');
    expect(refusals).toEqual([409]);
    expect(action.busy.value).toBe(false);
    await action.run(async () => {});
    expect(action.failure.value).toBeUndefined();
  });

  it('throws on what is not an API refusal (a bug), still no longer busy', async () => {
    const action = useBusyAction();
    await expect(action.run(() => Promise.reject(new TypeError('oops')))).rejects.toThrow('oops');
    expect(action.busy.value).toBe(false);
  });
});
