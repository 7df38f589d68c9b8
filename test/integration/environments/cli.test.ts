// The CLI's documented JSON shapes, end to end through bin/repro.js against the real engine.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { labelledCount, removeSessions, repoRoot, sampleBundle, tempHome, uniqueSession } from './helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('cli');

function repro(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'repro.js'), ...args], {
    env: { ...process.env, REPRO_HOME: home.home, ...extraEnv },
    encoding: 'utf8',
    timeout: 170_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A unix socket that forwards every engine API request to the real engine and notes its path,
 * to count what a command asks of the engine.
 */
async function countingEngineProxy(socketPath: string) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const up = request({ socketPath: '/var/run/docker.sock', method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', (err) => res.destroy(err));
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { seen, url: `unix://${socketPath}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function reproAsync(args: string[], extraEnv: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'repro.js'), ...args], { env: { ...process.env, REPRO_HOME: home.home, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const engineChecks = (seen: string[]) => seen.filter((r) => /\/(_ping|version)(\?|$)/.test(r));

afterAll(async () => {
  repro(['down', session]);
  await removeSessions(docker, [session]);
  home.cleanup();
});

describe('repro up / status / logs / down --json', () => {
  it('prints exactly the documented documents', async () => {
    // the secret from a dotenv file, not the environment
    const secrets = join(home.home, 'secrets.env');
    writeFileSync(secrets, 'PAYMENT_KEY=from-cli-test\n');
    const up = repro(['up', sampleBundle, '--session', session, '--secrets', secrets, '--json']);
    expect(up.code, up.stderr).toBe(0);
    const report = JSON.parse(up.stdout);
    expect(Object.keys(report).sort()).toEqual(['drift', 'runtime', 'sandbox', 'services', 'session', 'signature']);
    expect(report.runtime).toEqual({ kind: 'local', endpoint: expect.stringMatching(/^(unix|tcp|npipe|ssh):\/\//) });
    expect(Object.keys(report.sandbox).sort()).toEqual(['agentPorts', 'egress', 'notes', 'verified']);
    expect(report.signature.status).toBe('untrusted'); // signed, but its key is not in this home's trusted keys
    expect(report.session).toBe(session);
    expect(report.drift).toEqual([]);
    for (const s of report.services) {
      expect(Object.keys(s).sort()).toEqual(['containerId', 'endpoints', 'health', 'name', 'state']);
      for (const e of s.endpoints) expect(Object.keys(e).sort()).toEqual(['container', 'url']);
    }
    expect(up.stderr).toContain('Verifying bundle'); // progress goes to stderr

    const status = JSON.parse(repro(['status', '--json']).stdout);
    expect(status.engine.reachable).toBe(true);
    const mine = status.sessions.find((s: { name: string }) => s.name === session);
    expect(mine.phase).toBe('running');
    expect(mine.runtime.kind).toBe('local');
    expect(mine.services.map((s: { health: string }) => s.health)).toEqual(['healthy', 'healthy']);

    // A command that talks to Docker asks the engine at most once before its work.
    const proxy = await countingEngineProxy(join(home.home, 'engine.sock'));
    try {
      const viaProxy = await reproAsync(['status', '--json'], { DOCKER_HOST: proxy.url });
      expect(viaProxy.code, viaProxy.stderr).toBe(0);
      expect(JSON.parse(viaProxy.stdout).sessions.map((s: { name: string }) => s.name)).toContain(session);
      expect(engineChecks(proxy.seen), proxy.seen.join('\n')).toHaveLength(1);
    } finally {
      await proxy.close();
    }

    const logs = repro(['logs', session, 'pricing', '--json']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(logs.stdout))).toBe(true);
    expect(repro(['logs', session, 'nosuch']).stderr).toContain('has no service "nosuch"');

    // runtime options are checked before any work: usage errors
    const badRuntime = repro(['up', sampleBundle, '--runtime', 'nomad']);
    expect(badRuntime.code).toBe(2);
    expect(badRuntime.stderr).toContain('Unknown runtime "nomad": expected one of local, swarm');
    expect(repro(['up', sampleBundle, '--replicas', 'checkout=2']).stderr).toContain('apply to --runtime swarm only');

    const again = repro(['up', sampleBundle, '--session', session], { REPRO_SECRET_PAYMENT_KEY: 'x' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`A session named "${session}" already exists`);

    const downProxy = await countingEngineProxy(join(home.home, 'engine-down.sock'));
    let down;
    try {
      down = await reproAsync(['down', session, '--graceful', '--json'], { DOCKER_HOST: downProxy.url });
      expect(engineChecks(downProxy.seen), downProxy.seen.join('\n')).toHaveLength(1);
      // --graceful stops each running container before removing it
      expect(downProxy.seen.filter((r) => /^POST \/[^ ]*containers\/\w+\/stop/.test(r)).length, downProxy.seen.join('\n')).toBeGreaterThanOrEqual(2);
    } finally {
      await downProxy.close();
    }
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ session, agentStopped: true });
    expect(JSON.parse(repro(['status', '--json']).stdout).sessions.map((s: { name: string }) => s.name)).not.toContain(session);
    expect(repro(['up']).code).toBe(2);
  });

  it('leaves nothing labelled after down', async () => {
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
