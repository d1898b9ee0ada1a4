import { currentServiceDeployment } from '../world/service-deployments';
import type {
  Cluster,
  Container,
  ContainerInstance,
  Deployment,
  Resource,
  Service,
  Task,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { TimeFormat, Wire } from '../wire';
import type {
  ClusterRecord,
  ContainerInstanceRecord,
  ContainerRecord,
  DeploymentRecord,
  ServiceRecord,
  TaskDefinitionRecord,
  TaskRecord,
} from '../world/records';
import { AGENT_RESERVED_PORTS, instanceAttributes } from '../world/placement';
import { FARGATE_EPHEMERAL_GIB } from '../world/fargate';

/** Records → the shapes ECS returns. `time` picks epoch seconds (API) or ISO strings (events). */

export type ClusterField = 'ATTACHMENTS' | 'CONFIGURATIONS' | 'SETTINGS' | 'STATISTICS' | 'TAGS';

/**
 * A cluster as ECS returns it. DescribeClusters adds attachments, settings, statistics and tags
 * only when `include` asks for them (DescribeClusters, ECS API Reference); CreateCluster and
 * DeleteCluster answer with tags and settings.
 */
export function renderCluster(
  cluster: ClusterRecord,
  include: ReadonlySet<ClusterField> = new Set(['SETTINGS', 'TAGS']),
): Wire<Cluster> {
  let activeServicesCount = 0;
  let drainingServicesCount = 0;
  for (const service of cluster.services.values()) {
    if (service.status === 'ACTIVE') activeServicesCount += 1;
    else if (service.status === 'DRAINING') drainingServicesCount += 1;
  }
  let registeredContainerInstancesCount = 0;
  for (const instance of cluster.instances.values())
    if (instance.status !== 'INACTIVE') registeredContainerInstancesCount += 1;
  // Every task and service of the sandbox is of the EC2 launch type.
  const statistics = [
    ['runningEC2TasksCount', cluster.runningTasksCount],
    ['runningFargateTasksCount', 0],
    ['pendingEC2TasksCount', cluster.pendingTasksCount],
    ['pendingFargateTasksCount', 0],
    ['runningExternalTasksCount', 0],
    ['pendingExternalTasksCount', 0],
    ['activeEC2ServiceCount', activeServicesCount],
    ['activeFargateServiceCount', 0],
    ['drainingEC2ServiceCount', drainingServicesCount],
    ['drainingFargateServiceCount', 0],
    ['activeExternalServiceCount', 0],
    ['drainingExternalServiceCount', 0],
  ].map(([name, value]) => ({ name: String(name), value: String(value) }));
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount,
    runningTasksCount: cluster.runningTasksCount,
    pendingTasksCount: cluster.pendingTasksCount,
    activeServicesCount,
    ...(include.has('STATISTICS') ? { statistics } : {}),
    ...(include.has('TAGS') ? { tags: cluster.tags } : {}),
    ...(include.has('SETTINGS') ? { settings: [{ name: 'containerInsights', value: 'disabled' }] } : {}),
    ...(include.has('ATTACHMENTS') ? { attachments: [] } : {}),
    capacityProviders: cluster.capacityProviders,
    defaultCapacityProviderStrategy: cluster.defaultStrategy,
  };
}

export function renderTaskDefinition(td: TaskDefinitionRecord, time: TimeFormat): Wire<TaskDefinition> {
  return {
    taskDefinitionArn: td.arn,
    containerDefinitions: td.containerDefinitions,
    family: td.family,
    taskRoleArn: td.taskRoleArn,
    executionRoleArn: td.executionRoleArn,
    networkMode: td.networkMode,
    revision: td.revision,
    volumes: [],
    status: td.status,
    requiresAttributes: requiredAttributes(td),
    placementConstraints: td.placementConstraints,
    compatibilities: td.networkMode === 'awsvpc' ? ['EC2', 'FARGATE'] : ['EXTERNAL', 'EC2'],
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    registeredAt: time(td.registeredAt),
    registeredBy: td.registeredBy,
    deregisteredAt: td.deregisteredAt === undefined ? undefined : time(td.deregisteredAt),
  };
}

