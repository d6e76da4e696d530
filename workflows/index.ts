// Every workflow the worker runs, one file per process.
export { subscriptionWorkflow } from './subscription/workflow.ts';
