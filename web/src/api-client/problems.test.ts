import { describe, expect, it } from 'vitest';
import { onConflict, orProblem } from './problems.ts';
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

describe('onConflict', () => {
  it('lets the store react to a 409 and throws the error on, for the form', async () => {
    const refused = new ApiError(409, 'conflict', 'Quelqu’un a modifié ces tarifs entre-temps.');
    let conflicts = 0;
    await expect(
      onConflict(
        () => Promise.reject(refused),
        () => (conflicts += 1),
      ),
    ).rejects.toBe(refused);
    expect(conflicts).toBe(1);
  });

  it('throws other refusals and bugs on without reacting, and answers what the write returned', async () => {
    let conflicts = 0;
    const react = () => (conflicts += 1);
    const invalid = new ApiError(400, 'validation', 'Le prix doit être positif.');
    await expect(onConflict(() => Promise.reject(invalid), react)).rejects.toBe(invalid);
    await expect(onConflict(() => Promise.reject(new TypeError('bug')), react)).rejects.toThrow('bug');
    await expect(onConflict(async () => 'version 3', react)).resolves.toBe('version 3');
    expect(conflicts).toBe(0);
  });
});
