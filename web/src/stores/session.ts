import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Garden } from '../../../domain/garden.ts';
import { hasAnyRole, staffRoles } from '../../../domain/roles.ts';
import { fetchGarden, type Identity } from '../api-client/me.ts';

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
  const garden = computed(() => identity.value?.garden ?? openedGarden.value);
  const gardenId = computed(() => identity.value?.gardenId ?? openedGarden.value?.id);
  const memberId = computed(() => identity.value?.memberId);
  const displayName = computed(() => identity.value?.name ?? '');

  /** Where a person lands: their area, by role (staff first, then member, then driver). */
  const homePath = computed(() => {
    if (status.value !== 'signed-in' || !identity.value) return '/connexion';
    if (isStaff.value) {
      if (gardenId.value) return '/equipe/adherents';
      return isNetworkAdmin.value ? '/reseau' : '/compte-sans-jardin';
    }
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
    garden,
    gardenId,
    memberId,
    displayName,
    homePath,
    signedIn,
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
