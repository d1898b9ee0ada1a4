import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { awsCall, type AwsCallContext } from './errors';
import { type TaskDefinitionOps } from './types';

export function createTaskDefinitionOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): TaskDefinitionOps {
  return {
    async ports(taskDefinition) {
      const out = await awsCall({ ...base, action: 'ecs:DescribeTaskDefinition', resource: `task definition ${taskDefinition}` }, () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
      );
      const fixedHostPorts = (out.taskDefinition?.containerDefinitions ?? [])
        .flatMap((c) => c.portMappings ?? [])
        .map((p) => p.hostPort ?? 0)
        .filter((p) => p > 0);
      return { taskDefinition, fixedHostPorts: [...new Set(fixedHostPorts)] };
    },
  };
}
