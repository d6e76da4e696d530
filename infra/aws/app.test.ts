import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib/core';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { tableNames } from '../../adapters/store/dynamo-client.ts';
import { expiringTables, expiryAttribute, tableDefinitions } from '../../adapters/store/tables.ts';
import { cocagneApp, type StageStacks } from './app.ts';
import { resourceNames } from './names.ts';
import { cloudFrontRegion, gardenHostIds, stages } from './stages.ts';

// The app is synthesized once for the file, with cdk.json's context, as the CLI would.
const { context } = JSON.parse(readFileSync(new URL('cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};
const outdir = mkdtempSync(join(tmpdir(), 'cocagne-cdk-assertions-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const { app, stages: stacksByStage } = cocagneApp(new App({ context, outdir }));
const assembly = app.synth();
const templates = new Map<Stack, Template>();
const template = (stack: Stack) => {
  let found = templates.get(stack);
  if (!found) templates.set(stack, (found = Template.fromStack(stack)));
  return found;
};

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties?: Json; DeletionPolicy?: string };
const resourcesOf = (stack: Stack, type: string) =>
  Object.entries(template(stack).findResources(type)) as [string, Resource][];
/** The one resource of a type in a stack. */
function only(stack: Stack, type: string): Resource {
  const found = resourcesOf(stack, type);
  expect(found).toHaveLength(1);
  return found[0]![1];
}
/** The platform's distribution (its own name), then one per garden host. */
const distributionsOf = (stacks: StageStacks) =>
  resourcesOf(stacks.edge, 'AWS::CloudFront::Distribution').map(([, resource]) => resource);
function platformDistribution(stacks: StageStacks, web: string): Resource {
  const found = distributionsOf(stacks).filter(
    (resource) => ((resource.Properties!.DistributionConfig as Json).Aliases as string[])[0] === web,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}
const allStacks = [...stacksByStage.values()].flatMap((stacks) => Object.values(stacks) as Stack[]);

/** Every policy statement in a template, with where it is and what kind of policy holds it. */
function statementsOf(stack: Stack) {
  const found: { where: string; kind: 'identity' | 'resource'; statement: Json }[] = [];
  const add = (where: string, kind: 'identity' | 'resource', document: unknown) => {
    const statements = (document as { Statement?: Json[] } | undefined)?.Statement ?? [];
    for (const statement of statements) found.push({ where, kind, statement });
  };
  for (const [id, resource] of Object.entries(
    template(stack).toJSON().Resources as Record<string, Resource>,
  )) {
    const properties = resource.Properties ?? {};
    const where = `${stack.stackName}/${id}`;
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add(where, 'identity', properties.PolicyDocument);
        break;
      case 'AWS::IAM::Role':
      case 'AWS::IAM::Group':
        for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
          add(where, 'identity', policy.PolicyDocument);
        }
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SNS::TopicPolicy':
        add(where, 'resource', properties.PolicyDocument);
        break;
      case 'AWS::KMS::Key':
        add(where, 'resource', properties.KeyPolicy);
        break;
    }
  }
  return found;
}
const actionsOf = (statement: Json) => [statement.Action ?? []].flat() as string[];

describe.each([...stacksByStage.entries()])('the %s stage', (stageName, stacks: StageStacks) => {
  const stage = stages.find((candidate) => candidate.name === stageName)!;
  const names = resourceNames(stage);

  it('puts each stack in its region of the stage account, with no lookup left to make', () => {
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(stacks.disasterRecovery.region).toBe(stage.disasterRecoveryRegion);
    expect(stacks.global.region).toBe(cloudFrontRegion);
    for (const stack of [
      stacks.cluster,
      stacks.data,
      stacks.storage,
      stacks.edge,
      stacks.mail,
      stacks.monitoring,
    ]) {
      expect(stack.region).toBe(stage.region);
    }
    expect(new Set(Object.values(stacks).map((stack: Stack) => stack.account))).toEqual(
      new Set([stage.account]),
    );
  });

  it("makes the tables from the application's own definitions: names, keys, indexes", () => {
    const tables = resourcesOf(stacks.data, 'AWS::DynamoDB::Table').map(([, table]) => table.Properties!);
    const definitions = tableDefinitions(tableNames(names.prefix));
    expect(tables.map((table) => table.TableName)).toEqual(
      definitions.map((definition) => definition.TableName),
    );
    // CloudFormation's AWS::DynamoDB::Table has the SDK's field names: compare field by field.
    for (const definition of definitions) {
      const table = tables.find((candidate) => candidate.TableName === definition.TableName)!;
      expect(table.BillingMode).toBe(definition.BillingMode);
      expect(table.KeySchema).toEqual(definition.KeySchema);
      expect(table.AttributeDefinitions).toEqual(definition.AttributeDefinitions);
      expect(table.GlobalSecondaryIndexes).toEqual(definition.GlobalSecondaryIndexes);
    }
  });

  it('keeps every table: point-in-time recovery, deletion protection, encryption, retained by CloudFormation', () => {
    const tables = resourcesOf(stacks.data, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(2);
    const expiring = expiringTables(tableNames(names.prefix));
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      });
      expect(table.DeletionPolicy).toBe('Retain');
      const tableName = table.Properties!.TableName as string;
      expect(table.Properties!.TimeToLiveSpecification).toEqual(
        expiring.includes(tableName) ? { AttributeName: expiryAttribute, Enabled: true } : undefined,
      );
    }
  });

  it('backs the tables up every day, with a copy in the disaster-recovery region', () => {
    const data = template(stacks.data);
    const drVaultArn = `arn:aws:backup:${stage.disasterRecoveryRegion}:${stage.account}:backup-vault:${names.disasterRecoveryVault}`;
    data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([
          Match.objectLike({
            RuleName: 'daily-with-off-site-copy',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            CopyActions: [Match.objectLike({ DestinationBackupVaultArn: drVaultArn })],
          }),
        ]),
      },
    });
    // The selection names both tables.
    const selection = only(stacks.data, 'AWS::Backup::BackupSelection');
    expect(JSON.stringify(selection.Properties)).toContain('ControlTable');
    expect(JSON.stringify(selection.Properties)).toContain('GardensTable');
    // The vault the copies go to is the disaster-recovery stack's, in its region.
    template(stacks.disasterRecovery).hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: names.disasterRecoveryVault,
    });
    expect(drVaultArn).toContain(`:${stacks.disasterRecovery.region}:`);
  });

  it('versions every bucket, blocks public access, encrypts and refuses plain HTTP', () => {
    const buckets = [stacks.storage, stacks.edge, stacks.disasterRecovery].flatMap((stack) =>
      resourcesOf(stack, 'AWS::S3::Bucket').map(([id, bucket]) => ({ stack, id, bucket })),
    );
    expect(buckets.map(({ bucket }) => bucket.Properties!.BucketName).sort()).toEqual(
      [names.documentsBucket, names.documentsReplicaBucket].sort(),
    );
    for (const { stack, id, bucket } of buckets) {
      expect(bucket.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: expect.any(String) } },
          ],
        },
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      template(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('never moves the archived workflow histories to Glacier: the journals read them at once', () => {
    const bucket = resourcesOf(stacks.storage, 'AWS::S3::Bucket').find(
      ([, resource]) => resource.Properties!.BucketName === names.documentsBucket,
    )!;
    const rules = (bucket[1].Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    const historyRules = rules.filter(
      (rule) =>
        rule.Transitions &&
        (rule.Prefix === undefined || 'history-archive/'.startsWith(rule.Prefix as string)),
    );
    expect(historyRules).toEqual([]);
  });

  it('archives old versions and archives/ to Glacier, and replicates documents off-site within 15 minutes', () => {
    template(stacks.storage).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: names.documentsBucket,
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'old-versions-to-glacier',
            NoncurrentVersionTransitions: [
              Match.objectLike({ StorageClass: 'GLACIER' }),
              Match.objectLike({ StorageClass: 'DEEP_ARCHIVE' }),
            ],
          }),
          Match.objectLike({ Id: 'archives-to-glacier', Prefix: 'archives/' }),
        ]),
      },
      ReplicationConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Destination: Match.objectLike({
              Bucket: names.documentsReplicaBucketArn,
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            }),
            DeleteMarkerReplication: { Status: 'Enabled' },
          }),
        ],
      },
    });
    // No rule ever expires a current or an old version of a document.
    const documents = only(stacks.storage, 'AWS::S3::Bucket');
    const rules = (documents.Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('NoncurrentVersionExpiration');
    }
  });

  it("lets the replica's old versions expire (an erasure's deleted versions are not replicated), never a current one", () => {
    const replica = only(stacks.disasterRecovery, 'AWS::S3::Bucket');
    const rules = (replica.Properties!.LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'replica-old-versions-expire',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: stage.documents.replicaOldVersionsDays },
        ExpiredObjectDeleteMarker: true,
      }),
    );
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('ExpirationInDays');
      expect(rule).not.toHaveProperty('ExpirationDate');
      expect(rule).not.toHaveProperty('NoncurrentVersionTransitions');
    }
    expect(stage.documents.replicaOldVersionsDays).toBeLessThanOrEqual(30);
  });

  it('puts WAF in front of CloudFront (us-east-1) and exports the ALB web ACL for its Ingress', () => {
    const global = template(stacks.global);
    global.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    const edge = template(stacks.edge);
    // Every distribution (the platform's, each garden host's): the cross-region reference
    // resolves to the us-east-1 ACL's ARN at deployment.
    expect(distributionsOf(stacks)).toHaveLength(1 + stage.domains.gardenHosts.length);
    for (const distribution of distributionsOf(stacks)) {
      const config = distribution.Properties!.DistributionConfig as Json;
      expect(config.WebACLId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^ExportsReader/), expect.any(String)],
      });
    }
    expect(JSON.stringify(global.toJSON())).toContain('WebAcl');
    const managedGroups = [
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ];
    for (const [stack, first] of [
      [stacks.global, []],
      // The ALB's: whatever does not come through CloudFront is blocked before anything else.
      [stacks.edge, ['from-cloudfront-only']],
    ] as const) {
      const [[, acl]] = resourcesOf(stack, 'AWS::WAFv2::WebACL') as [[string, Resource]];
      const rules = acl.Properties!.Rules as Json[];
      expect(rules.map((rule) => rule.Name)).toEqual([...first, 'rate-per-address', ...managedGroups]);
      // CloudFront's blocks by true address; the ALB's keys on a client-written header: it only counts.
      expect(rules.find((rule) => rule.Name === 'rate-per-address')).toMatchObject({
        Action: stack === stacks.global ? { Block: {} } : { Count: {} },
        Statement: { RateBasedStatement: { Limit: stage.edge.rateLimitPerFiveMinutes } },
      });
    }
    edge.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    edge.hasOutput('RegionalWebAclArn', { Export: { Name: `${names.prefix}-regional-web-acl-arn` } });
  });

  it('lets nothing reach the ALB around CloudFront: a secret header sent by every origin, required by its ACL', () => {
    const secret = resourcesOf(stacks.edge, 'AWS::SecretsManager::Secret').find(
      ([, resource]) => resource.Properties!.Name === names.originVerifySecret,
    );
    expect(secret).toBeDefined();
    const [secretId] = secret!;
    // The value is resolved by CloudFormation at deployment, never written in the template.
    const reference = {
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']],
    };
    for (const distribution of distributionsOf(stacks)) {
      const config = distribution.Properties!.DistributionConfig as {
        Origins: { CustomOriginConfig?: Json; OriginCustomHeaders?: Json[] }[];
      };
      for (const origin of config.Origins) {
        expect(origin.OriginCustomHeaders).toEqual([
          { HeaderName: 'X-Cocagne-Origin', HeaderValue: reference },
        ]);
      }
    }
    const [[, acl]] = resourcesOf(stacks.edge, 'AWS::WAFv2::WebACL') as [[string, Resource]];
    const [first] = acl.Properties!.Rules as Json[];
    expect(first).toMatchObject({
      Name: 'from-cloudfront-only',
      Priority: 0,
      Action: { Block: {} },
      Statement: {
        NotStatement: {
          Statement: {
            ByteMatchStatement: {
              FieldToMatch: { SingleHeader: { Name: 'x-cocagne-origin' } },
              PositionalConstraint: 'EXACTLY',
              SearchString: reference,
            },
          },
        },
      },
    });
    // And the security headers are the web pods' own (nginx): no CloudFront policy replaces them.
    for (const distribution of distributionsOf(stacks)) {
      const config = distribution.Properties!.DistributionConfig as { DefaultCacheBehavior: Json };
      expect(config.DefaultCacheBehavior).not.toHaveProperty('ResponseHeadersPolicyId');
    }
  });

  it('serves the web app and the API from the ALB, so a release Flagger promotes is what visitors get', () => {
    const edge = template(stacks.edge);
    // No bucket of its own for the web app: the web pods serve it, behind the same ALB.
    edge.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    edge.resourceCountIs('AWS::S3::Bucket', 0);
    for (const distribution of distributionsOf(stacks)) {
      const config = distribution.Properties!.DistributionConfig as {
        Origins: { Id: string; DomainName: unknown; CustomOriginConfig?: Json }[];
        DefaultCacheBehavior: Json;
        CacheBehaviors: Json[];
      };
      expect(config.Origins).toEqual([
        expect.objectContaining({
          DomainName: stage.domains.apiOrigin,
          CustomOriginConfig: expect.objectContaining({
            OriginProtocolPolicy: 'https-only',
            OriginSSLProtocols: ['TLSv1.2'],
          }),
        }),
      ]);
      const origin = config.Origins[0]!.Id;
      expect(config.DefaultCacheBehavior).toMatchObject({
        TargetOriginId: origin,
        ViewerProtocolPolicy: 'redirect-to-https',
        // AWS's managed CachingOptimized policy: the pods' Cache-Control decides, no cookie or
        // query string in the key, and no origin request policy: the Host is apiOrigin's.
        CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
        Compress: true,
      });
      expect(config.DefaultCacheBehavior).not.toHaveProperty('OriginRequestPolicyId');
      expect(config.CacheBehaviors).toEqual([
        expect.objectContaining({
          PathPattern: '/api/*',
          TargetOriginId: origin,
          ViewerProtocolPolicy: 'https-only',
          // AWS's managed CachingDisabled policy.
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
        }),
      ]);
    }
  });

  it('runs the cluster from CloudFormation resources only: node groups that scale, add-ons, Pod Identity', () => {
    const cluster = template(stacks.cluster);
    cluster.hasResourceProperties('AWS::EKS::Cluster', {
      Name: names.clusterName,
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      EncryptionConfig: [Match.objectLike({ Provider: Match.anyValue() })],
      // The address the network worker's NetworkPolicy allows for kubernetes.default.svc.
      KubernetesNetworkConfig: { IpFamily: 'ipv4', ServiceIpv4Cidr: '172.20.0.0/16' },
    });
    const policies = readFileSync(new URL('../k8s/base/network-policies.yaml', import.meta.url), 'utf8');
    expect(policies).toContain('172.20.0.1/32');
    const groups = resourcesOf(stacks.cluster, 'AWS::EKS::Nodegroup').map(([, group]) => group.Properties!);
    expect(groups.map((group) => group.ScalingConfig)).toEqual(
      stage.cluster.nodeGroups.map((group) => ({
        MinSize: group.minimum,
        DesiredSize: group.desired,
        MaxSize: group.maximum,
      })),
    );
    const addons = resourcesOf(stacks.cluster, 'AWS::EKS::Addon').map(
      ([, addon]) => addon.Properties!.AddonName,
    );
    expect(addons.sort()).toEqual(['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    const associations = resourcesOf(stacks.cluster, 'AWS::EKS::PodIdentityAssociation').map(
      ([, association]) =>
        `${association.Properties!.Namespace as string}/${association.Properties!.ServiceAccount as string}`,
    );
    expect(associations.sort()).toEqual([
      'cocagne/cocagne-api',
      'cocagne/cocagne-release-checks',
      'cocagne/cocagne-worker',
      'external-dns/external-dns',
      'external-secrets/external-secrets',
      'kube-system/aws-load-balancer-controller',
    ]);
    // No kubectl Lambda: the only code run at deployment is CDK's CfnJson (the IRSA trust's keys).
    expect(Object.keys(cluster.findResources('AWS::Lambda::Function'))).toEqual([
      expect.stringMatching(/^AWSCDKCfnUtilsProvider/),
    ]);
    const entries = resourcesOf(stacks.cluster, 'AWS::EKS::AccessEntry').map(
      ([, entry]) => (entry.Properties!.AccessPolicies as { PolicyArn: string }[])[0]!.PolicyArn,
    );
    expect(entries.map((arn) => arn.split('/').pop()).sort()).toEqual([
      'AmazonEKSAdminPolicy',
      'AmazonEKSViewPolicy',
    ]);
    for (const output of [
      'ClusterName',
      'VpcId',
      'LoadBalancerControllerRoleArn',
      'ExternalDnsRoleArn',
      'GardenWorkerRoleArn',
    ]) {
      cluster.hasOutput(output, Match.anyValue());
    }
  });

  it("lets every garden's worker, and only those, take the gardens' role by IRSA", () => {
    const cluster = template(stacks.cluster);
    cluster.hasResourceProperties('AWS::IAM::OIDCProvider', { ClientIdList: ['sts.amazonaws.com'] });
    const [role] = resourcesOf(stacks.cluster, 'AWS::IAM::Role').filter(
      ([, candidate]) => candidate.Properties!.RoleName === 'cocagne-garden-worker',
    );
    const [statement] = (role![1].Properties!.AssumeRolePolicyDocument as { Statement: Json[] }).Statement;
    expect(statement).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'Fn::GetAtt': [expect.stringMatching(/^GardenWorkerAudience/), 'Value'] },
      },
    });
    const subject = resourcesOf(stacks.cluster, 'Custom::AWSCDKCfnJson').find(([id]) =>
      id.startsWith('GardenWorkerSubject'),
    )!;
    expect(JSON.stringify(subject[1].Properties)).toContain('system:serviceaccount:garden-*:garden-*-worker');
  });

  it("makes the ALB's target groups and security group the API Ingress names", () => {
    const cluster = template(stacks.cluster);
    for (const [name, path] of [
      ['cocagne-api', '/api/health'],
      ['cocagne-web', '/healthz'],
    ]) {
      cluster.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Name: name,
        TargetType: 'ip',
        Port: 8080,
        HealthCheckPath: path,
      });
    }
    cluster.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080 });
    for (const output of ['AlbSecurityGroupId', 'ApiTargetGroupArn', 'WebTargetGroupArn', 'VpcCidr']) {
      cluster.hasOutput(output, Match.anyValue());
    }
  });

  it('makes every secret External Secrets reads, with the keys its Secret needs, values left to fill in', () => {
    const secrets = resourcesOf(stacks.cluster, 'AWS::SecretsManager::Secret').map(([, secret]) => secret);
    const external = readFileSync(new URL('../k8s/base/external-secrets.yaml', import.meta.url), 'utf8');
    // DO NOT CHANGE these templates once a stage is deployed: CloudFormation generates the
    // secret's value again at any change of SecretStringTemplate, replacing every value the
    // operators put in with empty strings. A new key is added by hand with
    // `aws secretsmanager put-secret-value` (infra/aws/README.md, "Adding a key to a cluster
    // secret"), never in cluster-stack.ts. This test pins them so that no change goes unseen.
    const pinned = {
      [names.clusterSecrets.application]:
        '{"STRIPE_SECRET_KEY":"","STRIPE_WEBHOOK_SECRET":"","KEYCLOAK_ADMIN_CLIENT_SECRET":"","KEYCLOAK_PROVISIONER_CLIENT_SECRET":""}',
      [names.clusterSecrets.nexusPull]: '{"registry":"","username":"","password":""}',
      [names.clusterSecrets.fluxNotifications]: '{"address":""}',
      [names.temporalPayloadKeysSecret]: '{"TEMPORAL_PAYLOAD_KEYS":"","TEMPORAL_PAYLOAD_KEY_ID":""}',
    };
    for (const [name, secretStringTemplate] of Object.entries(pinned)) {
      const secret = secrets.find(
        (candidate): candidate is Resource & { UpdateReplacePolicy?: string } =>
          candidate.Properties!.Name === name,
      );
      expect(secret, name).toBeDefined();
      // Generated at creation: a deployment that leaves the template alone never touches the values.
      expect(secret!.Properties).not.toHaveProperty('SecretString');
      expect(
        secret!.Properties!.GenerateSecretString,
        `${name}: changing this template regenerates the secret and wipes its values; add keys by hand`,
      ).toEqual({ SecretStringTemplate: secretStringTemplate, GenerateStringKey: 'unused' });
      // Kept when the stack or the resource goes: deleting it would lose the values as well.
      expect(secret!.DeletionPolicy, name).toBe('Retain');
      expect(secret!.UpdateReplacePolicy, name).toBe('Retain');
      // The cluster reads it under the store's prefix by its last part (key: application…).
      expect(external).toContain(`key: ${name.slice(`${names.prefix}/`.length)}`);
      for (const key of Object.keys(JSON.parse(secretStringTemplate) as object))
        expect(external).toContain(key);
    }
    // The payload keys are copied to the recovery region: without them no history or archive opens.
    const payloadKeys = secrets.find(
      (secret) => secret.Properties!.Name === names.temporalPayloadKeysSecret,
    )!;
    expect(payloadKeys.Properties!.ReplicaRegions).toEqual([{ Region: stage.disasterRecoveryRegion }]);
  });

  it('serves the domains from the stage zone: the web alias, DNS-validated certificates, ExternalDNS confined to it', () => {
    template(stacks.dns).hasResourceProperties('AWS::Route53::HostedZone', {
      Name: `${stage.dns.zoneName}.`,
    });
    const edge = template(stacks.edge);
    for (const type of ['A', 'AAAA']) {
      edge.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: `${stage.domains.web}.`,
        Type: type,
        AliasTarget: Match.objectLike({ HostedZoneId: Match.anyValue() }),
      });
    }
    const config = platformDistribution(stacks, stage.domains.web).Properties!.DistributionConfig as Json;
    expect(config.Aliases).toEqual([stage.domains.web]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    // CloudFront's certificate in us-east-1, the ALB's in the stage's region, both validated by DNS.
    template(stacks.global).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: stage.domains.web,
      ValidationMethod: 'DNS',
    });
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: stage.domains.apiOrigin,
      ValidationMethod: 'DNS',
    });
    edge.hasOutput('ApiOriginCertificateArn', Match.anyValue());
    const externalDns = resourcesOf(stacks.cluster, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('ExternalDnsRole'),
    )!;
    const records = (externalDns[1].Properties!.Policies as { PolicyDocument: { Statement: Json[] } }[])[0]!
      .PolicyDocument.Statement[0]!;
    // The zone's id, imported from the DNS stack.
    expect(JSON.stringify(records.Resource)).toMatch(
      /"Fn::ImportValue":"cocagne-[a-z]+-dns:ExportsOutputRefZone/,
    );
    expect(JSON.stringify(records.Resource)).not.toContain('hostedzone/*');
  });

  it("serves each garden's own host name through a CloudFront distribution of its own", () => {
    const gardens = distributionsOf(stacks).filter(
      (resource) =>
        ((resource.Properties!.DistributionConfig as Json).Aliases as string[])[0] !== stage.domains.web,
    );
    expect(gardens.map((resource) => (resource.Properties!.DistributionConfig as Json).Aliases)).toEqual(
      stage.domains.gardenHosts.map(({ host }) => [host]),
    );
    for (const [index, distribution] of gardens.entries()) {
      const config = distribution.Properties!.DistributionConfig as Json;
      // The certificate requested beforehand for that host (us-east-1), never the platform's.
      expect(config.ViewerCertificate).toEqual({
        AcmCertificateArn: stage.domains.gardenHosts[index]!.certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      });
    }
    // The garden's DNS is its own: no record of ours, one output (the CNAME target) each.
    const records = JSON.stringify(template(stacks.edge).findResources('AWS::Route53::RecordSet'));
    for (const { host } of stage.domains.gardenHosts) expect(records).not.toContain(host);
    expect(
      Object.keys(template(stacks.edge).findOutputs('*')).filter((name) =>
        name.startsWith('GardenDistribution'),
      ),
    ).toHaveLength(stage.domains.gardenHosts.length);
    // Nothing for the gardens in us-east-1: no certificate waits there on a garden's DNS.
    expect(
      resourcesOf(stacks.global, 'AWS::CertificateManager::Certificate').map(
        ([, resource]) => resource.Properties!.DomainName,
      ),
    ).toEqual([stage.domains.web]);
  });

  it('refuses a garden host that is not a host name, is listed twice, clashes, or has no CloudFront certificate', () => {
    const certificateArn =
      'arn:aws:acm:us-east-1:222222222222:certificate/00000000-0000-0000-0000-000000000009';
    const withHosts = (gardenHosts: Array<{ host: string; certificateArn?: string }>) => ({
      ...stage,
      domains: {
        ...stage.domains,
        gardenHosts: gardenHosts.map((entry) => ({ certificateArn, ...entry })),
      },
    });
    expect(gardenHostIds(withHosts([{ host: 'paniers.val-du-doubs.example.org' }]))).toEqual([
      { host: 'paniers.val-du-doubs.example.org', id: 'PaniersValDuDoubsExampleOrg', certificateArn },
    ]);
    for (const bad of [
      '<b>jardin</b>.fr',
      'Jardin.example.org',
      'localhost',
      '__proto__',
      'a..b.fr',
      '-x.example.org',
    ]) {
      expect(() => gardenHostIds(withHosts([{ host: bad }])), bad).toThrow(/is not a lowercase host name/);
    }
    expect(() => gardenHostIds(withHosts([{ host: 'a.example.org' }, { host: 'a.example.org' }]))).toThrow(
      /listed twice/,
    );
    expect(() => gardenHostIds(withHosts([{ host: stage.domains.web }]))).toThrow(/listed twice/);
    expect(() =>
      gardenHostIds(withHosts([{ host: 'a-b.example.org' }, { host: 'a.b.example.org' }])),
    ).toThrow(/"a.b.example.org" and "a-b.example.org" make the same construct id/);
    for (const wrong of [
      'arn:aws:acm:eu-west-3:222222222222:certificate/00000000-0000-0000-0000-000000000009',
      'arn:aws:iam::222222222222:server-certificate/x',
      '',
    ]) {
      expect(() => gardenHostIds(withHosts([{ host: 'a.example.org', certificateArn: wrong }]))).toThrow(
        /must be an ACM certificate in us-east-1/,
      );
    }
  });

  it('signs mail with Easy DKIM and reports bounces and complaints', () => {
    const mail = template(stacks.mail);
    mail.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: stage.domains.mail,
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
    });
    // Three DKIM CNAMEs, and the MAIL FROM domain's MX and SPF, in the stage's zone.
    const records = resourcesOf(stacks.mail, 'AWS::Route53::RecordSet').map(
      ([, record]) => record.Properties!.Type,
    );
    expect(records.sort()).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT']);
    for (const destination of ['SnsDestination', 'CloudWatchDestination']) {
      mail.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: Match.objectLike({
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
          [destination]: Match.anyValue(),
        }),
      });
    }
  });

  it('has each alarm, every one telling the on-call address, and a dashboard', () => {
    const monitoring = template(stacks.monitoring);
    const alarms = resourcesOf(stacks.monitoring, 'AWS::CloudWatch::Alarm').map(
      ([, alarm]) => alarm.Properties!,
    );
    expect(alarms.map((alarm) => alarm.AlarmName).sort()).toEqual(
      [
        'api-5xx',
        'api-latency',
        'dynamodb-throttles',
        'dynamodb-system-errors',
        'workflow-task-failures',
        'workflow-schedule-to-start',
        'ses-bounce-rate',
        'ses-complaint-rate',
        'extension-fallback-rate',
        'garden-refresh-failures',
        'backup-jobs-failed',
        'backup-copies-failed',
        'documents-replication-failed',
      ]
        .map((name) => `${names.prefix}-${name}`)
        .sort(),
    );
    const topicId = Object.keys(template(stacks.monitoring).findResources('AWS::SNS::Topic'))[0];
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    monitoring.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: stage.alarmEmail,
    });
    monitoring.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it("has the managers' groups and a monthly budget that warns the on-call address", () => {
    const access = template(stacks.access);
    access.hasResourceProperties('AWS::IAM::Group', { GroupName: `${names.prefix}-managers-read-only` });
    access.hasResourceProperties('AWS::IAM::Group', { GroupName: `${names.prefix}-operators` });
    access.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetLimit: { Amount: stage.budget.monthlyUsd, Unit: 'USD' },
        TimeUnit: 'MONTHLY',
      }),
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({ Subscribers: [{ SubscriptionType: 'EMAIL', Address: stage.alarmEmail }] }),
      ]),
    });
  });
});

