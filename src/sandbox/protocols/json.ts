import { AwsError } from '../errors';

/**
 * AWS JSON 1.1 (ECS, ECR, CloudWatch Logs): POST / with `X-Amz-Target: Prefix.Action` and a JSON
 * body. Errors are HTTP 4xx/5xx with `{"__type": code, "message": …}` and the code again in
 * `x-amzn-errortype`; the SDK reads the body's `__type` first.
 */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

/** The content type of AWS JSON 1.0 (CloudWatch); the protocols differ only in it and the SDK's serde. */
export const JSON_1_0_CONTENT_TYPE = 'application/x-amz-json-1.0';

export function jsonResponse(result: unknown, requestId: string, contentType = JSON_CONTENT_TYPE): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(result ?? {}),
  };
}

export function jsonError(error: AwsError, requestId: string, contentType = JSON_CONTENT_TYPE): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}
