import { ref } from 'vue';
import { orProblem } from './problems.ts';
import type { ApiError } from './request.ts';

/**
 * An action a person starts from a button (save, download, export): `busy` while it runs, to
 * hold the button, and the API's sentence in `failure` when it was refused, to show beside it.
 * `refused` may say more of a refusal (a conflict, say) or undo what was begun.
 */
export function useBusyAction() {
  const busy = ref(false);
  const failure = ref<string>();

  async function run(action: () => Promise<void>, refused?: (error: ApiError) => void): Promise<void> {
    failure.value = undefined;
    busy.value = true;
    try {
      await orProblem(action, (error) => {
        failure.value = error.message;
        refused?.(error);
      });
    } finally {
      busy.value = false;
    }
  }

  return { busy, failure, run };
}
