// What checkov finds in the production infrastructure that we keep on purpose, each with why.
// checkov.test.ts fails on any finding not listed here, and on any waiver that no longer
// matches a finding (so the list only ever says what is true today).

export interface Waiver {
  /** The check's id, e.g. `CKV_K8S_35`. */
  check: string;
  /** Which resources: matched against checkov's resource name (`Kind.namespace.name` for Kubernetes). */
  resource: RegExp;
  /** Why the finding is kept: what the check wants, and why it does not apply or is covered otherwise. */
  reason: string;
}

export const waivers: Waiver[] = [
  {
    check: 'CKV_K8S_35',
    resource: /^Deployment\.(cocagne|garden-[a-z0-9-]+)\./,
    reason:
      'The application reads its settings from its environment, checked at start-up by a schema ' +
      '(12-factor; the same code runs locally and on AWS): secrets arrive as environment variables ' +
      "from a Secret (the platform's whole Secret, a garden's key by key), never from a ConfigMap, and " +
      'the settings are never logged. Reading them from files would need a second way to configure.',
  },
  {
    check: 'CKV_K8S_40',
    resource: /^Deployment\.(cocagne|garden-[a-z0-9-]+)\./,
    reason:
      "The images run as uid 1000 (the node image's own `node` user, which its files belong to; the " +
      "route optimiser's python image has no entry for it and its files stay root's, read-only), or " +
      '101 for nginx-unprivileged. A high uid guards against sharing a uid with a host user through ' +
      'host paths or host namespaces; the pods use neither, and run under Pod Security restricted: ' +
      'non-root, no privilege escalation, every capability dropped, read-only root file system.',
  },
  // ---- CloudFormation (infra/aws) ----
  {
    check: 'CKV_AWS_111',
    resource: /^AWS::IAM::Role\.(ApiRole|WorkerRole|GardenWorkerRole)[0-9A-F]{8}$/,
    reason:
      'sns:Publish on "*": the SMS reminders are published straight to phone numbers, which SNS ' +
      'authorizes only with the resource "*" (no topic is involved). Every other statement of these ' +
      'roles names its tables, bucket and identities (infra/aws/workload-policies.ts, app.test.ts).',
  },
  {
    check: 'CKV_AWS_111',
    resource: /^AWS::IAM::Role\.LoadBalancerControllerRole[0-9A-F]{8}$/,
    reason:
      "The AWS Load Balancer Controller's policy, written after the one its project publishes: WAF association takes " +
      'no resource condition (the ALBs it makes do not exist when the policy is written); its ' +
      'writes to load balancers, target groups and security groups are conditioned on its tags.',
  },
  {
    check: 'CKV_AWS_111',
    resource: /^AWS::IAM::ManagedPolicy\.OperatorPolicy[0-9A-F]{8}$/,
    reason:
      'Restores and copies by the network operators (the runbooks of infra/aws/README.md): AWS ' +
      'Backup recovery points of DynamoDB take no narrower resource than "*" in IAM (cfn-lint I3510 ' +
      'says the same), and passing the backup role is limited to AWS Backup.',
  },
  ...(['CKV_AWS_115', 'CKV_AWS_116', 'CKV_AWS_117'] as const).map((check) => ({
    check,
    resource:
      /^AWS::Lambda::Function\.(AWSCDKCfnUtilsProviderCustomResourceProviderHandler|CustomCrossRegionExport(Reader|Writer)CustomResourceProviderHandler)[0-9A-F]{8}$/,
    reason:
      "AWS CDK's own provider functions (CfnJson's, and the cross-region references'), which only " +
      'CloudFormation invokes, once per deployment: no concurrency to bound, no event to lose to a ' +
      'dead-letter queue, and nothing in the VPC to reach.',
  })),
  ...(
    [
      ['CKV_AWS_119', /^AWS::DynamoDB::Table\.(ControlTable|GardensTable)$/],
      [
        'CKV_AWS_149',
        /^AWS::SecretsManager::Secret\.(TemporalApiKey|ApplicationSecrets|NexusPullSecret|FluxNotificationsSecret|OriginVerify|TemporalPayloadKeys)[0-9A-F]{8}$/,
      ],
      ['CKV_AWS_166', /^AWS::Backup::BackupVault\.Vault[0-9A-F]{8}$/],
    ] as const
  ).map(([check, resource]) => ({
    check,
    resource,
    reason:
      'Encrypted at rest with AWS-managed keys, chosen over customer-managed ones: the priority is that ' +
      'data is never lost, and a customer key adds a way to lose every table, backup and off-site ' +
      'copy at once (a scheduled key deletion), plus a key to keep in each region the backups are ' +
      'copied to. Access is controlled by the IAM policies, which name each table and vault.',
  })),
  ...(
    [
      ['CKV_AWS_18', /^AWS::S3::Bucket\.(Documents|DocumentsReplica)[0-9A-F]{8}$/],
      [
        'CKV_AWS_86',
        /^AWS::CloudFront::Distribution\.(Distribution|GardenDistribution[A-Za-z0-9]+)[0-9A-F]{8}$/,
      ],
    ] as const
  ).map(([check, resource]) => ({
    check,
    resource,
    reason:
      'Not enabled yet, on purpose until decided with the legal issue (RGPD): access logs hold ' +
      "visitors' addresses and need a log bucket per region with a retention the privacy policy " +
      'states. Listed as a known gap in infra/aws/README.md ("Known limits").',
  })),
  {
    check: 'CKV_GHA_7',
    resource: /^on\(promote\)$/,
    reason:
      'promote.yml builds nothing: its one input names the release candidate a reviewer promotes to ' +
      'production, checked against ^N.N.N-rc.N$ before use and passed to the scripts only as an ' +
      'environment variable; the job only adds a tag to digests whose cosign signatures from release.yml it ' +
      'has verified. The build (release.yml) takes no input.',
  },
];
