import { type AuditRule } from '../finding';

/** Container instances that still answer IMDSv1 (MetadataOptions.HttpTokens `optional`). */
export const imdsv2: AuditRule = {
  id: 'imdsv2',
  checks: 'container instances without IMDSv2 required',
  check(e) {
    return e.instances
      .filter((i) => i.status !== 'INACTIVE' && i.httpTokens === 'optional')
      .map((i) => ({
        rule: 'imdsv2',
        severity: 'medium' as const,
        resource: `instance ${i.ec2InstanceId ?? '?'} (container instance ${i.containerInstanceId.slice(0, 12)})`,
        problem: 'The instance metadata service answers without a token (IMDSv1).',
        why: 'Any request a container can be tricked into making (server-side request forgery) can read the instance role’s credentials from 169.254.169.254.',
        fix: `Require IMDSv2: \`aws ec2 modify-instance-metadata-options --instance-id ${i.ec2InstanceId ?? 'i-…'} --http-tokens required --http-put-response-hop-limit 2\`, and set the same in the launch template.`,
      }));
  },
};
