import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The in-cluster controllers' rights (installed by Flux, infra/flux). Reads (Describe…, Get…)
 * cannot be narrowed by resource in EC2 and Elastic Load Balancing; every change is limited to
 * what the controller itself tagged (`elbv2.k8s.aws/cluster`), as the controller's own
 * documentation recommends.
 */
export function loadBalancerControllerPolicy(clusterName: string): iam.PolicyDocument {
  const ownedByCluster = { Null: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'false' } };
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'Read',
        actions: [
          'ec2:DescribeAccountAttributes',
          'ec2:DescribeAddresses',
          'ec2:DescribeAvailabilityZones',
          'ec2:DescribeInternetGateways',
          'ec2:DescribeVpcs',
          'ec2:DescribeVpcPeeringConnections',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeInstances',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeTags',
          'ec2:DescribeCoipPools',
          'ec2:GetCoipPoolUsage',
          'ec2:DescribeRouteTables',
          'ec2:GetSecurityGroupsForVpc',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeLoadBalancerAttributes',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeListenerAttributes',
          'elasticloadbalancing:DescribeListenerCertificates',
          'elasticloadbalancing:DescribeSSLPolicies',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetGroupAttributes',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:DescribeTags',
          'elasticloadbalancing:DescribeTrustStores',
          'elasticloadbalancing:DescribeCapacityReservation',
          'acm:ListCertificates',
          'acm:DescribeCertificate',
          'wafv2:GetWebACL',
          'wafv2:GetWebACLForResource',
          'shield:GetSubscriptionState',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'ServiceLinkedRole',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: ['*'],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
      }),
      new iam.PolicyStatement({
        sid: 'CreateTagged',
        actions: [
          'ec2:CreateSecurityGroup',
          'elasticloadbalancing:CreateLoadBalancer',
          'elasticloadbalancing:CreateTargetGroup',
        ],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestTag/elbv2.k8s.aws/cluster': clusterName } },
      }),
      new iam.PolicyStatement({
        sid: 'TagOnCreate',
        actions: ['ec2:CreateTags', 'elasticloadbalancing:AddTags'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:RequestTag/elbv2.k8s.aws/cluster': clusterName },
        },
      }),
      new iam.PolicyStatement({
        sid: 'ChangeOwned',
        actions: [
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:DeleteSecurityGroup',
          'ec2:DeleteTags',
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:SetIpAddressType',
          'elasticloadbalancing:SetSecurityGroups',
          'elasticloadbalancing:SetSubnets',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:RemoveTags',
          'elasticloadbalancing:ModifyListenerAttributes',
          'elasticloadbalancing:ModifyCapacityReservation',
          'elasticloadbalancing:RegisterTargets',
          'elasticloadbalancing:DeregisterTargets',
        ],
        resources: ['*'],
        conditions: ownedByCluster,
      }),
      // The regional web ACL is named by the Ingress annotation; the ACL is not the
      // controller's, so no tag condition can hold on both resources of the call.
      new iam.PolicyStatement({
        sid: 'WebAcl',
        actions: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'],
        resources: ['*'],
      }),
      // Listeners and rules carry no tag of their own: they are reached through the load
      // balancer the controller made, by ARN pattern.
      new iam.PolicyStatement({
        sid: 'ListenersAndRules',
        actions: [
          'elasticloadbalancing:CreateListener',
          'elasticloadbalancing:DeleteListener',
          'elasticloadbalancing:CreateRule',
          'elasticloadbalancing:DeleteRule',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:ModifyRule',
          'elasticloadbalancing:AddListenerCertificates',
          'elasticloadbalancing:RemoveListenerCertificates',
        ],
        resources: [
          'arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*',
          'arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*',
          'arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*',
          'arn:aws:elasticloadbalancing:*:*:targetgroup/*/*',
        ],
      }),
    ],
  });
}

/** ExternalDNS: the records of the Ingresses' hosts, in the stage's zone only. */
export function externalDnsPolicy(hostedZoneId: string): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'Records',
        actions: [
          'route53:ChangeResourceRecordSets',
          'route53:ListResourceRecordSets',
          'route53:ListTagsForResources',
        ],
        resources: [`arn:aws:route53:::hostedzone/${hostedZoneId}`],
      }),
      new iam.PolicyStatement({ sid: 'Zones', actions: ['route53:ListHostedZones'], resources: ['*'] }),
    ],
  });
}
