import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ProcessingRegister } from '../../../../domain/processing-register.ts';
import { orProblem } from '../../api-client/problems.ts';
import * as api from './register-api.ts';

/**
 * The register of processing activities (RGPD article 30), read for the network administrator,
 * and its PDF fetched through the request chain (the API wants the bearer token).
 */
export const useProcessingRegisterStore = defineStore('network-register', () => {
  const register = ref<ProcessingRegister>();
  const loading = ref(false);
  const error = ref<string>();
  const pdf = ref<{ url: string; filename: string }>();
  const downloading = ref(false);
  const pdfError = ref<string>();

  /** Each processor's name by its id, for the activities' lists. */
  const processorNames = computed(
    () => new Map((register.value?.processors ?? []).map((processor) => [processor.id, processor.name])),
  );

  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      const read = await orProblem(api.getProcessingRegister, (problem) => {
        error.value = problem.message;
      });
      if (read) register.value = read;
    } finally {
      loading.value = false;
    }
  }

  /** Fetches the PDF and keeps an object URL for it (the previous one released). */
  async function fetchPdf(): Promise<{ url: string; filename: string } | undefined> {
    downloading.value = true;
    pdfError.value = undefined;
    try {
      const file = await orProblem(api.downloadProcessingRegister, (problem) => {
        pdfError.value = problem.message;
      });
      if (!file) return undefined;
      if (pdf.value) URL.revokeObjectURL(pdf.value.url);
      pdf.value = {
        url: URL.createObjectURL(file.blob),
        filename: file.filename ?? 'registre-des-traitements.pdf',
      };
      return pdf.value;
    } finally {
      downloading.value = false;
    }
  }

  return { register, loading, error, pdf, downloading, pdfError, processorNames, load, fetchPdf };
});
