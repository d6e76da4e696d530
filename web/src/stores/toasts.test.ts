import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useToastStore } from './toasts.ts';

describe('toast store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a message, then lets it go by itself', () => {
    const toasts = useToastStore();
    toasts.success('Enregistré.');
    expect(toasts.toasts).toMatchObject([{ kind: 'success', text: 'Enregistré.' }]);
    vi.advanceTimersByTime(5000);
    expect(toasts.toasts).toEqual([]);
  });

  it('keeps errors longer than confirmations', () => {
    const toasts = useToastStore();
    toasts.error('Refusé.');
    vi.advanceTimersByTime(6000);
    expect(toasts.toasts).toHaveLength(1);
    vi.advanceTimersByTime(4000);
    expect(toasts.toasts).toEqual([]);
  });

  it('says the same sentence once, and can be dismissed', () => {
    const toasts = useToastStore();
    const first = toasts.error('Le serveur ne répond pas.');
    const second = toasts.error('Le serveur ne répond pas.');
    expect(second).toBe(first);
    expect(toasts.toasts).toHaveLength(1);
    toasts.dismiss(first);
    expect(toasts.toasts).toEqual([]);
  });
});
