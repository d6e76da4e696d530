import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { whileHeartbeating } from './heartbeat.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('whileHeartbeating', () => {
  it('heartbeats while the work runs as an activity, and stops when it is done', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const answer = await env.run(() =>
      whileHeartbeating(async () => {
        await pause(200);
        return 'planned';
      }, 20),
    );
    expect(answer).toBe('planned');
    expect(beats).toBeGreaterThanOrEqual(3);
    const after = beats;
    await pause(100);
    expect(beats).toBe(after);
  });

  it('just runs the work outside an activity', async () => {
    await expect(whileHeartbeating(async () => 42, 20)).resolves.toBe(42);
  });

  it('stops heartbeating when the work fails, and lets the failure through', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await expect(
      env.run(() =>
        whileHeartbeating(async () => {
          await pause(60);
          throw new Error('optimiser down');
        }, 20),
      ),
    ).rejects.toThrow('optimiser down');
    const after = beats;
    await pause(100);
    expect(beats).toBe(after);
  });
});
