// The custom metrics' CloudWatch namespaces and names: what the processes publish
// (adapters/metrics/cloudwatch-metrics.ts) and what the alarms of infra/aws/monitoring-stack.ts
// read, from this one place.
export const customMetricNames = {
  /**
   * The Temporal SDK's own metrics, from the workers' in-process buffer (temporal/sdk-metrics.ts),
   * without dimensions (all task queues) and per `TaskQueue`.
   */
  temporal: {
    namespace: 'Cocagne/Temporal',
    /** A counter: workflow tasks that failed (non-determinism, a bug in workflow code). */
    workflowTaskFailures: 'temporal_workflow_task_execution_failed',
    /** A distribution in seconds: how long workflow tasks waited for a worker. */
    scheduleToStartLatency: 'temporal_workflow_task_schedule_to_start_latency',
  },
  /** The gardens' deployments brought to the running release (activities/provisioning/garden-refresh.ts). */
  gardens: {
    namespace: 'Cocagne/Gardens',
    /** A count: gardens whose objects could not be applied again, after their attempts. */
    refreshFailures: 'GardenRefreshFailures',
  },
  /** Each extension hook call, and each that fell back to the built-in behaviour; all gardens and per `Garden`. */
  extensions: {
    namespace: 'Cocagne/Extensions',
    calls: 'ExtensionCalls',
    fallbacks: 'ExtensionFallbacks',
  },
} as const;
