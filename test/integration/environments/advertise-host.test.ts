/**
 * `--advertise-host`: where the session's containers reach the agent when the engine is not on
 * this machine. The up checks it is an address of this machine before anything exists, and
 * from the session's gate that the agent answers there; an address the containers cannot reach
 * (here 127.0.0.1, which is the gate's own loopback) fails the up with the reason and leaves
 * nothing. This machine's LAN address works, as it would for an engine on another machine.
 */
import { mkdtempSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, upFromPath } from '../../../electron/services/environments';
import { SessionStore } from '../../../electron/services/environments/state-store';
import { labelledCount, removeSessions, tempHome, uniqueSession } from './helpers';
import { writeTinyBundle } from './tiny-bundle';

const docker = createDockerClient();
const home = tempHome();
const env = { ...process.env, REPRO_HOME: home.home };
const sessions: string[] = [];
const bundle = mkdtempSync(join(home.home, 'bundle-'));
writeTinyBundle(bundle, 'INC-ADVERTISE', [{ name: 'web' }]);

/** This machine's address on its LAN (not loopback, not a Docker bridge). */
function lanAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (/^(docker|br-|veth|lo)/.test(name)) continue;
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address outside Docker bridges: the test needs one (the address an engine elsewhere would reach it at)');
}

function up(session: string, advertiseHost: string) {
  sessions.push(session);
  return upFromPath({ bundlePath: bundle, session, secrets: { env: {} }, docker, stateDir: home.stateDir, env, advertiseHost });
}

describe('--advertise-host', () => {
  afterAll(async () => {
    for (const s of sessions) await downSession(docker, home.stateDir, s).catch(() => {});
    await removeSessions(docker, sessions);
    home.cleanup();
  });

  it('refuses an address that is not this machine before anything exists', async () => {
    const session = uniqueSession('adv-foreign');
    const err = await up(session, '192.0.2.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).message).toContain('--advertise-host 192.0.2.1 is not an address of this machine');
    expect(new SessionStore(join(home.stateDir, 'sessions')).read(session)).toBeUndefined();
  });

  it('fails with the reason when the containers cannot reach the agent there, and leaves nothing', async () => {
    const session = uniqueSession('adv-loop');
    const err = await up(session, '127.0.0.1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('unavailable');
    expect((err as WorkbenchError).message).toMatch(/cannot reach the session agent at 127\.0\.0\.1:\d+ \(--advertise-host\)/);
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });

  it("comes up with the agent on this machine's LAN address", async () => {
    const session = uniqueSession('adv-lan');
    const address = lanAddress();
    const report = await up(session, address);
    expect(report.services.map((s) => s.state)).toEqual(['running']);
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    expect(record.agentPlan?.bindHost).toBe(address);
    expect(Object.values(record.agent?.endpoints ?? {}).join(' ')).toContain('agent.repro.internal');
  });
});
