import { ref, watch } from 'vue';
import { fieldLabels } from '../../../../domain/field-labels.ts';
import { journalForStaffLabel } from '../../../../domain/garden-rules.ts';
import type { GardenRules } from '../../../../domain/garden-rules.ts';
import { useFormSubmit } from '../../forms/form-submit.ts';
import { currentLocale, translate } from '../../i18n/index.ts';
import { useGardenSettingsStore } from '../calendar/garden-settings-store.ts';
import {
  changedRules,
  checkRulesForm,
  keepTyped,
  ruleNames,
  rulesFormOf,
  type RulesFormModel,
} from './rules-form.ts';

/**
 * The rules form of the « Règles du jardin » page: filled from the garden's rules (refilled by a
 * fresher reading only while nobody has typed), checked against the API's schema before
 * sending, refusals placed beside their rule (the first one focused), « Enregistré » once
 * saved. A colleague's save meanwhile is said in the banner; « Recharger » takes their version
 * and keeps every rule this person changed, so nothing typed is lost.
 */
export function useRulesEditing(mayEdit: () => boolean) {
  const settings = useGardenSettingsStore();
  const form = ref<RulesFormModel>();
  const { errors, banner, busy, root, send } = useFormSubmit(ruleNames);
  /** The last save went through, and nothing was changed since. */
  const saved = ref(false);
  /** After « Recharger »: the rules this person had changed, kept over the colleague's version. */
  const kept = ref<string[]>([]);
  let filledFrom: GardenRules | undefined;

  function fill(rules: GardenRules): void {
    filledFrom = rules;
    form.value = rulesFormOf(rules);
  }

  const touched = () =>
    !!form.value && !!filledFrom && changedRules(form.value, rulesFormOf(filledFrom)).length > 0;

  watch(
    () => settings.rules,
    (rules) => {
      if (rules && !touched()) fill(rules);
    },
    { immediate: true },
  );
  watch(
    form,
    () => {
      if (touched()) saved.value = false;
      else kept.value = [];
    },
    { deep: true },
  );

  async function save(): Promise<void> {
    if (!form.value || !mayEdit()) return;
    saved.value = false;
    kept.value = [];
    await send(
      checkRulesForm(form.value, currentLocale()),
      async ({ input }) => {
        fill(await settings.saveRules(input, filledFrom?.version));
        saved.value = true;
      },
      (error) => {
        if (error.status === 409) banner.value = [translate('gardenRules.conflict')];
      },
    );
  }

  /** After a conflict: the colleague's version, with this person's changes kept over it. */
  async function reload(): Promise<void> {
    const typed = form.value;
    const before = filledFrom;
    await settings.loadRules({ force: true });
    const fresh = settings.rules;
    if (!fresh || settings.rulesConflict) return;
    form.value =
      typed && before ? keepTyped(typed, rulesFormOf(before), rulesFormOf(fresh)) : rulesFormOf(fresh);
    filledFrom = fresh;
    kept.value = changedRules(form.value, rulesFormOf(fresh)).map(
      (name) =>
        (name === 'journalForStaff' ? journalForStaffLabel : fieldLabels[name])?.[currentLocale()] ?? name,
    );
    banner.value = [];
    errors.value = {};
  }

  return { form, errors, banner, busy, root, saved, kept, save, reload };
}
