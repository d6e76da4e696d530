import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { NewGardenRequest, OperationDecision } from '../../../../domain/garden-provisioning.ts';
import { orProblem } from '../../api-client/problems.ts';
import * as api from './network-gardens-api.ts';
import type { GardenOperation, NetworkGarden, Operation } from './network-gardens-api.ts';

/** How often a running operation is read again. */
export const followEveryMs = 1_500;

/** An operation that will change without anyone's decision. */
export const isMoving = (operation: Operation | undefined) =>
  operation?.state === 'running' || operation?.state === 'compensating';

/**
 * The network's gardens, and the one operation the page follows (a creation or a retirement):
 * read again every 1.5 s while it runs, left alone while it waits for a decision or is over.
 * The list is read again when an operation ends, so its state badge follows.
 */
export const useNetworkGardensStore = defineStore('network-gardens', () => {
  const gardens = ref<NetworkGarden[]>([]);
  const loading = ref(false);
  const error = ref<string>();

  const operation = ref<Operation>();
  /** Why the followed operation could not be read lately (it is read again all the same). */
  const operationError = ref<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sorted = computed(() => [...gardens.value].sort((a, b) => a.name.localeCompare(b.name, 'fr')));

  async function load(): Promise<void> {
    loading.value = true;
    error.value = undefined;
    try {
      const read = await orProblem(api.listGardens, (problem) => {
        error.value = problem.message;
      });
      if (read) gardens.value = read;
    } finally {
      loading.value = false;
    }
  }

  function stopFollowing(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  }

  function show(read: Operation): void {
    const wasMoving = isMoving(operation.value);
    operation.value = read;
    stopFollowing();
    if (isMoving(read)) timer = setTimeout(() => void readAgain(), followEveryMs);
    else if (wasMoving) void load();
  }

  async function readAgain(): Promise<void> {
    const current = operation.value;
    if (!current) return;
    const read = await orProblem(
      () => api.getOperation(current.gardenId, current.operation),
      (problem) => {
        operationError.value = problem.message;
      },
    );
    // The page may have moved on to another operation meanwhile.
    if (operation.value !== current) return;
    if (read) {
      operationError.value = undefined;
      show(read);
    } else {
      timer = setTimeout(() => void readAgain(), followEveryMs);
    }
  }

  /** Follows a garden's latest operation of that kind; undefined (nothing shown) when it has none. */
  async function follow(slug: string, kind: GardenOperation): Promise<void> {
    stopFollowing();
    operation.value = undefined;
    operationError.value = undefined;
    const read = await orProblem(
      () => api.getOperation(slug, kind),
      (problem) => {
        operationError.value = problem.message;
      },
    );
    if (read) show(read);
  }

  /** Throws the ApiError: its issues belong beside the form's fields (409: the slug). */
  async function create(request: NewGardenRequest): Promise<Operation> {
    const started = await api.createGarden(request);
    operationError.value = undefined;
    show(started);
    void load();
    return started;
  }

  /** Throws the ApiError (409: the garden is not active or suspended). */
  async function retire(slug: string): Promise<Operation> {
    const started = await api.retireGarden(slug);
    operationError.value = undefined;
    show(started);
    void load();
    return started;
  }

  /** Throws the ApiError (409: the operation no longer waits). */
  async function decide(decision: OperationDecision): Promise<Operation> {
    const current = operation.value;
    if (!current) throw new Error('No operation is followed.');
    const decided = await api.decide(current.gardenId, current.operation, decision);
    show(decided);
    return decided;
  }

  function close(): void {
    stopFollowing();
    operation.value = undefined;
    operationError.value = undefined;
  }

  return {
    gardens,
    sorted,
    loading,
    error,
    operation,
    operationError,
    load,
    follow,
    create,
    retire,
    decide,
    close,
  };
});
