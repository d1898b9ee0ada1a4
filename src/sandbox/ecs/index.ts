import { defineService, JSON_SERVICE_ERRORS } from '../service-module';
import * as account from './account';
import * as clusters from './clusters';
import * as services from './services';
import * as serviceDeployments from './service-deployments';
import * as taskDefinitions from './task-definitions';
import * as tasks from './tasks';

/**
 * Amazon ECS over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Action>`).
 * State lives in the SandboxWorld; these handlers read the request, check IAM, call the world
 * and render ECS's response shapes.
 */
export const ecsService = defineService<undefined>({
  name: 'ecs',
  protocol: { kind: 'json', targetPrefix: 'AmazonEC2ContainerServiceV20141113' },
  errors: JSON_SERVICE_ERRORS,
  createState: () => undefined,
  actions: {
    CreateCluster: clusters.createCluster,
    PutClusterCapacityProviders: clusters.putClusterCapacityProviders,
    DeleteCluster: clusters.deleteCluster,
    DescribeClusters: clusters.describeClusters,
    ListClusters: clusters.listClusters,
    ListContainerInstances: clusters.listContainerInstances,
    DescribeContainerInstances: clusters.describeContainerInstances,
    RegisterContainerInstance: clusters.registerContainerInstance,
    DeregisterContainerInstance: clusters.deregisterContainerInstance,
    RegisterTaskDefinition: taskDefinitions.registerTaskDefinition,
    DeregisterTaskDefinition: taskDefinitions.deregisterTaskDefinition,
    DescribeTaskDefinition: taskDefinitions.describeTaskDefinition,
    ListTaskDefinitions: taskDefinitions.listTaskDefinitions,
    ListTaskDefinitionFamilies: taskDefinitions.listTaskDefinitionFamilies,
    CreateService: services.createService,
    UpdateService: services.updateService,
    DeleteService: services.deleteService,
    DescribeServices: services.describeServices,
    ListServices: services.listServices,
    ListServiceDeployments: serviceDeployments.listServiceDeployments,
    DescribeServiceDeployments: serviceDeployments.describeServiceDeployments,
    StopServiceDeployment: serviceDeployments.stopServiceDeployment,
    ContinueServiceDeployment: serviceDeployments.continueServiceDeployment,
    RunTask: tasks.runTask,
    StartTask: tasks.startTask,
    StopTask: tasks.stopTask,
    DescribeTasks: tasks.describeTasks,
    ListTasks: tasks.listTasks,
    ListTagsForResource: account.listTagsForResource,
    DescribeCapacityProviders: account.describeCapacityProviders,
    ListAccountSettings: account.listAccountSettings,
  },
});
