import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { AwsError } from './errors';
import type { FaultSet } from './faults';
import type { AuthResource, Iam } from './iam';
import {
  JSON_1_0_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  jsonError,
  jsonResponse,
  parseJsonBody,
  type WireResponse,
} from './protocols/json';
import { Params } from './protocols/params';
import { decodeForm, queryError, queryResponse, type XmlValue } from './protocols/query';
import type { RawRequest } from './server';
import type { BoundService } from './service-module';
import type { SandboxCall } from './types';
import type { SandboxWorld } from './world/world';

/** One Region of the account: its own world (clusters, instances, task definitions) and service state (repositories, logs). */
export interface SandboxRegion {
  world: SandboxWorld;
  services: readonly BoundService[];
}

export interface DispatcherDeps {
  /** The Region a request is for (from its SigV4 credential scope); undefined = the account's home Region. */
  region(name: string | undefined): SandboxRegion;
  iam: Iam;
  faults: FaultSet;
  calls: SandboxCall[];
  logger?: Logger;
}

interface Routed {
  service: BoundService;
  action: string;
  params: Record<string, unknown>;
}

/**
 * Turns one HTTP request into one simulated AWS call: route by protocol, identify the caller,
 * apply injected faults, run the action, write the reply the way that service writes it.
 */
export function createDispatcher(deps: DispatcherDeps): (request: RawRequest) => Promise<WireResponse> {
  const jsonServices = new Map<string, BoundService>();
  const queryServices = new Map<string, BoundService>();
  for (const service of deps.region(undefined).services) {
    if (service.protocol.kind === 'json') jsonServices.set(service.protocol.targetPrefix, service);
    else queryServices.set(service.protocol.version, service);
  }

  return async function dispatch(request: RawRequest): Promise<WireResponse> {
    const requestId = randomUUID();
    let routed: Routed;
    try {
      routed = route(request, jsonServices, queryServices);
    } catch (error) {
      const awsError = error instanceof AwsError ? error : new AwsError('InvalidAction', String(error));
      return request.headers['x-amz-target']
        ? jsonError(awsError, requestId)
        : queryError('awsQuery', '', awsError, requestId);
    }
    // Resources live in a Region: the request's credential scope names it, as AWS routes by endpoint.
    const region = deps.region(regionOf(request));
    const service = region.services.find((s) => s.name === routed.service.name) ?? routed.service;
    const { action } = routed;
    const world = region.world;
    const fullAction = `${service.name}:${action}`;
    const jsonType =
      service.protocol.kind === 'json' && service.protocol.version === '1.0'
        ? JSON_1_0_CONTENT_TYPE
        : JSON_CONTENT_TYPE;
    world.advance();
    const { principal, expiresAt } = deps.iam.identify(accessKeyOf(request));
    const call: SandboxCall = {
      service: service.name,
      action,
      principal,
      params: routed.params,
      at: world.now,
      region: world.region,
    };
    deps.calls.push(call);

    try {
      const delay = deps.faults.latencyMs(fullAction);
      if (delay > 0) {
        await sleep(delay);
        world.advance();
      }
      if (expiresAt !== undefined && world.now >= expiresAt) {
        throw new AwsError(service.errors.expiredToken, 'The security token included in the request is expired');
      }
      // A throttled call is refused before it runs, so the SDK's retry does not do it twice.
      if (deps.faults.throttles(fullAction)) {
        throw new AwsError(service.errors.throttling, service.errors.throttlingMessage, {
          status: service.errors.throttlingStatus ?? 400,
        });
      }
      if (!service.hasAction(action)) {
        throw new AwsError(service.errors.unknownOperation, `The action ${action} is not valid for this web service.`);
      }
      let authorized = false;
      const result = service.run(action, {
        action,
        params: new Params(routed.params, service.errors.validation),
        principal,
        world,
        iam: deps.iam,
        region: world.region,
        accountId: world.accountId,
        authorize(resources?: AuthResource | readonly AuthResource[]) {
          const list =
            resources === undefined ? [] : Array.isArray(resources) ? resources : [resources as AuthResource];
          deps.iam.authorize(
            principal,
            fullAction,
            list,
            service.errors.accessDenied,
            service.errors.accessDeniedPrefix,
          );
          authorized = true;
        },
      });
      if (!authorized) throw new Error(`${fullAction} ran without an IAM check`);
      return service.protocol.kind === 'json'
        ? jsonResponse(result, requestId, jsonType)
        : queryResponse(service.protocol.style, action, service.protocol.xmlns, result as XmlValue, requestId);
    } catch (error) {
      const awsError =
        error instanceof AwsError
          ? error
          : new AwsError(
              service.protocol.kind === 'json' ? 'ServerException' : 'InternalFailure',
              'An internal error occurred in the sandbox.',
              {
                status: 500,
              },
            );
      if (!(error instanceof AwsError)) deps.logger?.error({ err: error, action: fullAction }, 'sandbox action failed');
      call.error = awsError.code;
      return service.protocol.kind === 'json'
        ? jsonError(awsError, requestId, jsonType)
        : queryError(service.protocol.style, service.protocol.xmlns, awsError, requestId);
    }
  };
}

function route(request: RawRequest, json: Map<string, BoundService>, query: Map<string, BoundService>): Routed {
  const target = header(request, 'x-amz-target');
  if (target) {
    const dot = target.lastIndexOf('.');
    const service = json.get(target.slice(0, dot));
    if (!service) throw new AwsError('UnknownOperationException', `Unknown target ${target}.`);
    const action = target.slice(dot + 1);
    return { service, action, params: parseJsonBody(request.body) };
  }
  const form = new URLSearchParams(request.url.search);
  const contentType = header(request, 'content-type') ?? '';
  if (request.body && (contentType.includes('x-www-form-urlencoded') || !contentType)) {
    for (const [k, v] of new URLSearchParams(request.body)) form.append(k, v);
  }
  const action = form.get('Action');
  const version = form.get('Version');
  const service = version ? query.get(version) : undefined;
  if (!action || !service)
    throw new AwsError(
      'InvalidAction',
      'Could not find operation for this request (no X-Amz-Target, or unknown Action/Version).',
    );
  return { service, action, params: decodeForm(form) };
}

/**
 * The Region of a SigV4 request: `Credential=AKID/DATE/REGION/SERVICE/aws4_request` in the
 * Authorization header, or `X-Amz-Credential` of a presigned URL. Unsigned requests have none.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
function regionOf(request: RawRequest): string | undefined {
  const auth = header(request, 'authorization') ?? '';
  const scope =
    /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//.exec(auth)?.[1] ??
    request.url.searchParams.get('X-Amz-Credential')?.split('/')[2];
  return scope || undefined;
}

/** The access key id from a SigV4 Authorization header (or a presigned URL); signatures are not checked. */
function accessKeyOf(request: RawRequest): string | undefined {
  const auth = header(request, 'authorization') ?? '';
  const match = /Credential=([^/,\s]+)\//.exec(auth);
  if (match) return match[1];
  const credential = request.url.searchParams.get('X-Amz-Credential');
  return credential ? credential.split('/')[0] : undefined;
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
