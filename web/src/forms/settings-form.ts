import { ref, watch, type Ref } from 'vue';
import type { InputIssue } from '../../../domain/validation.ts';
import { useFormSubmit } from './form-submit.ts';

/** What the form's own check says: the input to send, or what is wrong. */
export type FormCheck<Input> = { ok: true; input: Input } | { ok: false; issues: InputIssue[] };

export interface SettingsFormOptions<Read, Model, Input> {
  /** The store's current reading (undefined until loaded). */
  read: () => Read | undefined;
  /** Reads again from the API. */
  load: () => Promise<void>;
  /** The form's fields, filled from a reading. */
  formOf: (read: Read) => Model;
  /** The form's own check, before anything is sent. */
  check: (model: Model) => FormCheck<Input>;
  /** The fields the form shows: issues about them go beside them, others in the banner. */
  fields: () => readonly string[];
  /** Saves, naming the version read: a colleague's change meanwhile is a 409. */
  save: (input: Input, version: number | undefined) => Promise<Read>;
  mayEdit: () => boolean;
  messages: { saved: () => string; conflict: () => string };
  /** Says the save went through (a toast). */
  onSaved: (message: string) => void;
}

/**
 * A page of the garden's settings that one person edits at a time (contact, prices…): filled
 * from the store, refilled by a fresher reading only while nobody has typed, checked before
 * sending, problems placed beside their fields (the first one focused), a colleague's change
 * meanwhile said in the banner with « Recharger ».
 */
export function useSettingsForm<Read extends { version?: number }, Model, Input>(
  options: SettingsFormOptions<Read, Model, Input>,
) {
  const form: Ref<Model | undefined> = ref();
  // Checked, sent, problems placed and focused as every form (form-submit.ts).
  const { errors, banner, busy, root, send } = useFormSubmit(options.fields);

  let base: Read | undefined;
  function fill(read: Read): void {
    base = read;
    form.value = options.formOf(read);
  }

  watch(
    options.read,
    (read) => {
      if (!read) return;
      const untouched =
        !form.value || !base || JSON.stringify(form.value) === JSON.stringify(options.formOf(base));
      if (untouched) fill(read);
    },
    { immediate: true },
  );

  async function save(): Promise<void> {
    if (!form.value || !options.mayEdit()) return;
    await send(
      options.check(form.value),
      async ({ input }) => {
        fill(await options.save(input, base?.version));
        options.onSaved(options.messages.saved());
      },
      (error) => {
        if (error.status === 409) banner.value = [options.messages.conflict()];
      },
    );
  }

  /** After a conflict: the colleague's version, and the form starts again from it. */
  async function reload(): Promise<void> {
    await options.load();
    const read = options.read();
    if (read) fill(read);
    banner.value = [];
    errors.value = {};
  }

  return { form, errors, banner, busy, root, save, reload };
}
