import { PlaygroundProcess } from './playground-process';

/**
 * The playground shows a live deployment: demo-staging's web is blue/green with a PAUSE hook after
 * test traffic, so a restart posts one message that stops at the hook with Continue and Roll back;
 * the demo config lets a second person (bob) continue it, not alice who started it.
 */
jest.setTimeout(120_000);

describe('npm start: a restart of a blue/green service with a PAUSE hook', () => {
  let pg: PlaygroundProcess;
  beforeAll(async () => {
    pg = await PlaygroundProcess.start();
  });
  afterAll(() => pg?.kill());

  it('posts the live deployment message, which pauses at the hook with Continue and Roll back', async () => {
    const seen = await pg.say('/ecs restart web -c demo-staging');
    expect(seen).toMatch(/web in demo-staging: restart of web-staging:1/);
    expect(seen).toMatch(/Paused at POST_TEST_TRAFFIC_SHIFT, waiting for Continue/);
    expect(seen).toMatch(/If nobody does, ECS rolls the deployment back\./);
    expect(seen).toMatch(/\[\d+\] Continue\s+\[\d+\] Roll back/);
  });

  it('alice, who started it, may not continue it; bob may, and the message ends in "completed"', async () => {
    const refused = await pg.say('/click continue');
    expect(refused).toMatch(/You started this deployment, so someone else has to continue it/);
    await pg.say('/as bob');
    const continued = await pg.say('/click continue');
    expect(continued).toMatch(/web in demo-staging: continuing deployment web\/\w+\s+past\s+POST_TEST_TRAFFIC_SHIFT/);
    const after = await pg.say('/wait 2m');
    expect(after + continued).toMatch(/Completed in (under a minute|\d+ min)/);
  });
});
