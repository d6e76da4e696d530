import { ref } from 'vue';
import type { InputIssue } from '../../../domain/validation.ts';
import type { ApiError } from '../api-client/request.ts';
import { orProblem } from '../api-client/problems.ts';
import { focusFirstProblem } from './focus.ts';
import { placeIssues } from './issues.ts';

/** What a form's own check says: `ok` with what to send, or the issues found. */
export type Checked = { ok: true } | { ok: false; issues: readonly InputIssue[] };

/**
 * A form checked in the browser, then sent: its problems go beside the fields it shows (`errors`),
 * the others to its banner, and the first one is focused (inside `root`). What the person typed
 * stays; only the messages change.
 *
 *   const { errors, banner, busy, root, send } = useFormSubmit(memberFormFields);
 *   await send(checkMemberForm(form.value, currentLocale()), async ({ input }) => { … });
 */
export function useFormSubmit(fields: readonly string[] | (() => readonly string[])) {
  /** The fields the form shows now (a form may show more of them as it is filled). */
  const shown = () => (typeof fields === 'function' ? fields() : fields);
  const errors = ref<Record<string, string>>({});
  const banner = ref<string[]>([]);
  const busy = ref(false);
  const root = ref<HTMLElement>();

  /**
   * Sends what passed `check` through `write` (the store's write), or shows why not. An API
   * refusal places its issues the same way; one without issues (a duplicate, a past date…) is
   * said on top. `refused` may say more of it (a conflict, say) before the focus moves.
   */
  async function send<Check extends Checked>(
    check: Check,
    write: (passed: Extract<Check, { ok: true }>) => Promise<void>,
    refused?: (error: ApiError) => void,
  ): Promise<void> {
    banner.value = [];
    if (!check.ok) {
      const placed = placeIssues(check.issues, shown());
      errors.value = placed.byField;
      banner.value = placed.general;
      await focusFirstProblem(root.value);
      return;
    }
    errors.value = {};
    busy.value = true;
    try {
      await orProblem(
        () => write(check as Extract<Check, { ok: true }>),
        async (error) => {
          const placed = placeIssues(error.issues, shown());
          errors.value = placed.byField;
          banner.value = error.issues.length === 0 ? [error.message] : placed.general;
          refused?.(error);
          await focusFirstProblem(root.value);
        },
      );
    } finally {
      busy.value = false;
    }
  }

  return { errors, banner, busy, root, send };
}
