import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { IsoDate } from '../../../../domain/calendar.ts';
import type {
  SubscriptionDecisionInput,
  SubscriptionRequest,
  SubscriptionStatus,
} from '../../../../domain/subscription.ts';
import * as api from './subscriptions-api.ts';
import type { SubscriptionView, TermsChangeInput } from './subscriptions-api.ts';
import { orProblem } from '../../api-client/problems.ts';
import { translate } from '../../i18n/index.ts';
import { useDeliveryStore } from './deliveries-store.ts';
import { requireGardenId, useSessionStore } from '../../stores/session.ts';
import { useToastStore } from '../../stores/toasts.ts';

const outcomes = {
  approve: { status: 'active', outcome: 'approved', toast: 'decision.approved' },
  reject: { status: 'rejected', outcome: 'rejected', toast: 'decision.rejected' },
  waitlist: { status: 'waitlisted', outcome: 'waitlisted', toast: 'decision.waitlisted' },
} as const;

const oldestFirst = (a: SubscriptionView, b: SubscriptionView) =>
  a.requested.at.localeCompare(b.requested.at);

/**
 * Subscriptions, one copy of each whatever screen read it, so a decision taken on one screen
 * shows on all of them. An action's answer is the truth about its subscription; the lists
 * other stores show (the inbox and its count) are told by the screen that acted, or read again.
 *
 * The API's reads come from a store that the subscription workflow writes a moment after it
 * acts: a read can be older than what a decision just returned. Each copy carries the
 * workflow's `revision`, and an older copy never replaces a newer one.
 */
