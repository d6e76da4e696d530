import { describe, expect, it } from 'vitest';
import type { MetricsPublisher } from '../adapters/metrics/cloudwatch-metrics.ts';
import { customMetricNames } from '../adapters/metrics/metric-names.ts';
import { recordSdkMetric } from './sdk-metrics.ts';

/** A publisher that keeps what it is given (the CloudWatch one is tested against moto). */
function keptMetrics() {
  const kept: Array<[string, string, string, number, Record<string, string> | undefined]> = [];
  const publisher: MetricsPublisher = {
    count: (namespace, name, value = 1, dimensions) =>
      kept.push(['count', namespace, name, value, dimensions]),
    observe: (namespace, name, value, _unit, dimensions) =>
      kept.push(['observe', namespace, name, value, dimensions]),
    beforeFlush: () => {},
    flush: async () => {},
    close: async () => {},
  };
  return { kept, publisher };
}

describe("the Temporal SDK's buffered metrics, as CloudWatch gets them", () => {
  const { namespace, workflowTaskFailures, scheduleToStartLatency } = customMetricNames.temporal;

  it('publishes the failures and the latency for all task queues and for each, and nothing else', () => {
    const { kept, publisher } = keptMetrics();
    const update = (name: string, value: number, attributes: Record<string, unknown>) =>
      recordSdkMetric(publisher, { metric: { name }, value, attributes });
    update('workflow_task_execution_failed', 1, { task_queue: 'garden-val-du-doubs', namespace: 'default' });
    update('temporal_workflow_task_schedule_to_start_latency', 0.042, { task_queue: 'network' });
    update('workflow_task_schedule_to_start_latency', 0.5, {});
    update('workflow_completed', 1, { task_queue: 'network' });
    update('sticky_cache_size', 12, {});
    expect(kept).toEqual([
      ['count', namespace, workflowTaskFailures, 1, {}],
      ['count', namespace, workflowTaskFailures, 1, { TaskQueue: 'garden-val-du-doubs' }],
      ['observe', namespace, scheduleToStartLatency, 0.042, {}],
      ['observe', namespace, scheduleToStartLatency, 0.042, { TaskQueue: 'network' }],
      ['observe', namespace, scheduleToStartLatency, 0.5, {}],
    ]);
  });
});
