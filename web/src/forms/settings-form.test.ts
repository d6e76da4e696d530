import { describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { ApiError } from '../api-client/request.ts';
import { useSettingsForm, type FormCheck } from './settings-form.ts';

interface Read {
  name: string;
  version: number;
}
interface Model {
  name: string;
}

/** A settings page over a store that answers from a script. */
function settingsPage(answers: Array<Read | ApiError>) {
  const stored = ref<Read | undefined>({ name: 'Jardin', version: 1 });
  const sent: Array<{ name: string; version: number | undefined }> = [];
  const toasts: string[] = [];
  const scope = effectScope();
  const page = scope.run(() =>
    useSettingsForm<Read, Model, Model>({
      read: () => stored.value,
      load: async () => {
        stored.value = { name: 'Jardin du voisin', version: 2 };
      },
      formOf: (read) => ({ name: read.name }),
      check: (model): FormCheck<Model> =>
        model.name.trim()
          ? { ok: true, input: { name: model.name.trim() } }
          : { ok: false, issues: [{ field: 'name', message: 'Le nom est obligatoire.' }] },
      fields: () => ['name'],
      save: async (input, version) => {
        sent.push({ ...input, version });
        const answer = answers.shift();
        if (!answer || answer instanceof ApiError) throw answer ?? new Error('no answer');
        return answer;
      },
      mayEdit: () => true,
      messages: { saved: () => 'Enregistré.', conflict: () => 'Modifié entre-temps.' },
      onSaved: (message) => toasts.push(message),
    }),
  );
  if (!page) throw new Error('no page');
  return { page, stored, sent, toasts };
}

describe('a settings form', () => {
  it('refuses an empty name beside its field and sends nothing', async () => {
    const { page, sent } = settingsPage([]);
    page.form.value = { name: '  ' };
    await page.save();
    expect(page.errors.value).toEqual({ name: 'Le nom est obligatoire.' });
    expect(sent).toEqual([]);
  });

  it('saves with the version read, then starts from what was saved', async () => {
    const { page, sent, toasts } = settingsPage([{ name: 'Jardin de Cocagne', version: 2 }]);
    page.form.value = { name: 'Jardin de Cocagne ' };
    await page.save();
    expect(sent).toEqual([{ name: 'Jardin de Cocagne', version: 1 }]);
    expect(toasts).toEqual(['Enregistré.']);
    expect(page.form.value).toEqual({ name: 'Jardin de Cocagne' });
    expect(page.busy.value).toBe(false);
  });

  it("places the API's refusal beside its field, says a colleague's change, and reloads from it", async () => {
    const refused = new ApiError(400, 'invalid_input', 'Données refusées.', [
      { field: 'name', message: 'Trop long.' },
      { field: 'version', message: 'Version inconnue.' },
    ]);
    const conflict = new ApiError(409, 'conflict', 'Conflit.');
    const { page } = settingsPage([refused, conflict]);
    page.form.value = { name: 'x'.repeat(10) };
    await page.save();
    expect(page.errors.value).toEqual({ name: 'Trop long.' });
    expect(page.banner.value).toEqual(['Version inconnue.']);

    await page.save();
    expect(page.banner.value).toEqual(['Modifié entre-temps.']);
    await page.reload();
    expect(page.form.value).toEqual({ name: 'Jardin du voisin' });
    expect(page.banner.value).toEqual([]);
    expect(page.errors.value).toEqual({});
  });

  it('takes a fresher reading only while nobody has typed', async () => {
    const { page, stored } = settingsPage([]);
    stored.value = { name: 'Relu', version: 2 };
    await nextTick();
    expect(page.form.value).toEqual({ name: 'Relu' });
    page.form.value = { name: 'Tapé' };
    stored.value = { name: 'Relu encore', version: 3 };
    await nextTick();
    expect(page.form.value).toEqual({ name: 'Tapé' });
  });
});
