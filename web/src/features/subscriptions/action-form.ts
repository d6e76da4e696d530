import { ref } from 'vue';
import { orProblem } from '../../api-client/problems.ts';

/**
 * The state of an ActionForm: the refusal it shows and whether it is sending. `send` runs the
 * store's write; an API refusal becomes the form's problem (the request chain has toasted it).
 */
export function useActionForm() {
  const problem = ref<string>();
  const busy = ref(false);

  async function send(write: () => Promise<void>): Promise<void> {
    busy.value = true;
    try {
      await orProblem(write, (error) => {
        problem.value = error.message;
      });
    } finally {
      busy.value = false;
    }
  }

  return { problem, busy, send };
}
