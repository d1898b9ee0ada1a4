import { readFileSync } from 'node:fs';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';

/**
 * Reading CloudFormation templates in tests. YAML templates use the short forms of intrinsic
 * functions (`!Ref X`, `!Sub '…'`, `!GetAtt A.B`, `!If [...]`); these tags turn them into the long
 * JSON forms (`{ Ref: X }`, `{ 'Fn::Sub': '…' }`, …), the same shape `serverless package` writes.
 */
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Not',
  'Equals',
  'And',
  'Or',
];

const longForm = (name: string, value: unknown): Record<string, unknown> => {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt') return { 'Fn::GetAtt': typeof value === 'string' ? value.split('.') : value };
  return { [`Fn::${name}`]: value };
};

const CFN_TAGS: (ScalarTag | CollectionTag)[] = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) } as ScalarTag,
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (seq: { toJSON(): unknown }) => longForm(name, seq.toJSON()),
  } as unknown as CollectionTag,
  {
    tag: `!${name}`,
    collection: 'map',
    resolve: (map: { toJSON(): unknown }) => longForm(name, map.toJSON()),
  } as unknown as CollectionTag,
]);

export function readCloudFormationYaml(path: string): Template {
  return parse(readFileSync(path, 'utf8'), { customTags: CFN_TAGS }) as Template;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: string; AllowedPattern?: string }>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `{ 'Fn::Sub': 'arn:…' }` → 'arn:…'; plain strings as they are; anything else as JSON, so a test can still match on it. */
export function resourceText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  if (resource && typeof resource === 'object' && 'Fn::Sub' in resource) {
    const sub = (resource as { 'Fn::Sub': unknown })['Fn::Sub'];
    if (typeof sub === 'string') return sub;
    // The two-argument form: the template string, its own variables left as they are.
    if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
    return JSON.stringify(sub);
  }
  return JSON.stringify(resource);
}

/** The resources of a template of the given type. */
export function resourcesOfType(template: Template, type: string): [string, Template['Resources'][string]][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}
