import type { Logger } from 'pino';
import { RealClock, type SandboxClock } from './clock';
import { createDispatcher, type SandboxRegion } from './dispatch';
import { EventBus, type EcsEventBridgeEvent } from './events';
import { FaultSet } from './faults';
import { Iam } from './iam';
import { SeededRandom } from './random';
import { SERVICES } from './registry';
import { demoAccount } from './sample-account';
import type { AccountSeed } from './seed';
import { startHttpServer } from './server';
import { DEFAULT_TIMINGS, type Fault, type SandboxCall, type SandboxTimings } from './types';
import { applySeed } from './world/apply-seed';
import { secretsCheck } from './world/secrets';
import { SandboxWorld } from './world/world';

export { ManualClock, RealClock, type SandboxClock } from './clock';
export type * from './events';
export { LEVEL_ACTIONS } from './iam';
export { DEMO_OPERATOR_KEY, DEMO_OPERATOR_ROLE, demoAccount } from './sample-account';
export type * from './seed';
export {
  DEFAULT_TIMINGS,
  type Fault,
  type Principal,
  type SandboxCall,
  type SandboxServiceName,
  type SandboxTimings,
} from './types';
export type * from './world/records';
export { SandboxWorld } from './world/world';

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default: the real clock. */
  clock?: SandboxClock;
  /** Default: demoAccount(). */
  account?: AccountSeed;
  timings?: Partial<SandboxTimings>;
  /**
   * Share (0–1) of new tasks and container instances given ECS's older id form: a UUID
   * (`9c44cd3a-6ebc-40a4-bc1a-404dd512bb9c`) and an ARN without the cluster segment. Default 0.
   */
  legacyIdShare?: number;
  /**
   * ListTaskDefinitions answers in a scrambled order whatever `sort` asks: an order the API
   * reference describes but that a client had better not depend on. Default false.
   */
  unsortedLists?: boolean;
  /** Seeds ids, crashes and throttling; default 1. */
  seed?: number;
  logger?: Logger;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT — the endpoint for every service. */
  readonly url: string;
  readonly accountId: string;
  readonly region: string;
  readonly clock: SandboxClock;
  /** Every request, in the order it arrived. */
  readonly calls: readonly SandboxCall[];
  /** Calls to 'ecs:UpdateService', 'sts:AssumeRole', … */
  callsTo(action: string): SandboxCall[];
  /** Successful calls that may change something: not Describe/List/Get/BatchGet/Filter*, not STS. */
  mutations(): SandboxCall[];
  /** Returns a function that removes the fault again. */
  inject(fault: Fault): () => void;
  clearFaults(): void;
  /** Brings the world up to the clock's time (also done at the start of every request). */
  tick(): void;
  onEvent(listener: (event: EcsEventBridgeEvent) => void): () => void;
  /** Typed access for seeding and inspection: the same operations the API runs (the home Region's world). */
  readonly world: SandboxWorld;
  /** The world of another Region of the account (empty until something is created there). */
  worldIn(region: string): SandboxWorld;
  stop(): Promise<void>;
}

const READ_ONLY_ACTION = /^(Describe|List|Get|BatchGet|Filter)/;
/** us-east-1, eu-west-1, ap-southeast-2, us-gov-west-1… */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** Requests naming yet another Region share the home one's past this many (a bound, not an AWS limit). */
const MAX_REGIONS = 40;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const account = options.account ?? demoAccount();
  const clock = options.clock ?? new RealClock();
  const seed = options.seed ?? 1;
  const logger = options.logger;
  const bus = new EventBus(logger);
  const faults = new FaultSet(new SeededRandom(seed ^ 0x1b873593));
  const iam = new Iam(
    account.accountId,
    account.roles,
    new SeededRandom(seed ^ 0x85ebca6b),
    faults,
    account.baseRoleArn,
    account.accessKeys,
  );
  // Each Region has its own world and service state; the seed fills the account's home Region,
  // the others start empty (as a new account's other Regions are). IAM is global.
  const regions = new Map<string, SandboxRegion>();
  const openRegion = (name: string, seeded: AccountSeed): SandboxRegion => {
    const world = new SandboxWorld({
      accountId: account.accountId,
      region: name,
      clock,
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      ...(options.legacyIdShare !== undefined ? { legacyIdShare: options.legacyIdShare } : {}),
      ...(options.unsortedLists !== undefined ? { unsortedLists: options.unsortedLists } : {}),
      seed,
      bus,
      behaviours: account.behaviours,
      logger,
    });
    world.addStartCheck(secretsCheck(seeded.secrets ?? [], account.accountId, name));
    applySeed(world, seeded, clock.now());
    const region = {
      world,
      services: SERVICES.map((definition) =>
        definition.bind({ world, iam, account: seeded, logger, onEvent: (listener) => bus.on(listener) }),
      ),
    };
    regions.set(name, region);
    return region;
  };
  const home = openRegion(account.region, account);
  const world = home.world;
  const regionNamed = (name: string | undefined): SandboxRegion => {
    if (name === undefined || name === account.region) return home;
    const known = regions.get(name);
    if (known) return known;
    if (!REGION_NAME.test(name) || regions.size >= MAX_REGIONS) return home;
    return openRegion(name, { ...account, region: name, clusters: [], taskDefinitions: [], services: {} });
  };
  const calls: SandboxCall[] = [];
  const dispatch = createDispatcher({ region: regionNamed, iam, faults, calls, logger });
  const server = await startHttpServer(options.host ?? '127.0.0.1', options.port ?? 0, dispatch);

  return {
    url: server.url,
    accountId: account.accountId,
    region: account.region,
    clock,
    calls,
    world,
    callsTo: (action) => calls.filter((c) => `${c.service}:${c.action}` === action || c.action === action),
    mutations: () =>
      calls.filter((c) => c.error === undefined && c.service !== 'sts' && !READ_ONLY_ACTION.test(c.action)),
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    tick: () => {
      for (const region of regions.values()) region.world.advance();
    },
    worldIn: (name) => regionNamed(name).world,
    onEvent: (listener) => bus.on(listener),
    stop: () => server.close(),
  };
}
