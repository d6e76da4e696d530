import {
  CfnJson,
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Tags,
  Validations,
  type StackProps,
} from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { externalDnsPolicy, loadBalancerControllerPolicy } from './controller-policies.ts';
import { resourceNames } from './names.ts';
import type { StageSettings } from './stages.ts';
import { apiPolicy, externalSecretsPolicy, releaseChecksPolicy, workerPolicy } from './workload-policies.ts';

/** The cluster's Service addresses: kubernetes.default.svc is its first, 172.20.0.1. */
export const serviceCidr = '172.20.0.0/16';

/** Every garden's worker service account (domain/garden-deployment.ts names them so). */
export const gardenWorkerServiceAccounts = 'system:serviceaccount:garden-*:garden-*-worker';

export interface ClusterStackProps extends StackProps {
  /** The stage's zone, the only one ExternalDNS may change. */
  hostedZoneId: string;
}

/** A Kubernetes service account that gets AWS credentials through EKS Pod Identity. */
export interface Workload {
  namespace: string;
  serviceAccount: string;
  policy: iam.PolicyDocument;
  /** Output name of the role's ARN. */
  output: string;
}

/**
 * The network and the EKS cluster, all in CloudFormation's own resources (no kubectl Lambda):
 * a VPC with public subnets (the ALB) and private ones (nodes, pods), gateway endpoints for
 * DynamoDB and S3 so data never crosses a NAT; the cluster (API access entries, secrets
 * encrypted by KMS, control-plane logs), managed node groups with autoscaling bounds, the
 * add-ons, and one IAM role per workload bound by Pod Identity.
 *
 * Flux (infra/flux) installs the controllers; this stack gives them what they need as outputs
 * (cluster name, VPC id, role ARNs).
 */
export class ClusterStack extends Stack {
  readonly clusterName: string;
  readonly operatorRole: iam.Role;
  readonly viewerRole: iam.Role;
  private readonly zones: readonly string[];

  override get availabilityZones(): string[] {
    return [...this.zones];
  }

