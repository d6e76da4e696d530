import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import { Value } from 'typebox/value';
import type { HookAnswer } from '../../../../domain/extensions/solidarity-price.ts';
import {
  answerProblems,
  SignUpChecksOutput,
  signUpChecksHook,
  type SignUpChecksInput,
  type SignUpField,
  type SignUpProblem,
} from '../../../../domain/extensions/sign-up-checks.ts';
import { apiBase } from '../../api-client/request.ts';
import { startBrowserExtension, type BrowserExtension } from './browser-extension.ts';

/** The module a garden runs for a hook in the browser, as GET …/extension-modules/:hook answers. */
export interface BrowserModule {
  hook: string;
  name: string;
  version: string;
  contentHash: string;
  /** Where its bytes are (cacheable for ever: the address holds the content hash). */
  url: string;
}

/** The garden's active module for a browser hook, or undefined (none, or out of reach). */
export async function activeBrowserModule(
  gardenId: string,
  hook: string,
): Promise<BrowserModule | undefined> {
  try {
    const response = await fetch(
      `${apiBase}/gardens/${encodeURIComponent(gardenId)}/extension-modules/${encodeURIComponent(hook)}`,
      { headers: { accept: 'application/json' } },
    );
    if (!response.ok) return undefined;
    const answer = (await response.json()) as { module: BrowserModule | null };
    return answer.module ?? undefined;
  } catch {
    return undefined;
  }
}

/** The module's bytes, checked against its content hash (SHA-256) when the browser can hash. */
async function moduleBytes(module: BrowserModule): Promise<ArrayBuffer | undefined> {
  const response = await fetch(module.url);
  if (!response.ok) return undefined;
  const bytes = await response.arrayBuffer();
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    if (hex !== module.contentHash) return undefined;
  }
  return bytes;
}

const exportName = signUpChecksHook.name.replaceAll('-', '_');

function isEmpty(field: SignUpField, answer: HookAnswer | undefined): boolean {
  return answer === undefined || answer === '' || (field.kind === 'checkbox' && answer === false);
}

/**
 * The garden's sign-up-checks extension in the form: the extra fields it declares and, as the
 * person types, what it finds wrong (its own problems, and answers that do not fit their field).
 * Instant feedback only: the server runs the same module on submission and its answer counts.
 * Without an extension, or when it fails or takes too long, the form has no extra field or check.
 */
export function useSignUpChecks(
  gardenId: () => string,
  /** The hook's input from the form, given the extra fields declared so far. */
  inputOf: (fields: readonly SignUpField[]) => SignUpChecksInput,
) {
  const fields: Ref<SignUpField[]> = ref([]);
  /** The module's problems, and those of answers given that do not fit their field. */
  const problems: Ref<SignUpProblem[]> = ref([]);
  /** Which module answers (for a data attribute and the tests), once it has answered. */
  const active = shallowRef<BrowserModule | undefined>();
  const input = () => inputOf(fields.value);
  let extension: BrowserExtension | undefined;
  let latest = 0;
  let unmounted = false;

  async function check(): Promise<void> {
    if (!extension?.alive) return;
    const asked = input();
    const ticket = ++latest;
    const output = await extension.call(exportName, asked);
    if (ticket !== latest) return; // a newer input is being checked
    if (!Value.Check(SignUpChecksOutput, output)) {
      fields.value = [];
      problems.value = [];
      return;
    }
    fields.value = output.fields;
    const given = output.fields.filter((field) => !isEmpty(field, asked.answers[field.key]));
    problems.value = [...output.problems, ...answerProblems(given, asked.answers)];
  }

  async function start(): Promise<void> {
    const module = await activeBrowserModule(gardenId(), signUpChecksHook.name);
    if (!module || unmounted) return;
    const bytes = await moduleBytes(module).catch(() => undefined);
    if (!bytes || unmounted) return;
    extension = await startBrowserExtension(bytes, {
      onFailure: (message) => console.warn(`Extension ${module.name} ${module.version}: ${message}`),
    });
    if (unmounted) extension?.close();
    if (!extension) return;
    active.value = module;
    await check();
  }

  onMounted(() => void start());
  watch(input, () => void check(), { deep: true });
  onBeforeUnmount(() => {
    unmounted = true;
    extension?.close();
  });

  /** The problems about one field (an extra field's key, or an application field). */
  const problemsOf = (field: string) => problems.value.filter((problem) => problem.field === field);

  return { fields, problems, active, problemsOf };
}
