import { ref, type Ref } from 'vue';
import type { ApiError } from '../api-client/request.ts';
import { useFormSubmit, type Checked } from './form-submit.ts';

/**
 * Editing a record that carries a version (a member's details, by staff or by the member): the
 * form opens from the record, a save sends the version it was read at, and a 409 (someone
 * saved meanwhile) offers to read the record again into the form. Nothing typed is lost until
 * the person chooses to reload.
 */
export function useRecordEdit<Record, Form>(options: {
  /** The record as the page shows it now. */
  record: Ref<Record | undefined>;
  /** The form's model, filled from a record. */
  formOf: (record: Record) => Form;
  /** Reads the record again (from the API); undefined when it could not. */
  reload: () => Promise<Record | undefined>;
  /** The fields the form shows, for placing the API's issues. */
  fields: readonly string[];
}) {
  const editing = ref(false);
  const form: Ref<Form | undefined> = ref<Form>();
  const { errors, banner, busy, root, send } = useFormSubmit(options.fields);
  /** Someone saved the record meanwhile (409): the page offers to read it again. */
  const conflict = ref(false);

  function clearProblems(): void {
    errors.value = {};
    banner.value = [];
    conflict.value = false;
  }

  function startEditing(): boolean {
    const current = options.record.value;
    if (!current) return false;
    form.value = options.formOf(current);
    clearProblems();
    editing.value = true;
    return true;
  }

  /** Checks and sends the form; a 409 sets `conflict`. */
  async function save<Check extends Checked>(
    check: (form: Form, current: Record) => Check,
    write: (passed: Extract<Check, { ok: true }>, current: Record) => Promise<void>,
  ): Promise<void> {
    const current = options.record.value;
    if (form.value === undefined || !current) return;
    conflict.value = false;
    await send(
      check(form.value, current),
      (passed) => write(passed, current),
      (error: ApiError) => {
        conflict.value = error.status === 409;
      },
    );
  }

  /** After a conflict: the record as it is now, in the form (the person chose to reload). */
  async function reloadAfterConflict(): Promise<void> {
    const fresh = await options.reload();
    if (!fresh) return;
    form.value = options.formOf(fresh);
    clearProblems();
  }

  return { editing, form, errors, banner, busy, root, conflict, startEditing, save, reloadAfterConflict };
}
