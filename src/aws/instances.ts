import { paginateListContainerInstances, type ECSClient } from '@aws-sdk/client-ecs';
import { awsCall, type AwsCallContext } from './errors';
import { type InstanceOps } from './types';

export function createInstanceOps(ecs: ECSClient, base: Omit<AwsCallContext, 'action'>): InstanceOps {
  return {
    async count() {
      return awsCall({ ...base, action: 'ecs:ListContainerInstances' }, async () => {
        let n = 0;
        for await (const page of paginateListContainerInstances({ client: ecs, pageSize: 100 }, { cluster: base.clusterName, status: 'ACTIVE', maxResults: 100 })) {
          n += page.containerInstanceArns?.length ?? 0;
        }
        return n;
      });
    },
  };
}
