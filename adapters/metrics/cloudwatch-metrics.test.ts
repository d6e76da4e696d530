import { randomUUID } from 'node:crypto';
import type { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { readConfiguration } from '../../domain/configuration.ts';
import { testEnvironment } from '../../tests/support/environment.ts';
import { metricStatistics } from '../../tests/support/moto.ts';
import {
  cloudWatchLimits,
  createMetricsPublisher,
  maxSeriesPerFlush,
  MetricsSettings,
  metricsPublisherFrom,
} from './cloudwatch-metrics.ts';

/** A namespace of this test's own: moto is shared by every test and never reset. */
const ownNamespace = () => `Cocagne/Test-${randomUUID()}`;

/** What a publisher would send, kept instead of sent (for CloudWatch's size limits). */
function keptRequests() {
  const requests: PutMetricDataCommand['input'][] = [];
  return {
    requests,
    client: {
      send: (command: PutMetricDataCommand) => {
        requests.push(command.input);
        return Promise.resolve({});
      },
    } as never,
  };
}

describe('custom metrics published to CloudWatch (moto)', () => {
  const publisher = metricsPublisherFrom(
    readConfiguration(MetricsSettings, { ...testEnvironment(), METRICS_CLOUDWATCH: 'true' }),
  );

  it('sums counters and keeps every observation of a distribution, per dimension set', async () => {
    const namespace = ownNamespace();
    publisher.count(namespace, 'ExtensionCalls', 1);
    publisher.count(namespace, 'ExtensionCalls', 2);
    publisher.count(namespace, 'ExtensionFallbacks', 4, { Garden: 'val-du-doubs' });
    publisher.count(namespace, 'ExtensionFallbacks', 1, { Garden: 'pays-de-vesoul' });
    for (const seconds of [0.25, 0.25, 3, 12]) {
      publisher.observe(namespace, 'Latency', seconds, 'Seconds', { TaskQueue: 'garden-val-du-doubs' });
    }
    publisher.observe(namespace, 'Rounded', 12.34, 'Seconds');
    await publisher.flush();

    expect(await metricStatistics(namespace, 'ExtensionCalls', [])).toMatchObject({ sum: 3, unit: 'Count' });
    expect(
      await metricStatistics(namespace, 'ExtensionFallbacks', [{ Name: 'Garden', Value: 'val-du-doubs' }]),
    ).toMatchObject({ sum: 4 });
    expect(
      await metricStatistics(namespace, 'ExtensionFallbacks', [{ Name: 'Garden', Value: 'pays-de-vesoul' }]),
    ).toMatchObject({ sum: 1 });
    expect(
      await metricStatistics(namespace, 'Latency', [{ Name: 'TaskQueue', Value: 'garden-val-du-doubs' }]),
    ).toEqual({ samples: 4, sum: 15.5, maximum: 12, unit: 'Seconds' });
    // Kept at two significant digits (percentiles within 5 %, few distinct values to send).
    expect(await metricStatistics(namespace, 'Rounded', [])).toMatchObject({ samples: 1, maximum: 12 });
    // Nothing is sent twice: a second flush with nothing new adds nothing.
    await publisher.flush();
    expect(await metricStatistics(namespace, 'ExtensionCalls', [])).toMatchObject({ sum: 3 });
  });

  it('ignores values CloudWatch refuses instead of losing the whole request', async () => {
    const namespace = ownNamespace();
    for (const value of [Number.NaN, Infinity, -Infinity, 1e308, 5e-324]) {
      publisher.count(namespace, 'Odd', value);
      publisher.observe(namespace, 'Odd', value, 'Seconds');
    }
    publisher.count(namespace, 'Fine', 1);
    await publisher.flush();
    expect(await metricStatistics(namespace, 'Odd', [])).toBeUndefined();
    expect(await metricStatistics(namespace, 'Fine', [])).toMatchObject({ sum: 1 });
  });

  it('logs a period it could not publish, never throws, and publishes the next one', async () => {
    const logged: string[] = [];
    let down = true;
    const sent: unknown[] = [];
    const flaky = createMetricsPublisher({
      client: {
        send: (command: PutMetricDataCommand) => {
          if (down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:443'));
          sent.push(command.input);
          return Promise.resolve({});
        },
      } as never,
      flushSeconds: 60,
      timer: false,
      log: (message) => logged.push(message),
    });
    flaky.count('Cocagne/Extensions', 'ExtensionCalls');
    await expect(flaky.flush()).resolves.toBeUndefined();
    expect(logged.join('\n')).toContain(
      '1 metrics of Cocagne/Extensions not published: connect ECONNREFUSED',
    );
    down = false;
    flaky.count('Cocagne/Extensions', 'ExtensionCalls', 2);
    await flaky.close();
    expect(sent).toEqual([
      expect.objectContaining({
        Namespace: 'Cocagne/Extensions',
        MetricData: [expect.objectContaining({ MetricName: 'ExtensionCalls', Value: 2 })],
      }),
    ]);
  });

  it("stays within CloudWatch's limits: 1,000 datums a request, 150 values a datum", async () => {
    const { requests, client } = keptRequests();
    const bounded = createMetricsPublisher({ client, flushSeconds: 60, timer: false });
    for (let garden = 0; garden < 1_500; garden++) {
      bounded.count('Cocagne/Extensions', 'ExtensionCalls', 1, { Garden: `g-${garden}` });
    }
    // 400 distinct latencies at two significant digits: 0.10 s to 4.09 s in 10 ms steps.
    for (let step = 0; step < 400; step++) {
      bounded.observe('Cocagne/Temporal', 'Latency', 0.1 + step / 100, 'Seconds');
    }
    await bounded.flush();
    const datums = requests.flatMap((request) => request.MetricData ?? []);
    expect(
      requests.every((request) => (request.MetricData?.length ?? 0) <= cloudWatchLimits.datumsPerRequest),
    ).toBe(true);
    expect(datums.filter((datum) => datum.MetricName === 'ExtensionCalls')).toHaveLength(1_500);
    const latency = datums.filter((datum) => datum.MetricName === 'Latency');
    expect(latency.every((datum) => (datum.Values?.length ?? 0) <= cloudWatchLimits.valuesPerDatum)).toBe(
      true,
    );
    expect(latency.flatMap((datum) => datum.Counts ?? []).reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('drops the series beyond its bound in one period, and says how many values it dropped', async () => {
    const { requests, client } = keptRequests();
    const logged: string[] = [];
    const bounded = createMetricsPublisher({
      client,
      flushSeconds: 60,
      timer: false,
      log: (message) => logged.push(message),
    });
    for (let garden = 0; garden < maxSeriesPerFlush + 10; garden++) {
      bounded.count('Cocagne/Extensions', 'ExtensionCalls', 1, { Garden: `__proto__-${garden}` });
    }
    await bounded.flush();
    expect(requests.flatMap((request) => request.MetricData ?? [])).toHaveLength(maxSeriesPerFlush);
    expect(logged).toContain(`10 values dropped: over ${maxSeriesPerFlush} series in one period`);
  });

  it('publishes nothing, and needs no CloudWatch, when METRICS_CLOUDWATCH is not true', async () => {
    const off = metricsPublisherFrom(
      readConfiguration(MetricsSettings, {
        AWS_REGION: 'eu-west-3',
        CLOUDWATCH_ENDPOINT: 'http://127.0.0.1:9',
      }),
    );
    const namespace = ownNamespace();
    off.count(namespace, 'ExtensionCalls');
    await off.close();
    expect(await metricStatistics(namespace, 'ExtensionCalls', [])).toBeUndefined();
  });
});
