// IAM statements that let a function read exactly the Slack secrets it needs, from the
// serverless.yml parameters that say where they are stored (slackSigningSecret, slackBotToken;
// the same values the functions get as SLACK_*_PARAM, read by src/entry/secrets.ts):
//   ${file(./deploy/secret-arns.cjs):signingSecretAndBotToken}  the slack function
//   ${file(./deploy/secret-arns.cjs):botToken}                  the events and worker functions
// Each stored secret gets one read statement (ssm:GetParameter or secretsmanager:GetSecretValue on
// that parameter or secret alone) and one kms:Decrypt statement that only works through that
// service for that parameter or secret (KMS puts its ARN into the encryption context:
// https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html,
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html). With the
// AWS managed keys (aws/ssm, aws/secretsmanager) the kms statement is simply not needed.
// Both secrets in ONE Secrets Manager secret (`…#signingSecret`, `…#botToken`) means every function
// that may read the token may read the signing secret too: IAM cannot grant one key of a secret.
'use strict';

const PREFIX = { ssm: 'ssm:', secretsmanager: 'secretsmanager:' };

/** Where a `_PARAM` value points, as src/entry/secrets.ts reads it (`#key` dropped). */
function secretRef(value, source = 'parameter') {
  if (typeof value !== 'string' || value.length === 0)
    throw new Error(
      `${source}: expected where a Slack secret is stored (ssm:/NAME or secretsmanager:NAME), got ${JSON.stringify(value)}`,
    );
  const hash = value.lastIndexOf('#');
  const where = hash >= 0 ? value.slice(0, hash) : value;
  if (where.startsWith('arn:')) {
    const service = where.split(':')[2];
    if (service !== 'ssm' && service !== 'secretsmanager')
      throw new Error(`${source}: ${where} is neither an SSM parameter nor a Secrets Manager secret`);
    return { store: service, arn: where };
  }
  if (where.startsWith(PREFIX.secretsmanager))
    return { store: 'secretsmanager', name: where.slice(PREFIX.secretsmanager.length) };
  const name = where.startsWith(PREFIX.ssm) ? where.slice(PREFIX.ssm.length) : where;
  return { store: 'ssm', name };
}

/** The ARN of the parameter or secret, as a CloudFormation value (pseudo parameters for region and account). */
function arnOf(ref) {
  if (ref.arn) return ref.arn;
  if (ref.store === 'ssm') {
    // A parameter name that starts with / joins the ARN without another one.
    const path = ref.name.startsWith('/') ? ref.name : `/${ref.name}`;
    return { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${path}` };
  }
  // Secrets Manager appends a hyphen and six random characters to a secret's ARN.
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${ref.name}-??????`,
  };
}

/** Read and decrypt statements for each stored secret, duplicates merged. */
function secretStatements(values, source = 'parameters') {
  const refs = values.map((v) => secretRef(v, source));
  const seen = new Set();
  const statements = [];
  for (const ref of refs) {
    const arn = arnOf(ref);
    const key = JSON.stringify(arn);
    if (seen.has(key)) continue;
    seen.add(key);
    const ssm = ref.store === 'ssm';
    statements.push({
      Effect: 'Allow',
      Action: [ssm ? 'ssm:GetParameter' : 'secretsmanager:GetSecretValue'],
      Resource: arn,
    });
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*' },
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Sub': `${ssm ? 'ssm' : 'secretsmanager'}.\${AWS::Region}.amazonaws.com` },
        },
        StringLike: { [ssm ? 'kms:EncryptionContext:PARAMETER_ARN' : 'kms:EncryptionContext:SecretARN']: arn },
      },
    });
  }
  return statements;
}

module.exports.signingSecretAndBotToken = async ({ resolveVariable }) =>
  secretStatements(
    [await resolveVariable('param:slackSigningSecret'), await resolveVariable('param:slackBotToken')],
    'slackSigningSecret/slackBotToken',
  );
module.exports.botToken = async ({ resolveVariable }) =>
  secretStatements([await resolveVariable('param:slackBotToken')], 'slackBotToken');
module.exports.secretStatements = secretStatements;
