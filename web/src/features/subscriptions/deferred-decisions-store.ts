import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SubscriptionDecisionInput } from '../../../../domain/subscription.ts';
import { useInboxStore } from '../inbox/inbox-store.ts';
import type { SubscriptionView } from './subscriptions-api.ts';
import { useSubscriptionStore } from './subscriptions-store.ts';

/** How long a one-click decision (approve, waiting list) can be taken back, in ms. */
export const decisionDelay = 5_000;

/** A decision taken but not sent yet. */
export interface DeferredDecision {
  decision: SubscriptionDecisionInput;
  /** When it goes to the API (ms since the epoch). */
  sendAt: number;
}

/**
 * One-click decisions on applications wait a few seconds before they reach the API, so a
 * click on the wrong card can be taken back (« Annuler »): nothing is sent, the application
 * still waits. A decision is never lost silently: it is sent when its delay is over, at once
 * when the screen that offered « Annuler » goes away (`send`, from the buttons' unmount), and
 * at once when the tab is closed or reloaded (the browser is also asked to hold the page).
 */
export const useDeferredDecisionStore = defineStore('deferred-decisions', () => {
  const waiting = ref<Record<string, DeferredDecision>>({});
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function isWaiting(id: string): boolean {
    return waiting.value[id] !== undefined;
  }

  function onUnload(event: BeforeUnloadEvent): void {
    if (Object.keys(waiting.value).length === 0) return;
    void sendAll();
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  }

  function followUnload(): void {
    if (Object.keys(waiting.value).length > 0) window.addEventListener('beforeunload', onUnload);
    else window.removeEventListener('beforeunload', onUnload);
  }

  /** Takes the decision, to be sent after `delay` ms unless undone. */
  function defer(id: string, decision: SubscriptionDecisionInput, delay = decisionDelay): void {
    if (isWaiting(id)) return;
    waiting.value[id] = { decision, sendAt: Date.now() + delay };
    timers.set(
      id,
      setTimeout(() => void send(id), delay),
    );
    followUnload();
  }

  /** Takes the decision back: nothing reaches the API. */
  function undo(id: string): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    delete waiting.value[id];
    followUnload();
  }

  /**
   * Sends a waiting decision now (the subscription store shows its outcome at once, and the
   * inbox is told); undefined when nothing waited or the API refused (already toasted).
   */
  async function send(id: string): Promise<SubscriptionView | undefined> {
    const entry = waiting.value[id];
    if (!entry) return undefined;
    clearTimeout(timers.get(id));
    timers.delete(id);
    delete waiting.value[id];
    followUnload();
    const decided = await useSubscriptionStore().decide(id, entry.decision);
    if (decided) useInboxStore().decided(decided.id, decided.status);
    return decided;
  }

  async function sendAll(): Promise<void> {
    await Promise.all(Object.keys(waiting.value).map((id) => send(id)));
  }

  return { waiting, isWaiting, defer, undo, send, sendAll };
});
