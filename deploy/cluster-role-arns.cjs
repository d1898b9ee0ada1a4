// The IAM roles the bot may assume: every `clusters.*.roles.{read,operate,admin}` ARN of the
// config file that is deployed with it (serverless.yml's `config` parameter). serverless.yml
// reads this list with `${file(deploy/cluster-role-arns.cjs):allRoles}` (the worker) and
// `:readRoles` (the events function) when it packages, on this machine
// and without AWS, so the bot's role can assume exactly the roles its config names and no other.
// Add a cluster to the config, deploy again, and the role follows.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: serverless require()s this file */

const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { parse } = require('yaml');

const LEVELS = ['read', 'operate', 'admin'];
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * The role ARNs of a config file's text, sorted and without duplicates; throws naming the bad key.
 * `levels` narrows them (the events function may assume the read roles only).
 */
function clusterRoleArns(text, source = 'config', levels = LEVELS) {
  const config = parse(text);
  const clusters = (config && config.clusters) || {};
  const arns = new Set();
  for (const [alias, cluster] of Object.entries(clusters)) {
    for (const level of levels) {
      const arn = cluster && cluster.roles && cluster.roles[level];
      // read is required; operate and admin may be left out (src/config/schema.ts).
      if (arn === undefined && level !== 'read') continue;
      if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
        throw new Error(
          `${source}: clusters.${alias}.roles.${level} must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got ${JSON.stringify(arn)}`,
        );
      }
      arns.add(arn);
    }
  }
  if (arns.size === 0) throw new Error(`${source}: no clusters, so there is no role for the bot to assume`);
  return [...arns].sort();
}

async function configText(resolveVariable) {
  const path = await resolveVariable('param:config');
  let text;
  try {
    text = readFileSync(resolve(__dirname, '..', path), 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the config file ${path} (serverless.yml parameter "config"; copy config/example.yaml to config/chatops.yaml, or pass --param="config=PATH"): ${err.message}`,
    );
  }
  return { text, path };
}

/** Every role: what the worker may assume (`${file(…):allRoles}`). */
module.exports.allRoles = async ({ resolveVariable }) => {
  const { text, path } = await configText(resolveVariable);
  return clusterRoleArns(text, path);
};
module.exports.clusterRoleArns = clusterRoleArns;
/** The read roles only: what the events function may assume (`${file(…):readRoles}`). */
module.exports.readRoles = async ({ resolveVariable }) => {
  const { text, path } = await configText(resolveVariable);
  return clusterRoleArns(text, path, ['read']);
};