  constructor(scope: Construct, id: string, stage: StageSettings, props: ClusterStackProps) {
    super(scope, id, props);
    this.zones = stage.network.availabilityZones;
    const names = resourceNames(stage);
    this.clusterName = names.clusterName;

    // ---- Network (the zones from the stage: the stack's own would be a lookup) ----
    const vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: names.prefix,
      ipAddresses: ec2.IpAddresses.cidr(stage.network.cidr),
      availabilityZones: [...stage.network.availabilityZones],
      natGateways: stage.network.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        // Pods take VPC addresses (vpc-cni): large private subnets.
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 19 },
      ],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      restrictDefaultSecurityGroup: false,
    });
    Validations.of(vpc).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'the zones are named in the stage on purpose: synthesis makes no AWS lookup',
    });
    // Where the AWS Load Balancer Controller puts internet-facing and internal load balancers.
    for (const subnet of vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of vpc.privateSubnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    const flowLogsKey = new kms.Key(this, 'FlowLogsKey', {
      description: `${names.prefix}: VPC flow logs`,
      enableKeyRotation: true,
    });
    flowLogsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stage.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${stage.region}:${stage.account}:log-group:*`,
          },
        },
      }),
    );
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: flowLogsKey,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    // ---- Cluster ----
    const clusterRole = new iam.Role(this, 'ClusterRole', {
      assumedBy: new iam.ServicePrincipal('eks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSClusterPolicy')],
    });
    const secretsKey = new kms.Key(this, 'ClusterSecretsKey', {
      description: `${names.prefix}: Kubernetes Secrets encryption`,
      enableKeyRotation: true,
    });
    const privateSubnets = vpc.privateSubnets.map((subnet) => subnet.subnetId);
    const cluster = new eks.CfnCluster(this, 'Cluster', {
      name: names.clusterName,
      version: stage.cluster.kubernetesVersion,
      roleArn: clusterRole.roleArn,
      resourcesVpcConfig: {
        subnetIds: privateSubnets,
        endpointPrivateAccess: true,
        // Operators and CI reach the API server with IAM credentials; Flux runs inside.
        endpointPublicAccess: true,
      },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      // EKS's API takes `secrets` as the only value (CloudFormation's schema marks the list
      // deprecated; it is still what the API documents, and what checkov looks for).
      encryptionConfig: [{ provider: { keyArn: secretsKey.keyArn }, resources: ['secrets'] }],
      // Pinned, not EKS's choice by the VPC's range: the network worker's NetworkPolicy allows
      // kubernetes.default.svc at 172.20.0.1 (infra/k8s/base/network-policies.yaml).
      kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: serviceCidr },
      logging: {
        clusterLogging: {
          enabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((type) => ({
            type,
          })),
        },
      },
      upgradePolicy: { supportType: 'STANDARD' },
      deletionProtection: true,
    });

    Validations.of(cluster).acknowledge({
      id: 'CloudFormation-Validate::W9009',
      reason: "EncryptionConfig's Resources: deprecated in the schema, still the API's documented value",
    });

    const nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        // The add-ons' images are in ECR; the application's are on Nexus (an image pull secret).
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });
    const nodeGroups = stage.cluster.nodeGroups.map((group) => {
      const nodeGroup = new eks.CfnNodegroup(this, `NodeGroup-${group.name}`, {
        clusterName: cluster.ref,
        nodegroupName: group.name,
        nodeRole: nodeRole.roleArn,
        subnets: privateSubnets,
        amiType: 'AL2023_x86_64_STANDARD',
        capacityType: group.capacity,
        instanceTypes: [...group.instanceTypes],
        scalingConfig: { minSize: group.minimum, desiredSize: group.desired, maxSize: group.maximum },
        updateConfig: { maxUnavailable: 1 },
        nodeRepairConfig: { enabled: true },
        ...(group.labels ? { labels: { ...group.labels } } : {}),
      });
      return nodeGroup;
    });

    // ---- Add-ons ----
    const podIdentityTrust = new iam.ServicePrincipal('pods.eks.amazonaws.com');
    const podRole = (id: string, policy: iam.PolicyDocument | undefined, managed: string[] = []) => {
      const role = new iam.Role(this, id, {
        assumedBy: podIdentityTrust,
        ...(policy ? { inlinePolicies: { access: policy } } : {}),
        managedPolicies: managed.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
      });
      // Pod Identity tags the session with the cluster, namespace and service account.
      role.assumeRolePolicy?.addStatements(
        new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [podIdentityTrust] }),
      );
      return role;
    };
    const cniRole = podRole('VpcCniRole', undefined, ['AmazonEKS_CNI_Policy']);
    const podIdentityAgent = new eks.CfnAddon(this, 'AddonPodIdentityAgent', {
      clusterName: cluster.ref,
      addonName: 'eks-pod-identity-agent',
      resolveConflicts: 'OVERWRITE',
    });
    const vpcCni = new eks.CfnAddon(this, 'AddonVpcCni', {
      clusterName: cluster.ref,
      addonName: 'vpc-cni',
      resolveConflicts: 'OVERWRITE',
      podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: cniRole.roleArn }],
      // NetworkPolicies (each garden's namespace has one) are enforced by the CNI's agent.
      configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
    });
    vpcCni.addResourceDependency(podIdentityAgent);
    new eks.CfnAddon(this, 'AddonKubeProxy', {
      clusterName: cluster.ref,
      addonName: 'kube-proxy',
      resolveConflicts: 'OVERWRITE',
    });
    // CoreDNS runs on nodes: without any it never becomes healthy.
    const coreDns = new eks.CfnAddon(this, 'AddonCoreDns', {
      clusterName: cluster.ref,
      addonName: 'coredns',
      resolveConflicts: 'OVERWRITE',
    });
    for (const nodeGroup of nodeGroups) coreDns.addResourceDependency(nodeGroup);

    // ---- Workloads' AWS rights (Pod Identity) ----
    new secretsmanager.Secret(this, 'TemporalApiKey', {
      secretName: names.temporalApiKeySecret,
      description: `Temporal Cloud API key of ${stage.temporal.namespace} (TEMPORAL_API_KEY): put the real one in after deployment`,
    });
    // The keys sealing workflow payloads: every pod speaking to Temporal reads them (External
    // Secrets); an empty value stops the pods at start (their settings refuse it), so an operator
    // puts a generated key in before the first release (infra/aws/README.md, "Payload keys").
    // Kept, and replicated to the recovery region: without them, no history or archive opens.
    new secretsmanager.Secret(this, 'TemporalPayloadKeys', {
      secretName: names.temporalPayloadKeysSecret,
      description:
        'JSON with TEMPORAL_PAYLOAD_KEYS (id:base64 32-byte key, comma-separated) and TEMPORAL_PAYLOAD_KEY_ID: put a generated key in after deployment, never remove a key still sealing history or archives',
      removalPolicy: RemovalPolicy.RETAIN,
      replicaRegions: [{ region: stage.disasterRecoveryRegion }],
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ TEMPORAL_PAYLOAD_KEYS: '', TEMPORAL_PAYLOAD_KEY_ID: '' }),
        generateStringKey: 'unused',
      },
    });
    // The secrets External Secrets copies into the cluster, made with the keys each must hold
    // (empty, plus a generated `unused` one) so an operator fills in values, never guesses names
    // (infra/k8s/base/external-secrets.yaml). CloudFormation generates the value at creation, and
    // again whenever the template below changes: changing a key list here would replace every
    // value the operators put in with empty strings. So these lists stay as they are once a stage
    // is deployed: a new key is added by hand (`aws secretsmanager put-secret-value`, the whole
    // JSON with the new key; infra/aws/README.md, "Adding a key to a cluster secret"), never here.
    // Kept when the stack or the resource goes (RETAIN): deleting would lose the values too.
    const clusterSecrets: Array<[string, string, string[]]> = [
      [
        'ApplicationSecrets',
        names.clusterSecrets.application,
        [
          'STRIPE_SECRET_KEY',
          'STRIPE_WEBHOOK_SECRET',
          'KEYCLOAK_ADMIN_CLIENT_SECRET',
          'KEYCLOAK_PROVISIONER_CLIENT_SECRET',
        ],
      ],
      ['NexusPullSecret', names.clusterSecrets.nexusPull, ['registry', 'username', 'password']],
      ['FluxNotificationsSecret', names.clusterSecrets.fluxNotifications, ['address']],
    ];
    for (const [id, secretName, keys] of clusterSecrets) {
      new secretsmanager.Secret(this, id, {
        secretName,
        description: `JSON with ${keys.join(', ')}: put the real values in after deployment`,
        removalPolicy: RemovalPolicy.RETAIN,
        // Generated at creation, and at every change of this template (never change it: above).
        generateSecretString: {
          secretStringTemplate: JSON.stringify(Object.fromEntries(keys.map((key) => [key, '']))),
          generateStringKey: 'unused',
        },
      });
    }
    const workloads: Workload[] = [
      {
        namespace: 'cocagne',
        serviceAccount: 'cocagne-api',
        policy: apiPolicy(this, stage),
        output: 'ApiRoleArn',
      },
      {
        namespace: 'cocagne',
        serviceAccount: 'cocagne-worker',
        policy: workerPolicy(this, stage),
        output: 'WorkerRoleArn',
      },
      {
        namespace: 'cocagne',
        serviceAccount: 'cocagne-release-checks',
        policy: releaseChecksPolicy(this, stage),
        output: 'ReleaseChecksRoleArn',
      },
      {
        namespace: 'external-secrets',
        serviceAccount: 'external-secrets',
        policy: externalSecretsPolicy(this, stage),
        output: 'ExternalSecretsRoleArn',
      },
      {
        namespace: 'kube-system',
        serviceAccount: 'aws-load-balancer-controller',
        policy: loadBalancerControllerPolicy(names.clusterName),
        output: 'LoadBalancerControllerRoleArn',
      },
      {
        namespace: 'external-dns',
        serviceAccount: 'external-dns',
        policy: externalDnsPolicy(props.hostedZoneId),
        output: 'ExternalDnsRoleArn',
      },
    ];
    for (const workload of workloads) {
      const role = podRole(workload.output.replace(/Arn$/, ''), workload.policy);
      const association = new eks.CfnPodIdentityAssociation(this, `PodIdentity-${workload.serviceAccount}`, {
        clusterName: cluster.ref,
        namespace: workload.namespace,
        serviceAccount: workload.serviceAccount,
        roleArn: role.roleArn,
      });
      association.addResourceDependency(podIdentityAgent);
      new CfnOutput(this, workload.output, {
        value: role.roleArn,
        description: `IAM role of ${workload.namespace}/${workload.serviceAccount} (Pod Identity)`,
      });
    }
    // Each garden's worker runs in its own namespace (garden-<slug>), made by the provisioning
    // workflow, and a Pod Identity association names one namespace: the gardens' workers take
    // their role by IRSA instead (the profile's awsRoleArn, annotated on each garden's
    // ServiceAccount), whose trust policy can match every garden's service account by pattern.
    // The condition's keys hold the cluster's issuer, known at deployment only: CfnJson (a
    // CDK-provided function, no kubectl) writes them.
    const oidcProvider = new iam.CfnOIDCProvider(this, 'OidcProvider', {
      url: cluster.attrOpenIdConnectIssuerUrl,
      clientIdList: ['sts.amazonaws.com'],
    });
    const issuer = Fn.select(1, Fn.split('https://', cluster.attrOpenIdConnectIssuerUrl));
    const gardenWorkerRole = new iam.Role(this, 'GardenWorkerRole', {
      roleName: 'cocagne-garden-worker',
      description: 'Every garden-<slug>/garden-<slug>-worker service account, by IRSA',
      assumedBy: new iam.FederatedPrincipal(
        oidcProvider.attrArn,
        {
          StringEquals: new CfnJson(this, 'GardenWorkerAudience', {
            value: { [`${issuer}:aud`]: 'sts.amazonaws.com' },
          }),
          StringLike: new CfnJson(this, 'GardenWorkerSubject', {
            value: { [`${issuer}:sub`]: gardenWorkerServiceAccounts },
          }),
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
      inlinePolicies: { access: workerPolicy(this, stage) },
    });
    new CfnOutput(this, 'GardenWorkerRoleArn', {
      value: gardenWorkerRole.roleArn,
      description: "awsRoleArn of the gardens' deployment profile (IRSA)",
    });

    // ---- The ALB's fixed parts (the controller makes the ALB itself from the API Ingress) ----
    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc,
      description: `${names.prefix}: the API ALB (HTTPS from CloudFront)`,
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(
      stage.edge.cloudFrontPrefixListId
        ? ec2.Peer.prefixList(stage.edge.cloudFrontPrefixListId)
        : ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS from CloudFront (its origin-facing prefix list once set in the stage)',
    );
    // Target type ip: the ALB reaches pods on their own addresses, which carry the cluster's
    // security group.
    const podPort = 8080;
    albSecurityGroup.addEgressRule(ec2.Peer.ipv4(stage.network.cidr), ec2.Port.tcp(podPort), 'to the pods');
    new ec2.CfnSecurityGroupIngress(this, 'PodsFromAlb', {
      groupId: cluster.attrClusterSecurityGroupId,
      sourceSecurityGroupId: albSecurityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: podPort,
      toPort: podPort,
      description: 'the API ALB to the API and web pods',
    });
    const targetGroup = (id: string, name: string, healthCheckPath: string) =>
      new elbv2.CfnTargetGroup(this, id, {
        name,
        targetType: 'ip',
        protocol: 'HTTP',
        port: podPort,
        vpcId: vpc.vpcId,
        healthCheckPath,
        healthCheckIntervalSeconds: 10,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        targetGroupAttributes: [{ key: 'deregistration_delay.timeout_seconds', value: '30' }],
        // The load balancer controller registers pods only in target groups tagged with its
        // cluster (its policy's conditions): the TargetGroupBindings of infra/k8s fill these.
        tags: [{ key: 'elbv2.k8s.aws/cluster', value: names.clusterName }],
      });
    const apiTargets = targetGroup('ApiTargets', 'cocagne-api', '/api/health');
    const webTargets = targetGroup('WebTargets', 'cocagne-web', '/healthz');

    // ---- People (roles the IAM groups of the access stack may take) ----
    const people = (id: string, description: string) =>
      new iam.Role(this, id, {
        description,
        assumedBy: new iam.AccountRootPrincipal().withConditions({
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        }),
        maxSessionDuration: Duration.hours(4),
      });
    this.operatorRole = people('OperatorRole', 'Operators of the network: cluster changes, restores');
    this.viewerRole = people('ViewerRole', 'Network managers: read-only view of the cluster');
    const clusterAccess = (id: string, role: iam.Role, policy: string) =>
      new eks.CfnAccessEntry(this, id, {
        clusterName: cluster.ref,
        principalArn: role.roleArn,
        type: 'STANDARD',
        accessPolicies: [
          {
            policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
            accessScope: { type: 'cluster' },
          },
        ],
      });
    clusterAccess('OperatorAccess', this.operatorRole, 'AmazonEKSAdminPolicy');
    clusterAccess('ViewerAccess', this.viewerRole, 'AmazonEKSViewPolicy');

    new CfnOutput(this, 'ClusterName', { value: cluster.ref });
    new CfnOutput(this, 'ClusterEndpoint', { value: cluster.attrEndpoint });
    new CfnOutput(this, 'VpcId', {
      value: vpc.vpcId,
      description: 'the AWS Load Balancer Controller --aws-vpc-id',
    });
    new CfnOutput(this, 'VpcCidr', {
      value: stage.network.cidr,
      description: 'vpcCidr of the Kubernetes environment',
    });
    new CfnOutput(this, 'AlbSecurityGroupId', { value: albSecurityGroup.securityGroupId });
    new CfnOutput(this, 'ApiTargetGroupArn', { value: apiTargets.ref });
    new CfnOutput(this, 'WebTargetGroupArn', { value: webTargets.ref });
    new CfnOutput(this, 'OperatorRoleArn', { value: this.operatorRole.roleArn });
    new CfnOutput(this, 'ViewerRoleArn', { value: this.viewerRole.roleArn });
  }
}
