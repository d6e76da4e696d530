import { defineSignal } from '@temporalio/workflow';

/**
 * The contract every process shares for its incidents: staff ask a stalled step to be tried
 * again now, from the inbox (the workflow id is the incident's).
 */
export const retryNowSignal = defineSignal('retryNow');
