import { describe, expect, it, vi } from 'vitest';
import { reloadOnStaleChunks } from './stale-release.ts';

function page() {
  const target = new EventTarget() as EventTarget & { location: { reload: () => void } };
  target.location = { reload: vi.fn() };
  const kept = new Map<string, string>();
  const storage = {
    getItem: (name: string) => kept.get(name) ?? null,
    setItem: (name: string, value: string) => void kept.set(name, value),
  };
  return { target, storage };
}

describe('a page left open on the previous release', () => {
  it('reloads once when a lazy chunk of the old build is gone, then lets a second failure show', () => {
    const { target, storage } = page();
    let clock = 1_000_000;
    reloadOnStaleChunks(target as never, storage, () => clock);
    const failure = () => {
      const event = new Event('vite:preloadError', { cancelable: true });
      target.dispatchEvent(event);
      return event.defaultPrevented;
    };
    expect(failure()).toBe(true);
    expect(target.location.reload).toHaveBeenCalledTimes(1);
    clock += 5_000;
    expect(failure()).toBe(false);
    expect(target.location.reload).toHaveBeenCalledTimes(1);
    // A later release, a minute on: reloads again.
    clock += 120_000;
    expect(failure()).toBe(true);
    expect(target.location.reload).toHaveBeenCalledTimes(2);
  });
});
