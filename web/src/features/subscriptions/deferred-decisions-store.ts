import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SubscriptionDecisionInput } from '../../../../domain/subscription.ts';
import { freshToken, tokenInHand } from '../../auth/keycloak.ts';
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

/** This tab's decisions not sent yet (waiting or not sent), kept across a reload. */
const storageKey = 'cocagne.deferred-decisions';

function readKept(): Record<string, SubscriptionDecisionInput> {
  try {
    const kept: unknown = JSON.parse(sessionStorage.getItem(storageKey) ?? '{}');
    return typeof kept === 'object' && kept !== null
      ? (kept as Record<string, SubscriptionDecisionInput>)
      : {};
  } catch {
    return {};
  }
}

/**
 * One-click decisions on applications wait a few seconds before they reach the API, so a
 * click on the wrong card can be taken back (« Annuler »): nothing is sent, the application
 * still waits. A decision is never lost silently: it is sent when its delay is over, at once
 * when the screen that offered « Annuler » goes away (`send`, from the buttons' unmount), and
 * at once when the tab is hidden, closed or reloaded (`pagehide`, `visibilitychange`,
 * `beforeunload`; iOS Safari fires only the first two). Then it goes out with fetch keepalive
 * and the token in hand, nothing awaited: the token is refreshed as the decision is taken.
 *
 * Without a valid token it cannot go out then: it is kept as `unsent`, and the card says so
 * (the application still waits; deciding again sends it). Waiting and unsent decisions are
 * kept in this tab's sessionStorage, so after a reload the card still says it was not sent;
 * nothing is resent by itself (someone may have decided since, or the reload was meant to
 * take it back).
 */
export const useDeferredDecisionStore = defineStore('deferred-decisions', () => {
  const waiting = ref<Record<string, DeferredDecision>>({});
  /** Decisions the tab went away with before they could be sent: the card says so. */
  const unsent = ref<Record<string, SubscriptionDecisionInput>>(readKept());
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  function isWaiting(id: string): boolean {
    return waiting.value[id] !== undefined;
  }

  function keep(): void {
    const kept: Record<string, SubscriptionDecisionInput> = { ...unsent.value };
    for (const [id, entry] of Object.entries(waiting.value)) kept[id] = entry.decision;
    try {
      if (Object.keys(kept).length === 0) sessionStorage.removeItem(storageKey);
      else sessionStorage.setItem(storageKey, JSON.stringify(kept));
    } catch {
      // storage refused (private mode): a reload forgets, the page itself still says it
    }
  }

  function stopWaiting(id: string): DeferredDecision | undefined {
    const entry = waiting.value[id];
    clearTimeout(timers.get(id));
    timers.delete(id);
    delete waiting.value[id];
    followLeaving();
    return entry;
  }

  /**
   * The tab goes away: every waiting decision leaves now, or is kept as not sent when no
   * valid token is in hand. True when some could not be sent.
   */
  function flush(): boolean {
    const ids = Object.keys(waiting.value);
    if (ids.length === 0) return false;
    if (!tokenInHand()) {
      for (const id of ids) {
        const entry = stopWaiting(id);
        if (entry) unsent.value[id] = entry.decision;
      }
      keep();
      return true;
    }
    // `send` reaches fetch before its first await: each request is out when this returns.
    for (const id of ids) void send(id, { keepalive: true });
    return false;
  }

  function onPageHide(): void {
    flush();
  }

  function onVisibility(): void {
    if (document.visibilityState === 'hidden') flush();
  }

  function onBeforeUnload(event: BeforeUnloadEvent): void {
    if (Object.keys(waiting.value).length === 0) return;
    if (tokenInHand()) {
      flush();
      return;
    }
    // Nothing can go out now: ask the person to stay, the delay then sends it (after a
    // refresh). Leaving anyway keeps it as not sent (`pagehide`).
    event.preventDefault();
    // Older browsers ask only when returnValue is set.
    event.returnValue = '';
  }

  let following = false;
  function followLeaving(): void {
    const any = Object.keys(waiting.value).length > 0;
    if (any === following) return;
    following = any;
    const method = any ? 'addEventListener' : 'removeEventListener';
    window[method]('pagehide', onPageHide);
    window[method]('beforeunload', onBeforeUnload);
    document[method]('visibilitychange', onVisibility);
  }

  /** Takes the decision, to be sent after `delay` ms unless undone. */
  function defer(id: string, decision: SubscriptionDecisionInput, delay = decisionDelay): void {
    if (isWaiting(id)) return;
    delete unsent.value[id];
    waiting.value[id] = { decision, sendAt: Date.now() + delay };
    timers.set(
      id,
      setTimeout(() => void send(id), delay),
    );
    keep();
    followLeaving();
    // A token ready for the tab going away (a failed refresh ends the session, as any call).
    void freshToken().catch(() => undefined);
  }

  /** Takes the decision back (or forgets one not sent): nothing reaches the API. */
  function undo(id: string): void {
    stopWaiting(id);
    delete unsent.value[id];
    keep();
  }

  /**
   * Sends a waiting decision now (the subscription store shows its outcome at once, and the
   * inbox is told); undefined when nothing waited or the API refused (already toasted).
   * With `keepalive` (the tab going away) the request is out before this first awaits.
   */
  async function send(
    id: string,
    options: { keepalive?: boolean } = {},
  ): Promise<SubscriptionView | undefined> {
    const entry = stopWaiting(id);
    if (!entry) return undefined;
    keep();
    const decided = await useSubscriptionStore().decide(id, entry.decision, options);
    if (decided) useInboxStore().decided(decided.id, decided.status);
    return decided;
  }

  async function sendAll(): Promise<void> {
    await Promise.all(Object.keys(waiting.value).map((id) => send(id)));
  }

  return { waiting, unsent, isWaiting, defer, undo, send, sendAll };
});
