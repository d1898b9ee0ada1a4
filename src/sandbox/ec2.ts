import * as vpc from './ec2-vpc';
import * as routes from './ec2-routes';
import * as securityGroups from './ec2-security-groups';
import { AwsError } from './errors';
import type { AuthResource } from './iam';
import type { XmlValue } from './protocols/query';
import { defineService, xmlResult, type ActionContext } from './service-module';
import type { Ec2InstanceRecord, Ec2State } from './world/records';

/**
 * Amazon EC2 over the EC2 query protocol: the instances behind the container instances.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
 */

type Ctx = ActionContext<undefined>;

const STATE_CODES: Record<Ec2State, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function describeInstances(ctx: Ctx) {
  ctx.authorize();
  const ids = ctx.params.optStringList('InstanceId');
  const instances = selectInstances(ctx, ids).filter((i) => matchesFilters(i, filters(ctx)));
  const { items, nextToken } = ec2Page(ctx, instances, ids !== undefined);
  // One reservation per instance: each was launched on its own.
  return xmlResult({
    reservationSet: items.map((i) => ({
      reservationId: i.reservationId,
      ownerId: ctx.accountId,
      instancesSet: [renderInstance(i, ctx.accountId, groupNameIn(ctx))],
    })),
    nextToken,
  });
}

function describeInstanceStatus(ctx: Ctx) {
  ctx.authorize();
  const ids = ctx.params.optStringList('InstanceId');
  const includeAll = ctx.params.optBool('IncludeAllInstances') ?? false;
  const instances = selectInstances(ctx, ids)
    .filter((i) => includeAll || i.state === 'running')
    .filter((i) => matchesFilters(i, filters(ctx)));
  const { items, nextToken } = ec2Page(ctx, instances, ids !== undefined);
  return xmlResult({
    instanceStatusSet: items.map((i) => {
      const check = i.state === 'running' ? 'ok' : 'not-applicable';
      const details = i.state === 'running' ? [{ name: 'reachability', status: 'passed' }] : undefined;
      return {
        instanceId: i.id,
        availabilityZone: i.availabilityZone,
        instanceState: { code: STATE_CODES[i.state], name: i.state },
        systemStatus: { status: check, details },
        instanceStatus: { status: check, details },
      };
    }),
    nextToken,
  });
}

function terminateInstances(ctx: Ctx) {
  const ids = ctx.params.optStringList('InstanceId') ?? [];
  const resources: AuthResource[] = ids.map((id) => {
    const clusterName = ctx.world.findEc2Instance(id)?.clusterName;
    const arn = `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${id}`;
    return clusterName === undefined ? { arn } : { arn, cluster: clusterName };
  });
  ctx.authorize(resources);
  if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
  selectInstances(ctx, ids);
  const results = ctx.world.terminateEc2Instances(ids);
  return xmlResult({
    instancesSet: results.map(({ instance, previous }) => ({
      instanceId: instance.id,
      currentState: { code: STATE_CODES[instance.state], name: instance.state },
      previousState: { code: STATE_CODES[previous], name: previous },
    })),
  });
}

/** The named instances (all must exist, as EC2 insists), or every instance. */
function selectInstances(ctx: Ctx, ids: string[] | undefined): Ec2InstanceRecord[] {
  if (ids === undefined) return ctx.world.ec2Instances();
  const malformed = ids.find((id) => !/^i-[0-9a-f]{8,17}$/.test(id));
  if (malformed !== undefined) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
  const missing = ids.filter((id) => !ctx.world.findEc2Instance(id));
  if (missing.length === 1)
    throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1)
    throw new AwsError('InvalidInstanceID.NotFound', `The instance IDs '${missing.join(', ')}' do not exist`);
  return ids.map((id) => ctx.world.findEc2Instance(id) as Ec2InstanceRecord);
}

interface Filter {
  name: string;
  values: string[];
}

function filters(ctx: Ctx): Filter[] {
  return (ctx.params.optList('Filter') ?? []).map((f) => ({
    name: typeof f.Name === 'string' ? f.Name : '',
    values: Array.isArray(f.Value) ? f.Value.filter((v): v is string => typeof v === 'string') : [],
  }));
}

function matchesFilters(instance: Ec2InstanceRecord, list: Filter[]): boolean {
  return list.every(({ name, values }) => {
    const actual = filterValue(instance, name);
    if (actual === undefined) return false;
    return values.some((pattern) => globMatch(pattern, actual));
  });
}

