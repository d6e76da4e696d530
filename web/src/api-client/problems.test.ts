import { describe, expect, it } from 'vitest';
import { orProblem } from './problems.ts';
import { ApiError } from './request.ts';

describe('orProblem', () => {
  it('answers what the call returned, and says nothing', async () => {
    const problems: ApiError[] = [];
    await expect(
      orProblem(
        async () => 'semaine 49',
        (problem) => {
          problems.push(problem);
        },
      ),
    ).resolves.toBe('semaine 49');
    expect(problems).toEqual([]);
  });

  it('hands an API error to the screen and answers undefined', async () => {
    const refused = new ApiError(409, 'conflict', 'Quelqu’un a modifié ce dépôt entre-temps.');
    const problems: ApiError[] = [];
    const answer = await orProblem(
      () => Promise.reject(refused),
      (problem) => {
        problems.push(problem);
      },
    );
    expect(answer).toBeUndefined();
    expect(problems).toEqual([refused]);
  });

  it('stays quiet on an API error when nobody asks (the toast has said it)', async () => {
    await expect(
      orProblem(() => Promise.reject(new ApiError(0, 'network', 'Hors ligne'))),
    ).resolves.toBeUndefined();
  });

  it('throws anything else on: a bug is not a problem to show', async () => {
    const bug = new TypeError('undefined is not a function');
    const problems: ApiError[] = [];
    await expect(
      orProblem(
        () => Promise.reject(bug),
        (problem) => {
          problems.push(problem);
        },
      ),
    ).rejects.toBe(bug);
    expect(problems).toEqual([]);
  });
});
