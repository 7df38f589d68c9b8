import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentProcessIdentity, isProcessAlive } from '../../../electron/services/environments/process-identity';
import { describeSession } from '../../../electron/services/environments/session-info';
import { orphanReason, SessionStore, type SessionRecord } from '../../../electron/services/environments/state-store';
import { createDockerClient } from '../../../electron/services/docker-engine';

const base = (over: Partial<SessionRecord>): SessionRecord => ({
  version: 1,
  name: 's1',
  bundleId: 'INC-1',
  bundleRoot: '/b',
  bundleSource: '/b',
  manifestSha256: 'x',
  createdAt: '2026-11-29T00:00:00Z',
  updatedAt: '2026-11-29T00:00:00Z',
  phase: 'running',
  volumes: [],
  services: [],
  secretNames: [],
  injectedEnv: {},
  ...over,
});

async function deadProcess() {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.once('exit', r));
  return { pid, startTime: '1' };
}

describe('session store', () => {
  it('writes atomically (no temp files left) and lists sessions by name', () => {
    const store = new SessionStore(mkdtempSync(join(tmpdir(), 'store-')));
    store.write(base({ name: 'b' }));
    store.write(base({ name: 'a', phase: 'starting' }));
    store.update('a', (r) => ({ ...r, phase: 'running' }));
    expect(store.list().map((r) => [r.name, r.phase])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    expect(readdirSync(store.dir('a'))).toEqual(['session.json']);
  });

  it('refuses names that could leave the sessions folder', () => {
    const store = new SessionStore(mkdtempSync(join(tmpdir(), 'store-')));
    expect(() => store.dir('../etc')).toThrow(/not valid/);
    expect(() => store.dir('a/b')).toThrow(/not valid/);
  });
});

describe('owner liveness', () => {
  it('knows this process is alive and a finished one is not, and a reused pid with another start time is not ours', async () => {
    expect(isProcessAlive(currentProcessIdentity())).toBe(true);
    expect(isProcessAlive(await deadProcess())).toBe(false);
    const me = currentProcessIdentity();
    if (me.startTime) expect(isProcessAlive({ pid: me.pid, startTime: `${me.startTime}0` })).toBe(false);
  });

  it('calls a session an orphan only when its owner is gone', async () => {
    const dead = await deadProcess();
    const me = currentProcessIdentity();
    expect(orphanReason(base({ phase: 'starting', upOwner: me }))).toBeUndefined();
    expect(orphanReason(base({ phase: 'starting', upOwner: dead }))).toBe('its up process is gone');
    expect(orphanReason(base({ phase: 'running', agent: me }))).toBeUndefined();
    expect(orphanReason(base({ phase: 'running', agent: dead }))).toBe('its agent process is gone');
    expect(orphanReason(base({ phase: 'down' }))).toBeUndefined();
  });

  it('shows a session whose agent is gone as failed, saying so, before gc collects it (issue 21)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'repro-orphan-'));
    const record = base({ name: 'orphan-1', phase: 'running', agent: await deadProcess() });
    new SessionStore(join(stateDir, 'sessions')).write(record);
    // no services: describing it asks the engine nothing
    const info = await describeSession(createDockerClient({}), stateDir, record);
    expect(info.phase).toBe('failed');
    expect(info.agent.alive).toBe(false);
    expect(info.error?.message).toMatch(/agent process is gone \(agent not running\); repro down orphan-1/);
    const alive = await describeSession(createDockerClient({}), stateDir, base({ name: 'live-1', phase: 'running', agent: currentProcessIdentity() }));
    expect(alive.phase).toBe('running');
    expect(alive.error).toBeUndefined();
  });
});