function requiredAttributes(td: TaskDefinitionRecord): { name: string }[] {
  const out = [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }];
  if (td.containerDefinitions.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
    out.push({ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' });
  }
  if (td.executionRoleArn) out.push({ name: 'ecs.capability.execution-role-awslogs' });
  if (td.taskRoleArn) out.push({ name: 'com.amazonaws.ecs.capability.task-iam-role' });
  return out;
}

export function renderService(service: ServiceRecord, time: TimeFormat): Wire<Service> {
  const counts = serviceCounts(service);
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.cluster.arn,
    loadBalancers: service.loadBalancers ?? [],
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: counts.running,
    pendingCount: counts.pending,
    ...launchFields(service.launch),
    taskDefinition: service.taskDefinition.arn,
    deploymentConfiguration: service.deploymentConfiguration,
    deployments: service.deployments.map((d) => renderDeployment(service, d, time)),
    events: service.events.map((e) => ({ id: e.id, createdAt: time(e.createdAt), message: e.message })),
    createdAt: time(service.createdAt),
    ...currentDeploymentField(service),
    placementConstraints: service.placementConstraints,
    placementStrategy: service.placementStrategy,
    schedulingStrategy: 'REPLICA',
    createdBy: service.createdBy,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    tags: service.tags,
  };
}

/** A service's launch as ECS shows it: launchType, or the strategy (launchType then absent). */
function launchFields(launch: ServiceRecord['launch']) {
  return {
    ...(launch.strategy ? { capacityProviderStrategy: launch.strategy } : { launchType: launch.launchType }),
    ...(launch.launchType === 'FARGATE' ? { platformVersion: 'LATEST', platformFamily: 'Linux' } : {}),
    ...(launch.awsvpc
      ? {
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: launch.awsvpc.subnets ?? [],
              securityGroups: launch.awsvpc.securityGroups ?? [],
              assignPublicIp: launch.awsvpc.assignPublicIp ?? 'DISABLED',
            },
          },
        }
      : {}),
  };
}

export function serviceCounts(service: ServiceRecord, deploymentId?: string): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const task of service.tasks) {
    if (deploymentId !== undefined && task.deploymentId !== deploymentId) continue;
    if (task.lastStatus === 'RUNNING') running += 1;
    else if (task.lastStatus === 'PENDING') pending += 1;
  }
  return { running, pending };
}