function filterValue(instance: Ec2InstanceRecord, name: string): string | undefined {
  if (name.startsWith('tag:')) return instance.tags[name.slice(4)];
  switch (name) {
    case 'instance-state-name':
      return instance.state;
    case 'instance-state-code':
      return String(STATE_CODES[instance.state]);
    case 'instance-id':
      return instance.id;
    case 'instance-type':
      return instance.instanceType;
    case 'availability-zone':
      return instance.availabilityZone;
    case 'private-ip-address':
      return instance.privateIpAddress;
    default:
      throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

/** EC2 filter values allow * and ? wildcards. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return re.test(value);
}

function ec2Page<T>(ctx: Ctx, items: T[], namedIds: boolean): { items: T[]; nextToken?: string } {
  const max = ctx.params.optInt('MaxResults');
  if (max === undefined) return { items };
  if (namedIds)
    throw new AwsError(
      'InvalidParameterCombination',
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  if (max < 5 || max > 1000)
    throw new AwsError(
      'InvalidParameterValue',
      `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  const token = ctx.params.optString('NextToken');
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsError('InvalidParameterValue', 'Invalid value for NextToken.');
  const next = offset + max;
  return {
    items: items.slice(offset, next),
    nextToken: next < items.length ? Buffer.from(String(next)).toString('base64') : undefined,
  };
}

function renderInstance(i: Ec2InstanceRecord, accountId: string, groupName: (id: string) => string): XmlValue {
  const gone = i.state === 'terminated' || i.state === 'shutting-down';
  const tags = Object.entries(i.tags).map(([key, value]) => ({ key, value }));
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    privateDnsName: gone && i.state === 'terminated' ? '' : i.privateDnsName,
    dnsName: gone ? '' : i.publicDnsName,
    reason: i.stateTransitionReason,
    amiLaunchIndex: 0,
    instanceType: i.instanceType,
    launchTime: new Date(i.launchTime).toISOString(),
    placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: i.state === 'terminated' ? undefined : 'subnet-0a1b2c3d4e5f60718',
    vpcId: i.state === 'terminated' ? undefined : 'vpc-0123456789abcdef0',
    privateIpAddress: i.state === 'terminated' ? undefined : i.privateIpAddress,
    ipAddress: gone ? undefined : i.publicIpAddress,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    iamInstanceProfile: {
      arn: `arn:aws:iam::${accountId}:instance-profile/ecsInstanceRole`,
      id: 'AIPAEXAMPLEECSINSTANCE',
    },
    stateReason:
      i.state === 'terminated' || i.state === 'shutting-down'
        ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }
        : undefined,
    tagSet: tags.length > 0 ? tags : undefined,
    groupSet:
      i.state === 'terminated' ? undefined : i.securityGroups.map((id) => ({ groupId: id, groupName: groupName(id) })),
    // InstanceMetadataOptionsResponse (API_InstanceMetadataOptionsResponse.html).
    metadataOptions: {
      state: 'applied',
      httpTokens: i.httpTokens,
      httpPutResponseHopLimit: 2,
      httpEndpoint: 'enabled',
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: 'disabled',
    },
  };
}

function groupNameIn(ctx: Ctx): (id: string) => string {
  const groups = ctx.world.vpc().securityGroups;
  return (id) => groups.find((g) => g.id === id)?.name ?? '';
}

export const ec2Service = defineService<undefined>({
  name: 'ec2',
  protocol: { kind: 'query', style: 'ec2', version: '2016-11-15', xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/' },
  errors: {
    accessDenied: 'UnauthorizedOperation',
    accessDeniedPrefix: 'You are not authorized to perform this operation. ',
    throttling: 'RequestLimitExceeded',
    throttlingMessage: 'Request limit exceeded.',
    throttlingStatus: 503,
    expiredToken: 'RequestExpired',
    unknownOperation: 'InvalidAction',
    validation: 'InvalidParameterValue',
  },
  createState: () => undefined,
  actions: {
    DescribeInstances: describeInstances,
    DescribeInstanceStatus: describeInstanceStatus,
    TerminateInstances: terminateInstances,
    DescribeVpcs: vpc.describeVpcs,
    DescribeSubnets: vpc.describeSubnets,
    DescribeSecurityGroups: vpc.describeSecurityGroups,
    DescribeSecurityGroupRules: securityGroups.describeSecurityGroupRules,
    CreateSecurityGroup: securityGroups.createSecurityGroup,
    AuthorizeSecurityGroupIngress: securityGroups.authorizeSecurityGroupIngress,
    DescribeNetworkInterfaces: vpc.describeNetworkInterfaces,
    DescribeRouteTables: routes.describeRouteTables,
    DescribeVpcEndpoints: routes.describeVpcEndpoints,
  },
});
