import { Duration, Stack, type StackProps } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { customMetricNames } from '../../adapters/metrics/metric-names.ts';
import { resourceNames, stageTables } from './names.ts';
import type { StageSettings } from './stages.ts';

/** One alarm: its name's last part, and what it means (infra/aws/README.md says what to do). */
export interface AlarmDescription {
  name: string;
  meaning: string;
}

/**
 * Alarms on what needs a person, to the on-call address through one SNS topic, and a dashboard
 * of the same metrics. The API's load balancer is named in the stage settings (it exists once
 * the controller has made it); the Temporal and extension metrics are custom ones whose
 * namespaces and names are above.
 */
export class MonitoringStack extends Stack {
  readonly alarms: AlarmDescription[] = [];

  constructor(scope: Construct, id: string, stage: StageSettings, props: StackProps) {
    super(scope, id, props);
    const names = resourceNames(stage);
    const tables = stageTables(stage).map((table) => table.tableName);
    const fiveMinutes = Duration.minutes(5);

    // Encrypted with a key CloudWatch may use to publish (the AWS managed SNS key allows no one else).
    const key = new kms.Key(this, 'AlarmsKey', {
      description: `${names.prefix}: alarms topic`,
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stage.account } },
      }),
    );
    const topic = new sns.Topic(this, 'Alarms', {
      topicName: `${names.prefix}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new subscriptions.EmailSubscription(stage.alarmEmail));

    const alarm = (
      name: string,
      meaning: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      options: Partial<cloudwatch.CreateAlarmOptions> = {},
    ) => {
      const created = new cloudwatch.Alarm(this, `Alarm-${name}`, {
        metric,
        alarmName: `${names.prefix}-${name}`,
        alarmDescription: meaning,
        threshold,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(new actions.SnsAction(topic));
      created.addOkAction(new actions.SnsAction(topic));
      this.alarms.push({ name, meaning });
      return created;
    };

    // ---- API (the ALB in front of it) ----
    const loadBalancer = { LoadBalancer: stage.monitoring.apiLoadBalancer };
    const api5xx = new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      dimensionsMap: loadBalancer,
      statistic: 'Sum',
      period: fiveMinutes,
    });
    const apiRequests = new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'RequestCount',
      dimensionsMap: loadBalancer,
      statistic: 'Sum',
      period: fiveMinutes,
    });
    const api5xxRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: api5xx, requests: apiRequests },
      label: 'API 5xx (%)',
      period: fiveMinutes,
    });
    alarm(
      'api-5xx',
      'More than 2 % of API requests answered 5xx over 10 of the last 15 minutes.',
      api5xxRate,
      2,
    );
    const apiLatency = new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      dimensionsMap: loadBalancer,
      statistic: 'p95',
      period: fiveMinutes,
    });
    alarm('api-latency', "The API's 95th percentile response time is over 2 s.", apiLatency, 2);

    // ---- DynamoDB ----
    const perTable = (metricName: string, table: string, extra: Record<string, string> = {}) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table, ...extra },
        statistic: 'Sum',
        period: fiveMinutes,
      });
    const throttleMetrics: Record<string, cloudwatch.IMetric> = {};
    const errorMetrics: Record<string, cloudwatch.IMetric> = {};
    const operations = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'TransactWriteItems'];
    tables.forEach((table, t) => {
      throttleMetrics[`r${t}`] = perTable('ReadThrottleEvents', table);
      throttleMetrics[`w${t}`] = perTable('WriteThrottleEvents', table);
      operations.forEach((operation, o) => {
        errorMetrics[`e${t}_${o}`] = perTable('SystemErrors', table, { Operation: operation });
      });
    });
    const sum = (metrics: Record<string, cloudwatch.IMetric>, label: string) =>
      new cloudwatch.MathExpression({
        expression: Object.keys(metrics).join(' + '),
        usingMetrics: metrics,
        label,
        period: fiveMinutes,
      });
    const throttles = sum(throttleMetrics, 'DynamoDB throttled requests');
    alarm(
      'dynamodb-throttles',
      'DynamoDB throttled reads or writes (on-demand tables: a hot partition or a burst over twice the previous peak).',
      throttles,
      10,
    );
    const systemErrors = sum(errorMetrics, 'DynamoDB system errors');
    alarm(
      'dynamodb-system-errors',
      'DynamoDB answered 500s (on its side): the SDK retries, but they should be rare.',
      systemErrors,
      5,
    );

    // ---- Temporal (the workers' SDK metrics) ----
    const workflowTaskFailures = new cloudwatch.Metric({
      namespace: customMetricNames.temporal.namespace,
      metricName: customMetricNames.temporal.workflowTaskFailures,
      statistic: 'Sum',
      period: fiveMinutes,
    });
    alarm(
      'workflow-task-failures',
      'Workflow tasks fail (non-determinism, a bug in workflow code): those workflows are stuck until fixed.',
      workflowTaskFailures,
      0,
    );
    const scheduleToStart = new cloudwatch.Metric({
      namespace: customMetricNames.temporal.namespace,
      metricName: customMetricNames.temporal.scheduleToStartLatency,
      statistic: 'p95',
      period: fiveMinutes,
    });
    alarm(
      'workflow-schedule-to-start',
      'Workflow tasks wait over 5 s for a worker (95th percentile): workers missing or overloaded.',
      scheduleToStart,
      5,
    );

    // ---- SES (account reputation, as SES computes it) ----
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: 'Maximum',
        period: Duration.hours(1),
      });
    alarm(
      'ses-bounce-rate',
      "SES's bounce rate is over 5 % (SES reviews the account at 10 %).",
      reputation('Reputation.BounceRate'),
      0.05,
      {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
    );
    alarm(
      'ses-complaint-rate',
      "SES's complaint rate is over 0.1 % (SES reviews the account at 0.5 %).",
      reputation('Reputation.ComplaintRate'),
      0.001,
      {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
    );

    // ---- Extensions ----
    const extensionMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: customMetricNames.extensions.namespace,
        metricName,
        statistic: 'Sum',
        period: Duration.minutes(15),
      });
    const fallbackRate = new cloudwatch.MathExpression({
      expression: 'IF(calls > 20, 100 * fallbacks / calls, 0)',
      usingMetrics: {
        calls: extensionMetric(customMetricNames.extensions.calls),
        fallbacks: extensionMetric(customMetricNames.extensions.fallbacks),
      },
      label: 'Extension fallbacks (%)',
      period: Duration.minutes(15),
    });
    alarm(
      'extension-fallback-rate',
      "Over 5 % of extension calls fell back to the default behaviour (an extension fails, times out or exceeds its sandbox's limits).",
      fallbackRate,
      5,
    );

    // ---- Gardens brought to a new release (the network worker, at its start) ----
    alarm(
      'garden-refresh-failures',
      "A garden's worker could not be brought to the running release (applied again three times): it runs the previous one.",
      new cloudwatch.Metric({
        namespace: customMetricNames.gardens.namespace,
        metricName: customMetricNames.gardens.refreshFailures,
        statistic: 'Sum',
        period: fiveMinutes,
      }),
      0,
      { evaluationPeriods: 1, datapointsToAlarm: 1 },
    );

    // ---- Off-site copies ----
    const failedBackups = new cloudwatch.Metric({
      namespace: 'AWS/Backup',
      metricName: 'NumberOfBackupJobsFailed',
      statistic: 'Sum',
      period: Duration.hours(1),
    });
    alarm(
      'backup-jobs-failed',
      'An AWS Backup job of the tables failed: no recovery point (nor off-site copy) that night.',
      failedBackups,
      0,
      {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
    );
    const failedCopies = new cloudwatch.Metric({
      namespace: 'AWS/Backup',
      metricName: 'NumberOfCopyJobsFailed',
      statistic: 'Sum',
      period: Duration.hours(1),
    });
    alarm(
      'backup-copies-failed',
      'Copying a recovery point to the disaster-recovery region failed.',
      failedCopies,
      0,
      {
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      },
    );
    const replicationFailures = new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName: 'OperationsFailedReplication',
      dimensionsMap: {
        SourceBucket: names.documentsBucket,
        DestinationBucket: names.documentsReplicaBucket,
        RuleId: 'off-site-copy',
      },
      statistic: 'Sum',
      period: fiveMinutes,
    });
    alarm(
      'documents-replication-failed',
      'Documents failed to replicate to the disaster-recovery bucket.',
      replicationFailures,
      0,
    );

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: names.prefix,
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'API 5xx (%)', left: [api5xxRate], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'API p95 latency (s)', left: [apiLatency], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'API requests', left: [apiRequests], width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', left: [throttles], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB system errors', left: [systemErrors], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Extension fallbacks (%)', left: [fallbackRate], width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Workflow task failures',
            left: [workflowTaskFailures],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Workflow schedule-to-start p95 (s)',
            left: [scheduleToStart],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'SES reputation',
            left: [reputation('Reputation.BounceRate'), reputation('Reputation.ComplaintRate')],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Backup and copy jobs failed',
            left: [failedBackups, failedCopies],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Documents replication failures',
            left: [replicationFailures],
            width: 12,
          }),
        ],
      ],
    });
  }
}