describe('the stage settings', () => {
  it('name each stage once, with an account, zones of its region and node groups that can scale', () => {
    expect(new Set(stages.map((stage) => stage.name)).size).toBe(stages.length);
    for (const stage of stages) {
      expect(stage.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(stage.account).toMatch(/^\d{12}$/);
      expect(stage.disasterRecoveryRegion).not.toBe(stage.region);
      expect(stage.domains.mail).toBe(stage.dns.zoneName);
      for (const domain of [stage.domains.web, stage.domains.apiOrigin]) {
        expect(domain === stage.dns.zoneName || domain.endsWith(`.${stage.dns.zoneName}`)).toBe(true);
      }
      for (const zone of stage.network.availabilityZones) expect(zone.startsWith(stage.region)).toBe(true);
      expect(stage.network.natGateways).toBeGreaterThanOrEqual(1);
      expect(stage.network.natGateways).toBeLessThanOrEqual(stage.network.availabilityZones.length);
      for (const group of stage.cluster.nodeGroups) {
        expect(group.minimum).toBeLessThanOrEqual(group.desired);
        expect(group.desired).toBeLessThanOrEqual(group.maximum);
      }
      // S3 bucket names: 63 characters at most.
      const names = resourceNames(stage);
      for (const bucket of [names.documentsBucket, names.documentsReplicaBucket]) {
        expect(bucket.length).toBeLessThanOrEqual(63);
      }
    }
  });
});

/**
 * The IAM actions each AWS SDK command of the application needs. A command missing here fails
 * the test below: add it, and the action to the workload policies.
 */
const actionsOfCommand: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  // A transaction is authorized item by item.
  TransactWriteCommand: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  GetObjectCommand: ['s3:GetObject'],
  // A copy reads its source and writes its target.
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  HeadObjectCommand: ['s3:GetObject'],
  PutObjectCommand: ['s3:PutObject'],
  // With version ids (a member's erasure), a version: s3:DeleteObjectVersion.
  DeleteObjectsCommand: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  ListObjectsV2Command: ['s3:ListBucket'],
  ListObjectVersionsCommand: ['s3:ListBucketVersions'],
  SendEmailCommand: ['ses:SendEmail'],
  PublishCommand: ['sns:Publish'],
  PutMetricDataCommand: ['cloudwatch:PutMetricData'],
};
// Table administration runs locally only (ensureTables); production's tables are the data stack's.
const localOnly = new Set(['adapters/store/tables.ts']);

