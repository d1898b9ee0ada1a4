import type { WorldContext } from './context';
import type { TaskRecord } from './records';
import type { SubnetRecord, VpcRecord } from './vpc';

/**
 * How the simulated VPC's subnets reach the internet and AWS services: the public subnets route
 * 0.0.0.0/0 to an internet gateway; each private subnet has its own route table sending it to the
 * NAT gateway in public-a (until a test takes that route away, as a deleted NAT gateway leaves a
 * blackhole route); interface VPC endpoints (ecr.api, ecr.dkr, secretsmanager, ssm, …) are added
 * by name. Fargate pulls images and fetches secrets through the task's own network interface
 * (platform version 1.4.0), so a task in a subnet with no way out fails as Fargate reports it:
 * "Troubleshooting CannotPullContainer task errors" and "… ResourceInitializationError errors",
 * ECS Developer Guide.
 */

export interface RouteState {
  internetGatewayId: string;
  natGatewayId: string;
  mainRouteTableId: string;
  publicRouteTableId: string;
  /** Private subnet id → its route table id. */
  privateRouteTables: Map<string, string>;
  /** Private subnets whose NAT route is gone (a blackhole). */
  withoutNat: Set<string>;
  /** Service names of interface endpoints, e.g. com.amazonaws.us-east-1.ecr.dkr. */
  endpoints: Set<string>;
}

const ROUTES = new WeakMap<VpcRecord, RouteState>();

export function routesOf(vpc: VpcRecord): RouteState {
  let state = ROUTES.get(vpc);
  if (!state) {
    const privateSubnets = vpc.subnets.filter((s) => !s.public);
    state = {
      internetGatewayId: 'igw-0e7d6c5b4a3f2e109',
      natGatewayId: 'nat-0a9b8c7d6e5f40312',
      mainRouteTableId: 'rtb-0b1c2d3e4f5a60700',
      publicRouteTableId: 'rtb-0b1c2d3e4f5a60701',
      privateRouteTables: new Map(privateSubnets.map((s, i) => [s.id, `rtb-0b1c2d3e4f5a6071${i}`])),
      withoutNat: new Set(),
      endpoints: new Set(),
    };
    ROUTES.set(vpc, state);
  }
  return state;
}

/** Whether a task's interface can reach the internet: a NAT route, or a public IP in a public subnet. */
export function reachesInternet(vpc: VpcRecord, subnet: SubnetRecord, publicIp: string | undefined): boolean {
  if (subnet.public) return publicIp !== undefined;
  return !routesOf(vpc).withoutNat.has(subnet.id);
}

/**
 * The agent's start check for Fargate tasks: with no way out, an ECR image fails while fetching
 * the registry auth (ResourceInitializationError), a secret while fetching it, and an image of
 * another registry while pulling (CannotPullContainerError) — each an i/o timeout.
 */
export function noRouteFailure(ctx: WorldContext, task: TaskRecord): string | undefined {
  const eni = task.eni;
  if (task.launchType !== 'FARGATE' || !eni) return undefined;
  const vpc = ctx.vpc;
  if (reachesInternet(vpc, eni.subnet, eni.publicIp)) return undefined;
  const has = (service: string) => routesOf(vpc).endpoints.has(`com.amazonaws.${ctx.region}.${service}`);
  const timeout = (host: string) => `dial tcp ${endpointIp(host)}:443: i/o timeout`;
  for (const c of task.taskDefinition.containerDefinitions) {
    const image = c.image ?? '';
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?/.exec(image);
    if (ecr && !has('ecr.api')) {
      const host = `api.ecr.${ecr[2]}.amazonaws.com`;
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://${host}/": ${timeout(host)}`;
    }
    for (const s of c.secrets ?? []) {
      const ssm = !/^arn:aws[a-z-]*:secretsmanager:/.test(s.valueFrom ?? '');
      if (has(ssm ? 'ssm' : 'secretsmanager')) continue;
      const host = `${ssm ? 'ssm' : 'secretsmanager'}.${ctx.region}.amazonaws.com`;
      return `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ${ssm ? 'secrets from ssm' : 'secret from asm'}: service call has been retried 5 time(s): RequestError: send request failed caused by: Post "https://${host}/": ${timeout(host)}`;
    }
    if (ecr && has('ecr.dkr') && has('s3')) continue;
    const ref = ecr ? image : dockerRef(image);
    const host = ecr ? `${ecr[1]}.dkr.ecr.${ecr[2]}.amazonaws.com` : (ref.split('/')[0] ?? 'registry-1.docker.io');
    const path = ecr
      ? ecr[3]
      : ref
          .split('/')
          .slice(1)
          .join('/')
          .replace(/:[^:]+$/, '');
    const tag = ecr ? (ecr[4] ?? 'latest') : (/:([^:/]+)$/.exec(ref)?.[1] ?? 'latest');
    const registry = host === 'docker.io' ? 'registry-1.docker.io' : host;
    return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${ref}: failed to do request: Head "https://${registry}/v2/${path}/manifests/${tag}": ${timeout(registry)}`;
  }
  return undefined;
}

/** `nginx:1.27` → `docker.io/library/nginx:1.27`, as containerd writes a Docker Hub reference. */
function dockerRef(image: string): string {
  const first = image.split('/')[0] ?? '';
  if (image.includes('/') && (first.includes('.') || first.includes(':'))) return image;
  const withTag = /:[^/]+$/.test(image) ? image : `${image}:latest`;
  return `docker.io/${image.includes('/') ? '' : 'library/'}${withTag}`;
}

/** A public address for a host, stable per name (what the timed-out dial names). */
function endpointIp(host: string): string {
  let h = 0;
  for (const c of host) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `52.${(h >> 16) & 0xff}.${(h >> 8) & 0xff}.${h & 0xff}`;
}