export const useSubscriptionStore = defineStore('subscriptions', () => {
  const byId = ref<Record<string, SubscriptionView>>({});
  /** Subscriptions with a decision on its way: reads do not overwrite their optimistic state. */
  const deciding = ref<Record<string, true>>({});
  /** Ids of each member's subscriptions, most recent start first. */
  const memberIds = ref<Record<string, string[]>>({});
  const pendingLoaded = ref(false);

  const pending = computed(() =>
    Object.values(byId.value)
      .filter((subscription) => subscription.status === 'pending')
      .sort(oldestFirst),
  );
  const pendingCount = computed(() => pending.value.length);

  function remember(view: SubscriptionView): SubscriptionView {
    const known = byId.value[view.id];
    if (known && (deciding.value[view.id] || known.revision > view.revision)) return known;
    const merged: SubscriptionView = { ...view };
    // A freshly started subscription may come back without names; keep those already known.
    if (!merged.memberName && known?.memberName) merged.memberName = known.memberName;
    if (!merged.depotName && known?.depotName) merged.depotName = known.depotName;
    byId.value[view.id] = merged;
    return merged;
  }

  function isDeciding(id: string): boolean {
    return deciding.value[id] === true;
  }

  /** The garden's subscriptions, oldest application first; undefined when the read failed (already toasted). */
  async function fetchList(status?: SubscriptionStatus): Promise<string[] | undefined> {
    const gardenId = requireGardenId();
    const views = await orProblem(() => api.listSubscriptions(gardenId, status));
    if (!views) return undefined;
    views.forEach(remember);
    if (status === undefined || status === 'pending') {
      // Decided elsewhere since we read them: ask each one where it stands now.
      const listed = new Set(views.map((view) => view.id));
      const gone = pending.value.filter((known) => !listed.has(known.id) && !isDeciding(known.id));
      await Promise.all(
        gone.map(async (known) => {
          // Not written yet (answered 202): it stays as we know it.
          await orProblem(async () => {
            remember(await api.getSubscription(gardenId, known.id, { toast: false }));
          });
        }),
      );
      pendingLoaded.value = true;
    }
    return [...views].sort(oldestFirst).map((view) => view.id);
  }

  /** One page of the staff's list; undefined when the read failed (already toasted). */
  async function fetchPage(
    query: api.SubscriptionListQuery,
  ): Promise<(Omit<api.SubscriptionPage, 'subscriptions'> & { ids: string[] }) | undefined> {
    const answer = await orProblem(() => api.listSubscriptionPage(requireGardenId(), query));
    if (!answer) return undefined;
    const { subscriptions, ...rest } = answer;
    return { ...rest, ids: subscriptions.map((view) => remember(view).id) };
  }

  function fetchPending(): Promise<string[] | undefined> {
    return fetchList('pending');
  }

  /** One subscription; throws the ApiError for the page to show (404: not found). */
  async function fetchOne(id: string): Promise<SubscriptionView> {
    return remember(await api.getSubscription(requireGardenId(), id, { toast: false }));
  }

  /** A member's subscriptions; undefined when the read failed (already toasted). */
  async function fetchForMember(memberId: string): Promise<SubscriptionView[] | undefined> {
    const views = await orProblem(() => api.listMemberSubscriptions(requireGardenId(), memberId));
    if (!views) return undefined;
    const kept = views.map(remember).sort((a, b) => b.startDate.localeCompare(a.startDate));
    memberIds.value[memberId] = kept.map((view) => view.id);
    return kept;
  }

  function forMember(memberId: string): SubscriptionView[] {
    return (memberIds.value[memberId] ?? []).map((id) => byId.value[id]).filter((view) => view !== undefined);
  }

  /** A subscription just applied for: kept, and listed first among its member's. */
  function adopt(view: SubscriptionView): SubscriptionView {
    const subscription = remember(view);
    const ids = memberIds.value[subscription.memberId] ?? [];
    if (!ids.includes(subscription.id)) memberIds.value[subscription.memberId] = [subscription.id, ...ids];
    return subscription;
  }

  /** Applies for a subscription; throws the ApiError for the form to show. */
  async function apply(
    application: SubscriptionRequest,
  ): Promise<{ subscription: SubscriptionView; recorded: boolean }> {
    const answer = await api.applyForSubscription(requireGardenId(), application);
    return { subscription: adopt(answer.subscription), recorded: answer.recorded };
  }

  /**
   * Approves, rejects or puts on the waiting list, showing the outcome at once. When the API
   * refuses (already decided, processing unavailable…) the subscription goes back to what it
   * was and the request chain shows the API's sentence. Returns the decided subscription, or
   * undefined when refused; the screen tells the inbox (`useInboxStore().decided`).
   */
  async function decide(
    id: string,
    decision: SubscriptionDecisionInput,
    options: { keepalive?: boolean } = {},
  ): Promise<SubscriptionView | undefined> {
    const before = byId.value[id];
    if (!before || isDeciding(id)) return undefined;
    const session = useSessionStore();
    const effect = outcomes[decision.decision];
    const reason = decision.reason?.trim();
    deciding.value[id] = true;
    byId.value[id] = {
      ...before,
      status: effect.status,
      decision: {
        by: { userId: session.identity?.userId ?? '', name: session.displayName },
        at: new Date().toISOString(),
        outcome: effect.outcome,
        ...(reason ? { reason } : {}),
      },
    };
    const rollBack = () => {
      delete deciding.value[id];
      byId.value[id] = before;
    };
    try {
      return await orProblem(async () => {
        const decided = await api.decideOnSubscription(
          requireGardenId(),
          id,
          { decision: decision.decision, ...(reason ? { reason } : {}) },
          options,
        );
        delete deciding.value[id];
        const kept = remember(decided);
        const name = kept.memberName ?? '';
        useToastStore().success(translate(effect.toast, { name }));
        return kept;
      }, rollBack);
    } catch (error) {
      rollBack();
      throw error;
    }
  }

  /** After an action: the subscription as the workflow left it, and its coming deliveries read again. */
  function acted(view: SubscriptionView): SubscriptionView {
    const kept = remember(view);
    void useDeliveryStore().load(kept.id);
    return kept;
  }

  /**
   * Reports absences, showing them at once on the coming deliveries; a refusal puts them back
   * and is thrown (its sentence says why) for the screen to show.
   */
  async function reportAbsences(id: string, dates: IsoDate[]): Promise<SubscriptionView> {
    const restore = useDeliveryStore().markAbsent(id, dates);
    try {
      return acted(await api.reportAbsences(requireGardenId(), id, dates));
    } catch (error) {
      restore();
      throw error;
    }
  }

  /** Takes an absence back, showing the basket again at once; a refusal restores it and is thrown. */
  async function withdrawAbsence(id: string, date: IsoDate): Promise<SubscriptionView> {
    const restore = useDeliveryStore().markPresent(id, date);
    try {
      return acted(await api.withdrawAbsence(requireGardenId(), id, date));
    } catch (error) {
      restore();
      throw error;
    }
  }

  /** No deliveries from `from`; they resume on `until`. Throws the refusal. */
  async function pause(id: string, from: IsoDate, until: IsoDate): Promise<SubscriptionView> {
    return acted(await api.pauseSubscription(requireGardenId(), id, from, until));
  }

  /** Another depot or basket size; the answer's last change says from which delivery. Throws the refusal. */
  async function changeTerms(id: string, change: TermsChangeInput): Promise<SubscriptionView> {
    return acted(await api.changeTerms(requireGardenId(), id, change));
  }

  async function renew(id: string): Promise<SubscriptionView> {
    return acted(await api.renewSubscription(requireGardenId(), id));
  }

  /** Cancels: by the member without a reason, by staff with one. Throws the refusal. */
  async function cancel(id: string, reason?: string): Promise<SubscriptionView> {
    return acted(await api.cancelSubscription(requireGardenId(), id, reason));
  }

  return {
    byId,
    pending,
    pendingCount,
    pendingLoaded,
    remember,
    isDeciding,
    fetchList,
    fetchPage,
    fetchPending,
    fetchOne,
    fetchForMember,
    forMember,
    adopt,
    apply,
    decide,
    reportAbsences,
    withdrawAbsence,
    pause,
    changeTerms,
    renew,
    cancel,
  };
});
