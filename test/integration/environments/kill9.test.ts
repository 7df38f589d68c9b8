// kill -9 of the CLI in the middle of an up must leave nothing that `repro gc` does not remove.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { isProcessAlive } from '../../../electron/services/environments/process-identity';
import type { SessionRecord } from '../../../electron/services/environments/state-store';
import { labelledCount, removeSessions, repoRoot, sampleBundle, tempHome, uniqueSession } from './helpers';
import { writeTinyBundle } from './tiny-bundle';

const docker = createDockerClient();
const home = tempHome();
const sessions: string[] = [];
const testImages: string[] = [];
const env = { ...process.env, REPRO_HOME: home.home, REPRO_SECRET_PAYMENT_KEY: 'kill9-test' };
const cli = join(repoRoot, 'bin', 'repro.js');

afterAll(async () => {
  await removeSessions(docker, sessions);
  for (const id of testImages) await docker.getImage(id).remove({ force: true }).catch(() => {});
  home.cleanup();
});

function startUp(bundle: string, session: string): { child: ChildProcess; stderr: () => string } {
  sessions.push(session);
  const child = spawn(process.execPath, [cli, 'up', bundle, '--session', session], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  return { child, stderr: () => err };
}

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const readRecord = (session: string): SessionRecord | undefined => {
  try {
    return JSON.parse(readFileSync(join(home.stateDir, 'sessions', session, 'session.json'), 'utf8')) as SessionRecord;
  } catch {
    return undefined;
  }
};

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

describe('kill -9 mid-up', () => {
  it('during image load: gc leaves no labelled resource and no agent', async () => {
    // An image no engine has yet (unique content), so the up really loads it.
    const dir = mkdtempSync(join(home.home, 'b-'));
    const { manifest } = writeTinyBundle(dir, 'INC-KILL-LOAD', [{ name: 'web', files: { 'www/health': `ok ${Date.now()} ${Math.random()}\n` } }]);
    testImages.push(manifest.services[0]!.image.id);
    const session = uniqueSession('killload');
    const up = startUp(dir, session);
    await until('the image load to begin', () => up.stderr().includes('Loading image'));
    up.child.kill('SIGKILL');
    await exited(up.child);
    const gc = await runCli(['gc', '--json']);
    expect(gc.code, gc.stderr).toBe(0);
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const agent = readRecord(session)?.agent;
    await until('the agent to stop', () => !isProcessAlive(agent), 15_000);
    expect(readRecord(session)?.phase).not.toBe('running');
  });

  it('during service start, with the agent killed too: gc removes the containers, network and volumes', async () => {
    const session = uniqueSession('killstart');
    const up = startUp(sampleBundle, session);
    // Wait for service containers to exist (created, maybe started; the agent is recorded before
    // them), then kill both processes outright.
    await until('service containers of the session', async () => {
      const found = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`repro.session=${session}`, 'repro.service=pricing'] }) });
      return found.length > 0;
    });
    const agent = readRecord(session)?.agent;
    expect(agent).toBeDefined();
    up.child.kill('SIGKILL');
    process.kill(agent!.pid, 'SIGKILL');
    await exited(up.child);
    expect((await labelledCount(docker, session)).networks).toBe(1); // nothing cleaned it: gc's job
    const gc = await runCli(['gc', '--json']);
    expect(gc.code, gc.stderr).toBe(0);
    const report = JSON.parse(gc.stdout) as { collected: Array<{ session: string; reason: string }> };
    expect(report.collected.map((c) => c.session)).toContain(session);
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    expect(readRecord(session)?.phase).toBe('down');
  });

  it('a leftover the engine will not remove (a dead home’s network with a foreign container on it) is named, and does not stop gc', async () => {
    const dir = mkdtempSync(join(home.home, 'b-'));
    const { manifest } = writeTinyBundle(dir, 'INC-GC-STUCK', [{ name: 'web', files: { 'www/health': `ok ${Date.now()} ${Math.random()}\n` } }]);
    const imageId = manifest.services[0]!.image.id;
    testImages.push(imageId);
    await new Promise<void>((resolve, reject) => {
      void docker.loadImage(createReadStream(join(dir, manifest.services[0]!.image.archive!))).then((stream) => docker.modem.followProgress(stream as NodeJS.ReadableStream, (err) => (err ? reject(err) : resolve())), reject);
    });
    const stuck = uniqueSession('gcstuck');
    // labelled as a session of a workbench home that no longer exists: gc's to collect
    const network = await docker.createNetwork({
      Name: `repro-${stuck}`,
      Labels: { 'repro.session': stuck, 'repro.home': 'gone0000gone0000', 'repro.home.path': join(home.home, 'no-such-home') },
    });
    // an unlabelled container on it keeps an endpoint the engine will not let go of
    const holder = await docker.createContainer({ Image: imageId, name: `${stuck}-holder`, HostConfig: { NetworkMode: `repro-${stuck}` } });
    try {
      await holder.start();
      const gc = await runCli(['gc', '--json']);
      expect(gc.code, gc.stderr).toBe(0);
      const report = JSON.parse(gc.stdout) as { failed: Array<{ session: string; leftover: boolean; error: string }> };
      expect(report.failed).toContainEqual(expect.objectContaining({ session: stuck, leftover: true }));
      expect(gc.stderr).toContain(`Could not collect ${stuck} (left by a workbench home that no longer exists)`);
    } finally {
      await holder.remove({ force: true }).catch(() => {});
      await network.remove().catch(() => {});
    }
  });
});