function renderDeployment(service: ServiceRecord, d: DeploymentRecord, time: TimeFormat): Wire<Deployment> {
  const counts = serviceCounts(service, d.id);
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinition.arn,
    desiredCount: d.desiredCount,
    pendingCount: counts.pending,
    runningCount: counts.running,
    failedTasks: d.failedTasks,
    createdAt: time(d.createdAt),
    updatedAt: time(d.updatedAt),
    ...launchFields(service.launch),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

export function renderTask(task: TaskRecord, time: TimeFormat): Wire<Task> {
  const at = (ms: number | undefined) => (ms === undefined ? undefined : time(ms));
  return {
    attachments: task.eni ? [renderEniAttachment(task)] : [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    capacityProviderName: task.capacityProviderName,
    platformVersion: task.platformVersion,
    platformFamily: task.platformVersion ? 'Linux' : undefined,
    ephemeralStorage: task.launchType === 'FARGATE' ? { sizeInGiB: FARGATE_EPHEMERAL_GIB } : undefined,
    availabilityZone: task.availabilityZone,
    clusterArn: task.cluster.arn,
    connectivity: task.connectivityAt === undefined ? undefined : 'CONNECTED',
    connectivityAt: at(task.connectivityAt),
    containerInstanceArn: task.instance?.arn,
    containers: task.containers.map((c) => renderContainer(task, c)),
    cpu:
      task.launchType === 'FARGATE' && task.taskDefinition.cpu
        ? String(task.taskDefinition.needs.cpu)
        : String(task.reserved.cpu),
    createdAt: time(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    executionStoppedAt: at(task.executionStoppedAt),
    group: task.group,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory:
      task.launchType === 'FARGATE' && task.taskDefinition.memory
        ? String(task.taskDefinition.needs.memory)
        : String(task.reserved.memory),
    overrides: task.overrides,
    pullStartedAt: at(task.pullStartedAt),
    pullStoppedAt: at(task.pullStoppedAt),
    startedAt: at(task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedAt: at(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: at(task.stoppingAt),
    tags: task.tags,
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinition.arn,
    version: task.version,
  };
}

/**
 * An awsvpc task's ENI as ECS lists it under `attachments` (type ElasticNetworkInterface, the
 * details subnetId, networkInterfaceId, macAddress, privateDnsName, privateIPv4Address).
 */
function renderEniAttachment(task: TaskRecord) {
  const eni = task.eni!;
  const status =
    task.lastStatus === 'STOPPED'
      ? 'DELETED'
      : task.lastStatus === 'PENDING'
        ? 'ATTACHING'
        : task.desiredStatus === 'STOPPED'
          ? 'DETACHING'
          : 'ATTACHED';
  return {
    id: eni.attachmentId,
    type: 'ElasticNetworkInterface',
    status,
    details: [
      { name: 'subnetId', value: eni.subnet.id },
      { name: 'networkInterfaceId', value: eni.id },
      { name: 'macAddress', value: eni.mac },
      { name: 'privateDnsName', value: `ip-${eni.privateIp.replaceAll('.', '-')}.ec2.internal` },
      { name: 'privateIPv4Address', value: eni.privateIp },
    ],
  };
}

function renderContainer(task: TaskRecord, c: ContainerRecord): Wire<Container> {
  return {
    containerArn: c.arn,
    taskArn: task.arn,
    name: c.name,
    image: c.image,
    runtimeId: c.runtimeId,
    lastStatus: c.lastStatus,
    exitCode: c.exitCode,
    reason: c.reason,
    networkBindings: c.networkBindings,
    networkInterfaces: task.eni
      ? [{ attachmentId: task.eni.attachmentId, privateIpv4Address: task.eni.privateIp }]
      : [],
    healthStatus: 'UNKNOWN',
    cpu: String(c.cpu),
    memory: c.memory === undefined ? undefined : String(c.memory),
    memoryReservation: c.memoryReservation === undefined ? undefined : String(c.memoryReservation),
  };
}

export function renderContainerInstance(instance: ContainerInstanceRecord, time: TimeFormat): Wire<ContainerInstance> {
  let running = 0;
  let pending = 0;
  for (const task of instance.tasks) {
    if (task.lastStatus === 'RUNNING') running += 1;
    else if (task.lastStatus === 'PENDING') pending += 1;
  }
  const reserved = AGENT_RESERVED_PORTS.map(String);
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2.id,
    version: instance.version,
    versionInfo: { agentVersion: instance.agentVersion, agentHash: '5a1e6f1e', dockerVersion: 'DockerVersion: 25.0.6' },
    remainingResources: [
      integerResource('CPU', instance.registeredCpu - instance.usedCpu),
      integerResource('MEMORY', instance.registeredMemory - instance.usedMemory),
      // ECS lists the ports in use (reserved + taken by tasks) under remainingResources, oddly.
      portsResource('PORTS', [...reserved, ...[...instance.usedPorts].sort((a, b) => a - b).map(String)]),
      portsResource('PORTS_UDP', []),
    ],
    registeredResources: [
      integerResource('CPU', instance.registeredCpu),
      integerResource('MEMORY', instance.registeredMemory),
      portsResource('PORTS', reserved),
      portsResource('PORTS_UDP', []),
    ],
    status: instance.status,
    agentConnected: instance.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: instanceAttributes(instance),
    registeredAt: time(instance.registeredAt),
    attachments: [],
    tags: [],
  };
}

function integerResource(name: string, value: number): Wire<Resource> {
  return { name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value };
}

function portsResource(name: string, ports: string[]): Wire<Resource> {
  return { name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: ports };
}

/** Service.currentServiceDeployment: the ARN of its newest service deployment, once it has one. */
function currentDeploymentField(service: ServiceRecord): { currentServiceDeployment?: string } {
  const current = currentServiceDeployment(service);
  return current ? { currentServiceDeployment: current.arn } : {};
}
