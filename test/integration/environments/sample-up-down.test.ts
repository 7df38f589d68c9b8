// The sample incident, brought up in the real engine through the same function the CLI uses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { WorkbenchError } from '../../../shared/api/errors';
import { downSession, execInService, getSession, listSessions, streamLogs, upFromPath, type UpReport } from '../../../electron/services/environments';
import { LABEL_BUNDLE, LABEL_SERVICE, LABEL_SESSION } from '../../../electron/services/environments/labels';
import { listLabelled } from '../../../electron/services/environments/resources';
import { isProcessAlive } from '../../../electron/services/environments/process-identity';
import { SessionStore } from '../../../electron/services/environments/state-store';
import { labelledCount, removeSessions, sampleBundle, tempHome, uniqueSession } from './helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('sample');
// A value that must never show up in any file the workbench writes.
const secretValue = `secret-${Math.random().toString(36).slice(2)}`;
let report: UpReport;

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string; mimeType?: string } };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('sample incident: up, use, down', () => {
  beforeAll(async () => {
    report = await upFromPath({
      bundlePath: sampleBundle,
      session,
      secrets: { env: { REPRO_SECRET_PAYMENT_KEY: secretValue } },
      docker,
      stateDir: home.stateDir,
      env: { ...process.env, REPRO_HOME: home.home },
    });
  });

  afterAll(async () => {
    await downSession(docker, home.stateDir, session).catch(() => {});
    await removeSessions(docker, [session]);
    home.cleanup();
  });

  it('reports every service running and healthy with no drift', () => {
    expect(report.session).toBe(session);
    expect(report.services.map((s) => s.name).sort()).toEqual(['checkout', 'pricing']);
    for (const s of report.services) {
      expect(s.state).toBe('running');
      expect(s.health).toBe('healthy');
      expect(s.containerId).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(report.drift).toEqual([]);
  });

  it('answers on the ingress as the recorded incident did', async () => {
    const har = JSON.parse(readFileSync(join(sampleBundle, 'traffic', 'checkout.har'), 'utf8')) as { log: { entries: HarEntry[] } };
    // The legacy cart fails inside the system (pricing), independent of the external payments API.
    const entry = har.log.entries.find((e) => e.request.url.includes('cart=legacy'))!;
    const checkout = report.services.find((s) => s.name === 'checkout')!;
    const base = checkout.endpoints.find((e) => e.container === 8080)!.url;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const url = new URL(entry.request.url);
    const res = await fetch(`${base}${url.pathname}${url.search}`);
    expect(res.status).toBe(entry.response.status);
    expect(await res.json()).toEqual(JSON.parse(entry.response.content.text!));
  });

  it('labels every container, network and volume with session, bundle and service', async () => {
    const found = await listLabelled(docker, [`${LABEL_SESSION}=${session}`]);
    // the services, plus whatever session plugins run (the fixtures forwarder)
    expect(found.containers.length).toBeGreaterThanOrEqual(2);
    expect(found.networks).toHaveLength(1);
    expect(found.volumes.length).toBeGreaterThanOrEqual(1); // pricing's catalogue snapshot
    for (const labels of [...found.containers.map((c) => c.Labels), ...found.networks.map((n) => n.Labels ?? {}), ...found.volumes.map((v) => v.Labels ?? {})]) {
      expect(labels[LABEL_SESSION]).toBe(session);
      expect(labels[LABEL_BUNDLE]).toBe('INC-2041');
      expect(labels).toHaveProperty(LABEL_SERVICE);
    }
    expect(found.containers.map((c) => c.Labels[LABEL_SERVICE]).filter(Boolean).sort()).toEqual(['checkout', 'pricing']);
  });

  it('runs the captured configuration: env, snapshot data, secret, limits', async () => {
    const env = await execInService(docker, home.stateDir, session, 'pricing', ['env']);
    expect(env.exitCode).toBe(0);
    expect(env.output).toContain('NEW_PRICING=true');
    expect(env.output).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/agent\.repro\.internal:\d+/);
    expect(env.output).toContain(`OTEL_RESOURCE_ATTRIBUTES=repro.session=${session},repro.bundle=INC-2041`);
    const data = await execInService(docker, home.stateDir, session, 'pricing', ['grep', '-c', 'SKU-2077', '/data/prices.json']);
    expect(data.exitCode).toBe(0);
    const secret = await execInService(docker, home.stateDir, session, 'checkout', ['sh', '-c', 'test "$PAYMENT_KEY" = "$1"', 'sh', secretValue]);
    expect(secret.exitCode).toBe(0);
    const info = await docker.getContainer(report.services.find((s) => s.name === 'checkout')!.containerId).inspect();
    expect(info.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
  });

  it('never writes the secret value into the state folder', () => {
    const store = new SessionStore(join(home.stateDir, 'sessions'));
    expect(store.read(session)!.secretNames).toEqual(['PAYMENT_KEY']);
    for (const f of allFiles(home.stateDir)) expect(readFileSync(f, 'utf8')).not.toContain(secretValue);
  });

  it('delivers container logs, multiplexed by service', async () => {
    const marker = `log-marker-${Date.now()}`;
    // PID 1 is httpd; its stdout is the container's log.
    await execInService(docker, home.stateDir, session, 'pricing', ['sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
    const lines: Array<{ service: string; line: string }> = [];
    await streamLogs({ docker, stateDir: home.stateDir, session, onLine: (e) => lines.push(e) });
    expect(lines).toContainEqual(expect.objectContaining({ service: 'pricing', line: marker }));
  });

  it('follows new log lines until aborted', async () => {
    const marker = `follow-marker-${Date.now()}`;
    const controller = new AbortController();
    let service: string | undefined;
    void streamLogs({
      docker,
      stateDir: home.stateDir,
      session,
      service: 'checkout',
      follow: true,
      tail: 0,
      signal: controller.signal,
      onLine: (e) => {
        if (e.line === marker) service = e.service;
      },
    });
    // The stream attaches a moment after the call: write the marker until a line of it arrives.
    for (let i = 0; service === undefined; i++) {
      expect(i).toBeLessThan(100);
      await execInService(docker, home.stateDir, session, 'checkout', ['sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
    }
    expect(service).toBe('checkout');
    controller.abort();
  });

  it('receives OTLP/JSON spans sent from inside the session network', async () => {
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'it-span' }] }] }] });
    const r = await execInService(docker, home.stateDir, session, 'checkout', [
      'sh', '-c', 'wget -q -Y off -O - --header "Content-Type: application/json" --post-data "$1" "$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces"', 'sh', body,
    ]);
    expect(r.exitCode).toBe(0);
    const dir = join((await getSession(docker, home.stateDir, session)).stateDir, 'otlp');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    const stored = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(stored).toContain('it-span');
  });

  it('gives a clear state, not a hang, when the engine is unreachable', async () => {
    const { default: Docker } = await import('dockerode');
    const gone = new Docker({ socketPath: join(home.home, 'no-engine.sock') });
    const [info] = await listSessions(gone, home.stateDir); // a hang would be the test's timeout
    expect(info!.name).toBe(session);
    expect(info!.engineError?.error).toContain('not reachable');
    expect(info!.engineError?.hint).toMatch(/start/i);
    expect(info!.services.every((s) => s.state === 'unknown')).toBe(true);
    const down = await downSession(gone, home.stateDir, session).catch((e: WorkbenchError) => e);
    expect((down as WorkbenchError).code).toBe('unavailable');
  });

  it('down removes every labelled resource and stops the agent', async () => {
    const before = await getSession(docker, home.stateDir, session);
    expect(before.agent.alive).toBe(true);
    const record = new SessionStore(join(home.stateDir, 'sessions')).read(session)!;
    const down = await downSession(docker, home.stateDir, session);
    expect(down.removed.containers).toBeGreaterThanOrEqual(2);
    expect(await labelledCount(docker, session)).toEqual({ containers: 0, networks: 0, volumes: 0 });
    for (let i = 0; i < 50 && isProcessAlive(record.agent); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isProcessAlive(record.agent)).toBe(false);
  });
});
