import { defineStore } from 'pinia';
import { ref } from 'vue';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** How long a toast stays, in ms: errors stay longer, they must be read. */
const lifetimes: Record<ToastKind, number> = { success: 5000, info: 6000, error: 10000 };

/** Short messages to the person: confirmations and errors that are not tied to a field. */
export const useToastStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let lastId = 0;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  function show(kind: ToastKind, text: string): number {
    // The same sentence twice in a row (two failed calls of one screen) is said once.
    const same = toasts.value.find((toast) => toast.kind === kind && toast.text === text);
    if (same) return same.id;
    const id = ++lastId;
    toasts.value = [...toasts.value, { id, kind, text }];
    setTimeout(() => dismiss(id), lifetimes[kind]);
    return id;
  }

  return {
    toasts,
    show,
    dismiss,
    success: (text: string) => show('success', text),
    error: (text: string) => show('error', text),
    info: (text: string) => show('info', text),
  };
});
