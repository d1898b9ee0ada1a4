import { type StepRecord } from '../../src/approvals/gated-operation';
import { teardownOperation, type TeardownPlan } from '../../src/approvals/operations/teardown';

const plan: TeardownPlan = {
  kind: 'teardown',
  clusterActive: true,
  services: [],
  tasks: [],
  containerInstances: [],
  ec2Instances: [],
  repositories: [],
};

describe('the closing sentence of a teardown', () => {
  it('counts the steps that were done by what they did, whatever their labels say', () => {
    const steps: StepRecord[] = [
      { kind: 'delete service', label: 'Take `web` away', state: 'done' },
      { kind: 'delete service', label: 'Take `api` away', state: 'done' },
      { kind: 'stop task', label: 'Scale `batch` down', state: 'done' },
      { kind: 'wait for drain', label: 'Deregister nothing yet', state: 'done' },
      { kind: 'terminate EC2 instance', label: 'Delete ECR thing', state: 'done' },
      { kind: 'delete cluster', label: 'Goodbye', state: 'done' },
      { kind: 'delete repository', label: 'Terminate `lab/web`', state: 'done' },
    ];
    expect(teardownOperation.summary(plan, steps, 5_000)).toMatch(
      /^Teardown finished in .+: 2 services deleted, 1 task stopped, 1 EC2 instance terminated, the cluster deleted, 1 ECR repository deleted\.$/,
    );
  });

  it('leaves out steps that did not finish', () => {
    const steps: StepRecord[] = [
      { kind: 'delete service', label: 'Scale `web` to 0 and delete it', state: 'done' },
      { kind: 'deregister container instance', label: 'Deregister container instance `abc`', state: 'skipped' },
      { kind: 'delete cluster', label: 'Delete cluster `lab`', state: 'pending' },
    ];
    expect(teardownOperation.summary(plan, steps, 5_000)).toMatch(/^Teardown finished in .+: 1 service deleted\.$/);
  });

  it('says there was nothing left to do when no step was done', () => {
    expect(teardownOperation.summary(plan, [], 500)).toMatch(
      /^Teardown finished in .+: there was nothing left to do\.$/,
    );
  });
});
