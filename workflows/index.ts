// Every workflow the worker runs, one folder per process.
export { subscriptionWorkflow } from './subscription/workflow.ts';
export { gardenSettingsBroadcast } from './garden-settings/workflow.ts';
export { gardenConfigurationCopy } from './garden-settings/configuration-copy.ts';
export { weekPreparation, weekPreparationTrigger } from './week/workflow.ts';
export { invoicePayment } from './payment/workflow.ts';
export { billingRun, billingRunTrigger } from './billing/workflow.ts';
export { deliveryRound } from './round/workflow.ts';
export { extensionRollout } from './extension-rollout/workflow.ts';
export { gardenProvisioning, gardenRetirement } from './garden-provisioning/workflow.ts';
export { historyArchive } from './history-archive/workflow.ts';
export { memberDataExport } from './member-data-export/workflow.ts';
export { termsNotice } from './terms-notice/workflow.ts';
export { memberErasure } from './member-erasure/workflow.ts';
export { retentionSweep } from './retention/workflow.ts';
