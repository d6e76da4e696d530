// The Temporal SDK's own metrics, taken from its in-process buffer and handed to the
// process's CloudWatch publisher (adapters/metrics): no Prometheus endpoint to scrape, no
// collector to run beside each worker. Only what an alarm reads is kept (infra/aws
// monitoring-stack.ts): workflow task failures and schedule-to-start latency, for all task
// queues and per task queue.
import { MetricsBuffer, Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { MetricsPublisher } from '../adapters/metrics/cloudwatch-metrics.ts';
import { customMetricNames } from '../adapters/metrics/metric-names.ts';

const temporalMetrics = customMetricNames.temporal;

/** How often the SDK's buffer is drained between two publications (it holds 20,000 updates). */
const drainMs = 5_000;

/** The SDK's names (Core's, without the exporters' `temporal_` prefix) -> what we publish. */
const kept: Record<string, { name: string; kind: 'count' | 'seconds' }> = {
  workflow_task_execution_failed: { name: temporalMetrics.workflowTaskFailures, kind: 'count' },
  workflow_task_schedule_to_start_latency: { name: temporalMetrics.scheduleToStartLatency, kind: 'seconds' },
};

/** The name an update carries, with or without the exporters' prefix. */
function sdkName(name: string): string {
  return name.startsWith('temporal_') ? name.slice('temporal_'.length) : name;
}

/** One buffered update, as the publisher records it. */
export function recordSdkMetric(
  publisher: MetricsPublisher,
  update: { metric: { name: string }; value: number; attributes: Record<string, unknown> },
): void {
  const target = kept[sdkName(update.metric.name)];
  if (!target) return;
  const taskQueue = update.attributes['task_queue'];
  const perQueue = typeof taskQueue === 'string' && taskQueue !== '' ? [{ TaskQueue: taskQueue }] : [];
  for (const dimensions of [{}, ...perQueue]) {
    if (target.kind === 'count') {
      publisher.count(temporalMetrics.namespace, target.name, update.value, dimensions);
    } else {
      publisher.observe(temporalMetrics.namespace, target.name, update.value, 'Seconds', dimensions);
    }
  }
}

/**
 * Installs the process's Temporal runtime with its metrics buffered, drained into the publisher
 * before each of its flushes. Call once, before the first connection; `runtime` are the other
 * runtime options (logger, logging).
 */
export function installRuntimeWithMetrics(publisher: MetricsPublisher, runtime: RuntimeOptions = {}): void {
  const buffer = new MetricsBuffer({ maxBufferSize: 20_000, useSecondsForDurations: true });
  Runtime.install({
    ...runtime,
    telemetryOptions: { ...runtime.telemetryOptions, metrics: { buffer } },
  });
  const drain = () => {
    for (const update of buffer.retrieveUpdates()) recordSdkMetric(publisher, update);
  };
  publisher.beforeFlush(drain);
  setInterval(drain, drainMs).unref();
}
