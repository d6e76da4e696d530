import { App, Tags, type Environment, type Stack } from 'aws-cdk-lib/core';
import { AccessStack } from './access-stack.ts';
import { ClusterStack } from './cluster-stack.ts';
import { DataStack } from './data-stack.ts';
import { DisasterRecoveryStack } from './disaster-recovery-stack.ts';
import { EdgeStack } from './edge-stack.ts';
import { DnsStack } from './dns-stack.ts';
import { GlobalStack } from './global-stack.ts';
import { MailStack } from './mail-stack.ts';
import { MonitoringStack } from './monitoring-stack.ts';
import { resourceNames } from './names.ts';
import { cloudFrontRegion, stages, type StageSettings } from './stages.ts';
import { StorageStack } from './storage-stack.ts';

/** The stacks of one stage, by concern; their ids are `<prefix>-<concern>` (e.g. `cocagne-staging-data`). */
export interface StageStacks {
  disasterRecovery: DisasterRecoveryStack;
  dns: DnsStack;
  global: GlobalStack;
  cluster: ClusterStack;
  data: DataStack;
  storage: StorageStack;
  edge: EdgeStack;
  mail: MailStack;
  monitoring: MonitoringStack;
  access: AccessStack;
}

export function addStage(app: App, stage: StageSettings): StageStacks {
  const { prefix } = resourceNames(stage);
  const env = (region: string): Environment => ({ account: stage.account, region });
  const primary = { env: env(stage.region) };
  const id = (concern: string) => `${prefix}-${concern}`;

  const disasterRecovery = new DisasterRecoveryStack(app, id('disaster-recovery'), stage, {
    env: env(stage.disasterRecoveryRegion),
    description: `Cocagne ${stage.name}: off-site backup vault and documents replica`,
  });
  const dns = new DnsStack(app, id('dns'), stage, {
    ...primary,
    crossRegionReferences: true,
    description: `Cocagne ${stage.name}: Route 53 zone`,
  });
  const global = new GlobalStack(app, id('global'), stage, {
    env: env(cloudFrontRegion),
    crossRegionReferences: true,
    hostedZoneId: dns.zone.hostedZoneId,
    description: `Cocagne ${stage.name}: CloudFront's web ACL and certificate (us-east-1)`,
  });
  const cluster = new ClusterStack(app, id('cluster'), stage, {
    ...primary,
    hostedZoneId: dns.zone.hostedZoneId,
    description: `Cocagne ${stage.name}: VPC, EKS cluster, node groups, workload roles`,
  });
  const data = new DataStack(app, id('data'), stage, {
    ...primary,
    description: `Cocagne ${stage.name}: DynamoDB tables and their backups`,
  });
  const storage = new StorageStack(app, id('storage'), stage, {
    ...primary,
    description: `Cocagne ${stage.name}: documents bucket`,
  });
  const edge = new EdgeStack(app, id('edge'), stage, {
    ...primary,
    crossRegionReferences: true,
    cloudFrontWebAclArn: global.webAclArn,
    webCertificateArn: global.webCertificateArn,
    zone: dns.zone,
    description: `Cocagne ${stage.name}: CloudFront, ALB certificate and web ACL`,
  });
  const mail = new MailStack(app, id('mail'), stage, {
    ...primary,
    zone: dns.zone,
    description: `Cocagne ${stage.name}: SES domain, configuration set and events`,
  });
  const monitoring = new MonitoringStack(app, id('monitoring'), stage, {
    ...primary,
    description: `Cocagne ${stage.name}: alarms and dashboard`,
  });
  const access = new AccessStack(app, id('access'), stage, {
    ...primary,
    operatorRoleArn: cluster.operatorRole.roleArn,
    viewerRoleArn: cluster.viewerRole.roleArn,
    description: `Cocagne ${stage.name}: IAM groups of the network's managers, budget`,
  });

  // Named by ARN rather than referenced: say the order explicitly.
  data.addStackDependency(disasterRecovery, 'the backup plan copies to its vault');
  storage.addStackDependency(disasterRecovery, 'the documents replicate to its bucket');
  monitoring.addStackDependency(data, 'alarms on the tables');
  monitoring.addStackDependency(storage, 'alarms on the replication');
  monitoring.addStackDependency(mail, 'alarms on SES');

  const stacks = { disasterRecovery, dns, global, cluster, data, storage, edge, mail, monitoring, access };
  for (const stack of Object.values(stacks) as Stack[]) {
    Tags.of(stack).add('app', 'cocagne');
    Tags.of(stack).add('stage', stage.name);
  }
  return stacks;
}

/** The whole app: every stage in `stages.ts`. */
export function cocagneApp(app: App = new App()): { app: App; stages: Map<string, StageStacks> } {
  const byStage = new Map<string, StageStacks>();
  for (const stage of stages) byStage.set(stage.name, addStage(app, stage));
  return { app, stages: byStage };
}
