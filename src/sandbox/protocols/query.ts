import type { AwsError } from '../errors';
import type { WireResponse } from './json';

/**
 * The query protocols (STS: awsQuery; EC2: ec2Query): a form-encoded `Action=…&Version=…` request,
 * an XML reply. Lists arrive flattened (`Tags.member.1.Key`, `InstanceId.1`, `Filter.1.Value.2`);
 * `decodeForm` turns them back into nested objects and arrays so handlers read them like JSON.
 */

export function decodeForm(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.').filter((segment, i, all) => !(segment === 'member' && /^\d+$/.test(all[i + 1] ?? '')));
    setPath(root, path, value);
  }
  return compactArrays(root) as Record<string, unknown>;
}

type Node = Record<string, unknown> | unknown[];

function setPath(root: Record<string, unknown>, path: string[], value: string): void {
  let node: Node = root;
  path.forEach((segment, i) => {
    const last = i === path.length - 1;
    const nextIsIndex = /^\d+$/.test(path[i + 1] ?? '');
    if (Array.isArray(node)) {
      const index = Number(segment) - 1;
      if (last) node[index] = value;
      else node = (node[index] ??= nextIsIndex ? [] : {}) as Node;
    } else {
      if (last) node[segment] = value;
      else node = (node[segment] ??= nextIsIndex ? [] : {}) as Node;
    }
  });
}

function compactArrays(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(compactArrays);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactArrays(v)]));
  }
  return value;
}

/** XML content: scalars, nested elements, and lists whose items are wrapped in `listItem`. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [element: string]: XmlValue };

export function toXml(value: XmlValue, listItem: string): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<${listItem}>${toXml(v, listItem)}</${listItem}>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v, listItem)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

export type QueryStyle = 'awsQuery' | 'ec2';

const XML_HEADERS = (requestId: string) => ({ 'content-type': 'text/xml', 'x-amzn-requestid': requestId });

export function queryResponse(
  style: QueryStyle,
  action: string,
  xmlns: string,
  result: XmlValue,
  requestId: string,
): WireResponse {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const body =
    style === 'ec2'
      ? `${head}<${action}Response xmlns="${xmlns}"><requestId>${requestId}</requestId>${toXml(result, 'item')}</${action}Response>`
      : `${head}<${action}Response xmlns="${xmlns}"><${action}Result>${toXml(result, 'member')}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: XML_HEADERS(requestId), body };
}

export function queryError(style: QueryStyle, xmlns: string, error: AwsError, requestId: string): WireResponse {
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  const body =
    style === 'ec2'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
      : `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.fault}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: XML_HEADERS(requestId), body };
}
