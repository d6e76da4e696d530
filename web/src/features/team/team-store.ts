import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isApiError } from '../../api-client/request.ts';
import { requireGardenId } from '../../stores/session.ts';
import * as api from './team-api.ts';
import type { Invitation, Teammate, TeamRole } from './team-api.ts';

/**
 * The garden's team (staff, drivers, garden administrators), as its administrators manage it.
 * Each change is the API's answer put in place of the row: nothing is shown changed before the
 * identity provider has it.
 */
export const useTeamStore = defineStore('team', () => {
  const teammates = ref<Teammate[]>([]);
  const loading = ref(false);
  const error = ref<string | undefined>();

  const sorted = computed(() =>
    [...teammates.value].sort(
      (a, b) => a.lastName.localeCompare(b.lastName, 'fr') || a.firstName.localeCompare(b.firstName, 'fr'),
    ),
  );

  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      teammates.value = await api.getTeam(requireGardenId());
    } catch (failure) {
      error.value = isApiError(failure) ? failure.message : String(failure);
    } finally {
      loading.value = false;
    }
  }

  function replace(changed: Teammate): Teammate {
    const index = teammates.value.findIndex((teammate) => teammate.id === changed.id);
    if (index === -1) teammates.value.push(changed);
    else teammates.value.splice(index, 1, changed);
    return changed;
  }

  /** Throws the ApiError (its issues name the fields; 409: the address is taken). */
  async function invite(invitation: Invitation): Promise<Teammate> {
    return replace(await api.invite(requireGardenId(), invitation));
  }

  async function changeRole(userId: string, role: TeamRole): Promise<Teammate> {
    return replace(await api.setRole(requireGardenId(), userId, role));
  }

  async function setEnabled(userId: string, enabled: boolean): Promise<Teammate> {
    return replace(await api.setEnabled(requireGardenId(), userId, enabled));
  }

  return { teammates, sorted, loading, error, load, invite, changeRole, setEnabled };
});
