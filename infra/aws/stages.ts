/**
 * What differs between the environments Cocagne runs in on AWS. Everything the stacks need to
 * know about an account is here, typed, so that `cdk synth` never looks anything up: the
 * account ids are placeholders (12 digits) until a real account replaces them (infra/aws/README.md,
 * "What to fill in for a real account").
 */

/** One managed node group: EC2 instances the cluster scales between `minimum` and `maximum`. */
export interface NodeGroupSettings {
  name: string;
  instanceTypes: readonly string[];
  minimum: number;
  desired: number;
  maximum: number;
  /** ON_DEMAND for the API and the network worker; SPOT is fine for garden workers (Temporal retries). */
  capacity: 'ON_DEMAND' | 'SPOT';
  /** Node labels, for the workloads' nodeSelector. */
  labels?: Readonly<Record<string, string>>;
}

export interface StageSettings {
  /** Lowercase, used in every resource name: `cocagne-<name>-…`. */
  name: string;
  /** The AWS account (12 digits): a placeholder until the real account is known. */
  account: string;
  /** Where the application runs. */
  region: string;
  /** Where the off-site copies go (AWS Backup copies, S3 replication). */
  disasterRecoveryRegion: string;
  /** The stage's Route 53 zone: every domain below is in it. */
  dns: { zoneName: string };
  domains: {
    /** The web app and the API, through CloudFront. */
    web: string;
    /**
     * The ALB's own name for CloudFront to reach the API (`/api/*`): a Route 53 record that
     * ExternalDNS makes from the API Ingress. Never given to the public.
     */
    apiOrigin: string;
    /** The domain SES sends from (Easy DKIM): the zone's own name; `MAIL_FROM` is an address of it. */
    mail: string;
    /**
     * The gardens' own host names (a garden's `hostName`), outside our zone: each is served by a
     * CloudFront distribution of its own, like `web`, so every request reaches the ALB through
     * CloudFront. Its certificate is requested in us-east-1 beforehand (`aws acm
     * request-certificate`) and validated by a CNAME the garden adds: a deployment never waits
     * on a garden's DNS, and a host leaves without a cross-stack export to unwind.
     */
    gardenHosts: ReadonlyArray<{ host: string; certificateArn: string }>;
  };
  /** The on-call address every alarm and the budget write to. */
  alarmEmail: string;
  /** The monthly cost budget in USD, and at what share of it the first warning goes. */
  budget: { monthlyUsd: number; warnAtPercent: number };
  /** Zones named, not looked up: synthesis makes no AWS call. */
  network: { cidr: string; availabilityZones: readonly string[]; natGateways: number };
  cluster: {
    kubernetesVersion: string;
    nodeGroups: readonly NodeGroupSettings[];
  };
  edge: {
    /** Requests per client address over 5 minutes before WAF blocks it (rate-based rule). */
    rateLimitPerFiveMinutes: number;
    /**
     * CloudFront's origin-facing managed prefix list in the region (`aws ec2
     * describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing`):
     * once set, the ALB accepts HTTPS from CloudFront only; until then from anywhere (WAF still applies).
     */
    cloudFrontPrefixListId?: string;
  };
  monitoring: {
    /**
     * The API's load balancer as CloudWatch names it (`app/<name>/<id>`). The AWS Load Balancer
     * Controller makes it from the API Ingress, so it is known after the first deployment
     * (infra/aws/README.md, "First deployment"); the placeholder id makes alarms that stay
     * INSUFFICIENT_DATA until then.
     */
    apiLoadBalancer: string;
  };
  temporal: {
    /** Temporal Cloud by default: `<namespace>.<account>.tmprl.cloud:7233`. */
    address: string;
    namespace: string;
  };
  /** SNS SMS: the monthly spend limit in USD (set by hand: CloudFormation cannot, README). */
  smsMonthlySpendLimitUsd: number;
  documents: {
    /** Days the documents' old versions stay in S3 Standard before Glacier (never expired). */
    noncurrentToGlacierDays: number;
    /** Days before those old versions go on to Deep Archive. */
    noncurrentToDeepArchiveDays: number;
    /**
     * Days an old version stays in the off-site replica. S3 does not replicate the deletion of a
     * version: a member's erasure deletes their documents' versions here, and the replica's go
     * after these days (the privacy policy says how long backups keep erased data).
     */
    replicaOldVersionsDays: number;
  };
}

/** The region CloudFront's web ACLs and certificates must be in. */
export const cloudFrontRegion = 'us-east-1';

const placeholderLoadBalancerId = '0000000000000000';

