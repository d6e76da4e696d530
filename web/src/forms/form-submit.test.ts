import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api-client/request.ts';
import { useFormSubmit } from './form-submit.ts';

type Check =
  { ok: true; input: { name: string } } | { ok: false; issues: { field: string; message: string }[] };
const refusedName: Check = { ok: false, issues: [{ field: 'name', message: 'Le nom est obligatoire.' }] };
const named = (name: string): Check => ({ ok: true, input: { name } });

/** A form whose root holds one input, focused when it is said wrong. */
function formWithInput() {
  const form = useFormSubmit(['name']);
  const root = document.createElement('form');
  const input = document.createElement('input');
  root.append(input);
  document.body.append(root);
  form.root.value = root;
  return { form, input };
}

describe('a form checked, then sent', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('places its own issues beside the fields it shows, the others in the banner, and sends nothing', async () => {
    const { form } = formWithInput();
    const sent: string[] = [];
    await form.send(
      { ok: false, issues: [...refusedName.issues, { field: 'season', message: 'Hors saison.' }] },
      async () => {
        sent.push('sent');
      },
    );
    expect(form.errors.value).toEqual({ name: 'Le nom est obligatoire.' });
    expect(form.banner.value).toEqual(['Hors saison.']);
    expect(sent).toEqual([]);
  });

  it('sends what passed, clears the messages, and is busy only while sending', async () => {
    const { form } = formWithInput();
    await form.send(refusedName, async () => {});
    const busyWhileSending: boolean[] = [];
    await form.send(named('Louise'), async ({ input }) => {
      busyWhileSending.push(form.busy.value);
      expect(input).toEqual({ name: 'Louise' });
    });
    expect(busyWhileSending).toEqual([true]);
    expect(form.busy.value).toBe(false);
    expect(form.errors.value).toEqual({});
    expect(form.banner.value).toEqual([]);
  });

  it("places the API's issues the same way, says a refusal without issues on top, and lets the form say more", async () => {
    const { form } = formWithInput();
    const refusals: number[] = [];
    await form.send(
      named('x'),
      async () => {
        throw new ApiError(400, 'invalid_input', 'Données refusées.', [
          { field: 'name', message: 'Trop long.' },
          { field: 'version', message: 'Version inconnue.' },
        ]);
      },
      (error) => refusals.push(error.status),
    );
    expect(form.errors.value).toEqual({ name: 'Trop long.' });
    expect(form.banner.value).toEqual(['Version inconnue.']);

    await form.send(
      named('x'),
      async () => {
        throw new ApiError(409, 'conflict', 'Modifié entre-temps.');
      },
      (error) => refusals.push(error.status),
    );
    expect(form.errors.value).toEqual({});
    expect(form.banner.value).toEqual(['Modifié entre-temps.']);
    expect(refusals).toEqual([400, 409]);
    expect(form.busy.value).toBe(false);
  });

  it('focuses the first field said wrong', async () => {
    const { form, input } = formWithInput();
    input.setAttribute('aria-invalid', 'true');
    await form.send(refusedName, async () => {});
    expect(document.activeElement).toBe(input);
  });

  it('throws on what is not a refusal of the API (a bug), and is no longer busy', async () => {
    const { form } = formWithInput();
    await expect(
      form.send(named('x'), async () => {
        throw new TypeError('bug');
      }),
    ).rejects.toThrow('bug');
    expect(form.busy.value).toBe(false);
  });
});