describe("the workers' rights against the application's own AWS calls", () => {
  it('allows every AWS SDK command that adapters/ and activities/ send', () => {
    const root = join(import.meta.dirname, '..', '..');
    const commands = new Set<string>();
    for (const folder of ['adapters', 'activities']) {
      for (const file of readdirSync(join(root, folder), { recursive: true }) as string[]) {
        const path = `${folder}/${file}`;
        if (!path.endsWith('.ts') || path.endsWith('.test.ts') || localOnly.has(path)) continue;
        for (const [, command] of readFileSync(join(root, path), 'utf8').matchAll(/new (\w+Command)\(/g)) {
          commands.add(command!);
        }
      }
    }
    expect([...commands].filter((command) => !actionsOfCommand[command])).toEqual([]);
    const stacks = stacksByStage.get('production')!;
    const workerRole = resourcesOf(stacks.cluster, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('WorkerRole'),
    )!;
    const allowed = new Set(
      (workerRole[1].Properties!.Policies as { PolicyDocument: { Statement: Json[] } }[]).flatMap((policy) =>
        policy.PolicyDocument.Statement.flatMap(actionsOf),
      ),
    );
    const needed = [...commands].flatMap((command) => actionsOfCommand[command]!);
    expect(needed.filter((action) => !allowed.has(action))).toEqual([]);
    // PutMetricData names no resource: the condition keeps it to the application's namespaces.
    const metricStatements = (
      workerRole[1].Properties!.Policies as { PolicyDocument: { Statement: Json[] } }[]
    )
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => actionsOf(statement).includes('cloudwatch:PutMetricData'));
    expect(metricStatements).toEqual([
      expect.objectContaining({
        Resource: '*',
        Condition: {
          StringEquals: {
            'cloudwatch:namespace': ['Cocagne/Temporal', 'Cocagne/Extensions', 'Cocagne/Gardens'],
          },
        },
      }),
    ]);
  });
});