export const stages: readonly StageSettings[] = [
  {
    name: 'staging',
    account: '111111111111',
    region: 'eu-west-3',
    disasterRecoveryRegion: 'eu-west-1',
    dns: { zoneName: 'staging.cocagne.example.org' },
    domains: {
      web: 'staging.cocagne.example.org',
      apiOrigin: 'api-origin.staging.cocagne.example.org',
      mail: 'staging.cocagne.example.org',
      gardenHosts: [],
    },
    alarmEmail: 'astreinte-staging@cocagne.example.org',
    budget: { monthlyUsd: 600, warnAtPercent: 80 },
    network: { cidr: '10.20.0.0/16', availabilityZones: ['eu-west-3a', 'eu-west-3b'], natGateways: 1 },
    cluster: {
      kubernetesVersion: '1.35',
      nodeGroups: [
        {
          name: 'platform',
          instanceTypes: ['t3.large'],
          minimum: 2,
          desired: 2,
          maximum: 4,
          capacity: 'ON_DEMAND',
          labels: { 'cocagne/pool': 'platform' },
        },
        {
          name: 'gardens',
          instanceTypes: ['t3.large', 't3a.large'],
          minimum: 1,
          desired: 1,
          maximum: 4,
          capacity: 'SPOT',
          labels: { 'cocagne/pool': 'gardens' },
        },
      ],
    },
    edge: { rateLimitPerFiveMinutes: 2000 },
    monitoring: { apiLoadBalancer: `app/cocagne-staging-api/${placeholderLoadBalancerId}` },
    temporal: { address: 'cocagne-staging.a0b1c.tmprl.cloud:7233', namespace: 'cocagne-staging.a0b1c' },
    smsMonthlySpendLimitUsd: 20,
    documents: { noncurrentToGlacierDays: 30, noncurrentToDeepArchiveDays: 180, replicaOldVersionsDays: 30 },
  },
  {
    name: 'production',
    account: '222222222222',
    region: 'eu-west-3',
    disasterRecoveryRegion: 'eu-west-1',
    dns: { zoneName: 'cocagne.example.org' },
    domains: {
      web: 'cocagne.example.org',
      apiOrigin: 'api-origin.cocagne.example.org',
      mail: 'cocagne.example.org',
      // infra/k8s/gardens/gardens.json: the gardens kept in Git with their host names
      // (app.test.ts checks the two lists agree).
      gardenHosts: [
        {
          host: 'paniers.val-du-doubs.example.org',
          certificateArn:
            'arn:aws:acm:us-east-1:222222222222:certificate/00000000-0000-0000-0000-000000000001',
        },
      ],
    },
    alarmEmail: 'astreinte@cocagne.example.org',
    budget: { monthlyUsd: 3000, warnAtPercent: 80 },
    // One NAT gateway per zone: losing a zone must not cut the others' way out.
    network: {
      cidr: '10.10.0.0/16',
      availabilityZones: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'],
      natGateways: 3,
    },
    cluster: {
      kubernetesVersion: '1.35',
      nodeGroups: [
        {
          name: 'platform',
          instanceTypes: ['m6i.large'],
          minimum: 3,
          desired: 3,
          maximum: 6,
          capacity: 'ON_DEMAND',
          labels: { 'cocagne/pool': 'platform' },
        },
        {
          name: 'gardens',
          instanceTypes: ['m6i.large', 'm6a.large', 'm5.large'],
          minimum: 2,
          desired: 3,
          maximum: 12,
          capacity: 'SPOT',
          labels: { 'cocagne/pool': 'gardens' },
        },
      ],
    },
    edge: { rateLimitPerFiveMinutes: 2000 },
    monitoring: { apiLoadBalancer: `app/cocagne-production-api/${placeholderLoadBalancerId}` },
    temporal: { address: 'cocagne.a0b1c.tmprl.cloud:7233', namespace: 'cocagne.a0b1c' },
    smsMonthlySpendLimitUsd: 100,
    documents: { noncurrentToGlacierDays: 30, noncurrentToDeepArchiveDays: 180, replicaOldVersionsDays: 30 },
  },
];

/** An ACM certificate in us-east-1, the only region CloudFront takes certificates from. */
const certificateArnPattern = /^arn:aws:acm:us-east-1:[0-9]{12}:certificate\/[0-9a-f-]{36}$/;

/** A host name CloudFront and ACM accept (lowercase labels, at least two). */
const hostNamePattern = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * The gardens' host names with their construct ids (`paniers.val-du-doubs.example.org` ->
 * `PaniersValDuDoubsExampleOrg`); refuses a name that is not a host name, one listed twice,
 * two names with the same id, and a certificate that is not an ACM one in us-east-1.
 */
export function gardenHostIds(
  stage: StageSettings,
): Array<{ host: string; id: string; certificateArn: string }> {
  const hosts = new Set<string>([stage.domains.web]);
  const ids = new Map<string, string>();
  return stage.domains.gardenHosts.map(({ host, certificateArn }) => {
    if (!hostNamePattern.test(host)) {
      throw new Error(`Stage ${stage.name}: gardenHosts: "${host}" is not a lowercase host name`);
    }
    if (hosts.has(host)) throw new Error(`Stage ${stage.name}: gardenHosts: "${host}" is listed twice`);
    hosts.add(host);
    if (!certificateArnPattern.test(certificateArn)) {
      throw new Error(
        `Stage ${stage.name}: gardenHosts: the certificate of "${host}" must be an ACM certificate in ${cloudFrontRegion} (CloudFront's region)`,
      );
    }
    const id = host
      .split(/[.-]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('');
    const clash = ids.get(id);
    if (clash)
      throw new Error(
        `Stage ${stage.name}: gardenHosts: "${host}" and "${clash}" make the same construct id`,
      );
    ids.set(id, host);
    return { host, id, certificateArn };
  });
}

/** `cocagne-<stage>`: the prefix of every name, and the application's DYNAMODB_TABLE_PREFIX. */
export const stagePrefix = (stage: StageSettings) => `cocagne-${stage.name}`;
