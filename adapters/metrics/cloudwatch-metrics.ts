// Custom metrics for CloudWatch: what the alarms of infra/aws/monitoring-stack.ts read that AWS
// does not measure itself (the Temporal SDK's workflow task failures and schedule-to-start
// latency, the extensions' calls and fallbacks). Values gather in memory and go out once a
// flush period (a minute by default) in PutMetricData calls; off unless METRICS_CLOUDWATCH is
// true, so the local stack and the tests publish nothing unless they ask.
import Type from 'typebox';
import {
  CloudWatchClient,
  PutMetricDataCommand,
  type Dimension,
  type MetricDatum,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';

export const MetricsSettings = Type.Object({
  /** Publish custom metrics to CloudWatch (production and staging); nothing is sent when false. */
  METRICS_CLOUDWATCH: Type.Boolean({ default: false }),
  AWS_REGION: Type.String({ minLength: 1 }),
  /** CloudWatch's address (moto locally and in tests); AWS's own when unset. */
  CLOUDWATCH_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Seconds between two publications (CloudWatch's standard resolution is a minute). */
  METRICS_FLUSH_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
});
export type MetricsSettings = Type.Static<typeof MetricsSettings>;

export type MetricDimensions = Readonly<Record<string, string>>;

/** Where a process records its custom metrics (a no-op one when publishing is off). */
export interface MetricsPublisher {
  /** Adds to a counter (published as the sum over the period). */
  count(namespace: string, name: string, value?: number, dimensions?: MetricDimensions): void;
  /** Records one observation of a distribution (percentiles stay computable in CloudWatch). */
  observe(
    namespace: string,
    name: string,
    value: number,
    unit: StandardUnit,
    dimensions?: MetricDimensions,
  ): void;
  /** Runs before each publication (e.g. draining the Temporal SDK's buffer into this publisher). */
  beforeFlush(collect: () => void): void;
  /** Publishes what was gathered; never throws (a failed publication is logged and dropped). */
  flush(): Promise<void>;
  /** Publishes what is left and stops the timer. */
  close(): Promise<void>;
}

/** CloudWatch's limits: datums per request, distinct values per datum, dimensions per datum. */
export const cloudWatchLimits = { datumsPerRequest: 1000, valuesPerDatum: 150, dimensions: 30 } as const;

/**
 * At most this many series gather between two flushes, so a runaway dimension costs bounded
 * memory here; more are dropped and counted in the log. (The dimensions are task queues and
 * garden ids, not user input: CloudWatch's own count of series stays that of the gardens.)
 */
export const maxSeriesPerFlush = 2000;

interface Series {
  namespace: string;
  name: string;
  dimensions: Dimension[];
  unit: StandardUnit;
  kind: 'count' | 'distribution';
  sum: number;
  /** value -> how many times it was observed (a distribution's values, for percentiles). */
  values: Map<number, number>;
}

export interface PublisherOptions {
  client: Pick<CloudWatchClient, 'send'>;
  flushSeconds: number;
  log?: (message: string) => void;
  /** Starts the periodic timer (false in tests that call `flush` themselves). */
  timer?: boolean;
}

const noop: MetricsPublisher = {
  count: () => {},
  observe: () => {},
  beforeFlush: () => {},
  flush: async () => {},
  close: async () => {},
};

/** The process's publisher: CloudWatch's when METRICS_CLOUDWATCH is true, a no-op otherwise. */
export function metricsPublisherFrom(
  settings: MetricsSettings,
  log: (message: string) => void = (message) => console.warn(`[metrics] ${message}`),
): MetricsPublisher {
  if (!settings.METRICS_CLOUDWATCH) return noop;
  const client = new CloudWatchClient({
    region: settings.AWS_REGION,
    ...(settings.CLOUDWATCH_ENDPOINT ? { endpoint: settings.CLOUDWATCH_ENDPOINT } : {}),
    // PutMetricData's bodies are compressed above this size (the SDK's default is 10 KB).
    requestMinCompressionSizeBytes: 10_240,
    // A call that hangs (a black-holed route) must not hold every later publication behind it.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
    maxAttempts: 3,
  });
  return createMetricsPublisher({ client, flushSeconds: settings.METRICS_FLUSH_SECONDS, log });
}

function finite(value: number): boolean {
  // CloudWatch refuses NaN, infinities and values beyond 2^360 (or below 2^-260 but not zero).
  return Number.isFinite(value) && Math.abs(value) < 2 ** 360 && (value === 0 || Math.abs(value) > 2 ** -260);
}

function dimensionsOf(dimensions: MetricDimensions | undefined): Dimension[] {
  return Object.entries(dimensions ?? {})
    .filter(([name, value]) => name !== '' && value !== '')
    .slice(0, cloudWatchLimits.dimensions)
    .map(([Name, Value]) => ({ Name: Name.slice(0, 255), Value: Value.slice(0, 1024) }))
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

/** The datums of one series: a counter's sum, or a distribution's values in chunks of 150. */
function datumsOf(series: Series, at: Date): MetricDatum[] {
  const base = {
    MetricName: series.name,
    ...(series.dimensions.length > 0 ? { Dimensions: series.dimensions } : {}),
    Timestamp: at,
    Unit: series.unit,
  };
  if (series.kind === 'count') return [{ ...base, Value: series.sum }];
  const entries = [...series.values];
  const datums: MetricDatum[] = [];
  for (let start = 0; start < entries.length; start += cloudWatchLimits.valuesPerDatum) {
    const chunk = entries.slice(start, start + cloudWatchLimits.valuesPerDatum);
    datums.push({ ...base, Values: chunk.map(([value]) => value), Counts: chunk.map(([, count]) => count) });
  }
  return datums;
}

export function createMetricsPublisher(options: PublisherOptions): MetricsPublisher {
  const log = options.log ?? (() => {});
  const collectors: Array<() => void> = [];
  let series = new Map<string, Series>();
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();

  function seriesFor(
    namespace: string,
    name: string,
    kind: Series['kind'],
    unit: StandardUnit,
    dimensions: MetricDimensions | undefined,
  ): Series | undefined {
    const normalized = dimensionsOf(dimensions);
    const key = JSON.stringify([namespace, name, kind, unit, normalized]);
    let found = series.get(key);
    if (!found) {
      if (series.size >= maxSeriesPerFlush) {
        dropped += 1;
        return undefined;
      }
      found = { namespace, name, dimensions: normalized, unit, kind, sum: 0, values: new Map() };
      series.set(key, found);
    }
    return found;
  }

  async function publish(): Promise<void> {
    for (const collect of collectors) {
      try {
        collect();
      } catch (err) {
        log(`a metrics collector failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const gathered = series;
    series = new Map();
    if (dropped > 0) {
      log(`${dropped} values dropped: over ${maxSeriesPerFlush} series in one period`);
      dropped = 0;
    }
    const at = new Date();
    const byNamespace = new Map<string, MetricDatum[]>();
    for (const one of gathered.values()) {
      const datums = byNamespace.get(one.namespace) ?? [];
      datums.push(...datumsOf(one, at));
      byNamespace.set(one.namespace, datums);
    }
    for (const [namespace, datums] of byNamespace) {
      for (let start = 0; start < datums.length; start += cloudWatchLimits.datumsPerRequest) {
        const MetricData = datums.slice(start, start + cloudWatchLimits.datumsPerRequest);
        try {
          await options.client.send(new PutMetricDataCommand({ Namespace: namespace, MetricData }));
        } catch (err) {
          // Metrics are not a garden's data: a period lost to an outage is logged, not retried
          // forever (the SDK already retried it a few times).
          log(
            `${MetricData.length} metrics of ${namespace} not published: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
    }
  }

  function flush(): Promise<void> {
    flushing = flushing.then(publish);
    return flushing;
  }

  const timer =
    options.timer === false
      ? undefined
      : setInterval(() => void flush(), Math.max(1, options.flushSeconds) * 1000);
  timer?.unref();

  return {
    count(namespace, name, value = 1, dimensions) {
      if (!finite(value)) return;
      const found = seriesFor(namespace, name, 'count', 'Count', dimensions);
      if (found) found.sum += value;
    },
    observe(namespace, name, value, unit, dimensions) {
      if (!finite(value)) return;
      const found = seriesFor(namespace, name, 'distribution', unit, dimensions);
      if (!found) return;
      // Two significant digits: percentiles within 5 %, and at most about 90 distinct values
      // per power of ten, so a busy period stays a few datums.
      const rounded = Number(value.toPrecision(2));
      found.values.set(rounded, (found.values.get(rounded) ?? 0) + 1);
    },
    beforeFlush(collect) {
      collectors.push(collect);
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
