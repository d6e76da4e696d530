import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Garden } from '../../../domain/garden.ts';
import { gardenAdminRoles, hasAnyRole, staffRoles } from '../../../domain/roles.ts';
import { fetchGarden, fetchMe, type Identity } from '../api-client/me.ts';
import { refreshNow } from '../auth/keycloak.ts';

export type SessionStatus = 'starting' | 'anonymous' | 'signed-in' | 'failed';
/** Which start-up step failed: reading the configuration, the sign-in service, or /api/me. */
export type StartupFailure = 'config' | 'signIn' | 'identity';

/** Who is signed in, and in which garden they work. Filled by `hydrate()`. */
export const useSessionStore = defineStore('session', () => {
  const status = ref<SessionStatus>('starting');
  const failure = ref<StartupFailure>();
  const identity = ref<Identity>();
  /** A network admin belongs to no garden: the one they opened. */
  const openedGarden = ref<Garden>();

  const roles = computed(() => identity.value?.roles ?? []);
  const isStaff = computed(() => hasAnyRole(roles.value, staffRoles));
  const isMember = computed(() => roles.value.includes('member'));
  const isDriver = computed(() => roles.value.includes('driver'));
  const isNetworkAdmin = computed(() => roles.value.includes('network-admin'));
  /** Sets the garden's own terms (rules, prices, billing model, legal details); other staff read them. */
  const isGardenAdmin = computed(() => hasAnyRole(roles.value, gardenAdminRoles));
  const garden = computed(() => identity.value?.garden ?? openedGarden.value);
  const gardenId = computed(() => identity.value?.gardenId ?? openedGarden.value?.id);
  const memberId = computed(() => identity.value?.memberId);
  const displayName = computed(() => identity.value?.name ?? '');

  /**
   * An account that belongs to no garden and acts for none (a person who just registered,
   * or a member whose garden let them go): it may join a garden from the web.
   */
  const mayJoin = computed(
    () =>
      status.value === 'signed-in' &&
      !identity.value?.gardenId &&
      !isStaff.value &&
      !isDriver.value &&
      !isNetworkAdmin.value,
  );

  /** Where a person lands: their area, by role (staff first, then member, then driver). */
  const homePath = computed(() => {
    if (status.value !== 'signed-in' || !identity.value) return '/connexion';
    if (isStaff.value) {
      if (gardenId.value) return '/equipe';
      return isNetworkAdmin.value ? '/reseau' : '/compte-sans-jardin';
    }
    if (mayJoin.value) return '/adhesion';
    if (!identity.value.gardenId) return '/compte-sans-jardin';
    if (isMember.value) return '/adherent';
    if (isDriver.value) return '/chauffeur';
    return '/compte-sans-jardin';
  });

  function signedIn(who: Identity): void {
    identity.value = who;
    failure.value = undefined;
    status.value = 'signed-in';
  }

  function signedOut(): void {
    identity.value = undefined;
    openedGarden.value = undefined;
    status.value = 'anonymous';
  }

  function failed(step: StartupFailure): void {
    failure.value = step;
    status.value = 'failed';
  }

  /**
   * Reads the account again with a new token: after joining a garden, the account's garden,
   * member record and role are in the next token, not in the one held. Throws the ApiError.
   */
  async function refreshIdentity(): Promise<Identity> {
    await refreshNow();
    const who = await fetchMe();
    signedIn(who);
    return who;
  }

  /** Opens a garden for a network admin; throws the API's error when it does not exist. */
  async function openGarden(id: string): Promise<Garden> {
    const found = await fetchGarden(id);
    openedGarden.value = found;
    return found;
  }

  return {
    status,
    failure,
    identity,
    roles,
    isStaff,
    isMember,
    isDriver,
    isNetworkAdmin,
    isGardenAdmin,
    garden,
    gardenId,
    memberId,
    displayName,
    homePath,
    mayJoin,
    signedIn,
    refreshIdentity,
    signedOut,
    failed,
    openGarden,
  };
});

/** The garden of the signed-in person; the screens that call it are only reachable with one. */
export function requireGardenId(): string {
  const gardenId = useSessionStore().gardenId;
  if (!gardenId) throw new Error('No garden is open.');
  return gardenId;
}
