import { ref } from 'vue';
import { orProblem } from '../api-client/problems.ts';

/**
 * The one record a page stands on (a member, a subscription), read with what PageState shows
 * meanwhile: `loading`, the problem met (`loadError`), or that there is no such record
 * (`notFound`: a 404, or any status in `notFoundStatuses`, such as a 403 for a member's page
 * about someone else's record). `load` answers the record, or undefined when the read failed.
 */
export function usePageReading<Read>(read: () => Promise<Read>, notFoundStatuses: readonly number[] = [404]) {
  const loading = ref(false);
  const loadError = ref<string>();
  const notFound = ref(false);

  async function load(): Promise<Read | undefined> {
    loading.value = true;
    loadError.value = undefined;
    notFound.value = false;
    try {
      return await orProblem(read, (problem) => {
        if (notFoundStatuses.includes(problem.status)) notFound.value = true;
        else loadError.value = problem.message;
      });
    } finally {
      loading.value = false;
    }
  }

  return { loading, loadError, notFound, load };
}