describe("the API's rights", () => {
  const apiStatements = () => {
    const stacks = stacksByStage.get('production')!;
    const apiRole = resourcesOf(stacks.cluster, 'AWS::IAM::Role').find(([id]) => id.startsWith('ApiRole'))!;
    return (apiRole[1].Properties!.Policies as { PolicyDocument: { Statement: Json[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
  };

  it("list the archived workflow histories the journals read and the pages' images, no other part of the bucket", () => {
    const listing = apiStatements().filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
    expect(listing).toEqual([
      expect.objectContaining({ Condition: { StringLike: { 's3:prefix': ['history-archive/*'] } } }),
      expect.objectContaining({ Condition: { StringLike: { 's3:prefix': ['*/page-images/*'] } } }),
    ]);
  });

  it("delete the pages' images only, every version of them", () => {
    const deleting = apiStatements().filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:Delete')),
    );
    expect(deleting).toHaveLength(1);
    expect(actionsOf(deleting[0]!).sort()).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(JSON.stringify(deleting[0]!.Resource)).toMatch(/\/\*\/page-images\/\*"$/);
  });
});

describe('IAM across every stack of every stage', () => {
  const statements = allStacks.flatMap(statementsOf);
  const dataServices = /^(dynamodb|s3|secretsmanager|kms|backup|ses|sns):/;

  it('grants no wildcard action: never `*` nor `<service>:*`, and no `*` at all in a data action', () => {
    const allowing = statements.filter(
      ({ kind, statement }) => kind === 'identity' && statement.Effect === 'Allow',
    );
    expect(allowing.length).toBeGreaterThan(50);
    const wildcards = allowing.flatMap(({ where, statement }) =>
      actionsOf(statement)
        .filter(
          (action) =>
            action === '*' || action.endsWith(':*') || (dataServices.test(action) && action.includes('*')),
        )
        .map((action) => `${where}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it("resource policies: wildcards only to deny plain HTTP, or in a key's policy for its own account", () => {
    const wildcards = statements.filter(
      ({ kind, statement }) =>
        kind === 'resource' && actionsOf(statement).some((action) => action.includes('*')),
    );
    for (const { where, statement } of wildcards) {
      const deniesPlainHttp =
        statement.Effect === 'Deny' &&
        JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } });
      // CDK's default key policy: the account's IAM decides who uses the key (AWS's own default).
      const accountAdministersKey =
        actionsOf(statement).join() === 'kms:*' && JSON.stringify(statement.Principal).includes(':root');
      expect({ where, allowed: deniesPlainHttp || accountAdministersKey }).toEqual({ where, allowed: true });
    }
  });
});

describe("the gardens' own host names", () => {
  it('are the ones infra/k8s/gardens/gardens.json gives the gardens kept in Git (production)', () => {
    const gardens = JSON.parse(
      readFileSync(new URL('../k8s/gardens/gardens.json', import.meta.url), 'utf8'),
    ) as Array<{ gardenId: string; hostName?: string }>;
    const production = stages.find((stage) => stage.name === 'production')!;
    const hosts = production.domains.gardenHosts.map(({ host }) => host);
    for (const { hostName } of gardens) if (hostName) expect(hosts).toContain(hostName);
  });
});
