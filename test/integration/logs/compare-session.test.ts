// `repro logs` on a real session of the sample incident: its containers log the incident's
// error (a legacy cart's discontinued SKU), `--compare` finds it reproduced with counts on both
// sides and puts the comparison into the session's record and report; a session name works as
// a log source for filters and --patterns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, getSession, upFromPath } from '../../../electron/services/environments';
import { streamLogs } from '../../../electron/services/environments/logs';
import { openRecordDb } from '../../../electron/services/record';
import { removeSessions, sampleBundle, tempHome, uniqueSession } from '../environments/helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('logs');
const env = { ...process.env, REPRO_HOME: home.home };

async function repro(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env, cwd: process.cwd(), isTTY: false });
  return { code, out, err };
}

describe('logs of a reproduction against its incident', () => {
  beforeAll(async () => {
    await upFromPath({ bundlePath: sampleBundle, session, secrets: { env: { REPRO_SECRET_PAYMENT_KEY: 'sk_test_logs' } }, docker, stateDir: home.stateDir, env });
    const info = await getSession(docker, home.stateDir, session);
    const url = info.services.find((s) => s.name === 'checkout')!.endpoints[0]!.url;
    // The incident's two kinds of request: a legacy cart fails (pricing logs the SKU), a small one is served.
    expect((await fetch(`${url}/cgi-bin/checkout?cart=legacy`)).status).toBe(502);
    expect((await fetch(`${url}/cgi-bin/checkout?cart=small`)).status).toBe(200);
    // The engine's log may trail the answer: wait until both services' error lines are there.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await repro('logs', session, '--level', 'error', '--json');
      if (r.code === 0 && JSON.parse(r.out).records.length >= 2) break;
      if (Date.now() > deadline) throw new Error(`the containers' error lines did not appear: ${r.out} ${r.err}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });

  afterAll(async () => {
    await downSession(docker, home.stateDir, session).catch(() => {});
    await removeSessions(docker, [session]);
    home.cleanup();
  });

  it('--compare says the incident errors were reproduced, with counts on both sides, and records it', async () => {
    const r = await repro('logs', sampleBundle, '--compare', session, '--json');
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.reproduced.map((t: { template: string }) => t.template).sort()).toEqual(['no price for SKU-<*> in cart legacy (tiered engine)', 'pricing failed for cart legacy, answering <*>']);
    for (const t of doc.reproduced) {
      expect(t.incident).toBeGreaterThan(10);
      expect(t.repro).toBe(1);
    }
    expect(doc.missing).toEqual([]);
    expect(doc.errorTemplatesReproduced).toBe(1);
    expect(doc.incident.lines).toBe(5245);
    expect(doc.repro.lines).toBeGreaterThanOrEqual(8);
    const db = openRecordDb(home.stateDir);
    const events = db.events(db.requireSession(session).id, { kinds: ['logs'] });
    expect(events.map((e) => e.id)).toEqual([doc.recordEvent]);
    const report = await repro('report', session, '--format', 'md');
    expect(report.out).toContain('## Logs: reproduction vs incident');
    expect(report.out).toContain('no price for SKU-\\<\\*\\> in cart legacy (tiered engine)');
  });

  it('a session name is a log source: --patterns groups its container lines, filters apply', async () => {
    const p = await repro('logs', session, '--patterns', '--json');
    expect(p.code, p.err).toBe(0);
    const doc = JSON.parse(p.out);
    const texts = doc.templates.map((t: { template: string }) => t.template);
    expect(texts).toContain('tier lookup for line <*> of cart small took <*> ms');
    expect(doc.templates.find((t: { template: string }) => t.template.startsWith('no price')).services).toEqual({ pricing: 1 });
    const plain = await repro('logs', session, '--service', 'checkout', '--grep', 'legacy');
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/ERROR\s+checkout\s+pricing failed for cart legacy, answering 502/);
    expect(plain.out).not.toMatch(/pricing\s+no price/);
    // What the session's OTLP receiver takes on /v1/logs is part of the session's logs too.
    const info = await getSession(docker, home.stateDir, session);
    const otlp = info.agent.endpoints['otlp-receiver.otlpHost']!;
    const post = await fetch(`${otlp}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments-agent' } }] }, scopeLogs: [{ logRecords: [{ timeUnixNano: `${Date.now()}000000`, severityNumber: 13, body: { stringValue: 'exporter queue 80% full' } }] }] }] }),
    });
    expect(post.status).toBe(200);
    const withOtlp = JSON.parse((await repro('logs', session, '--service', 'payments-agent', '--json')).out);
    expect(withOtlp.records.map((r: { msg: string; level: string }) => [r.msg, r.level])).toEqual([['exporter queue 80% full', 'warn']]);
    const traces = await repro('traces', session, '--json');
    expect(traces.code, traces.err).toBe(0);
    expect(JSON.parse(traces.out).spans).toBe(0);
    // Without filters a session still prints its containers' output as before.
    const raw = await repro('logs', session, 'pricing', '--tail', '3');
    expect(raw.code).toBe(0);
    expect(raw.out.trim().split('\n').every((l) => l.startsWith('pricing | '))).toBe(true);
  });

  it('--follow stopped before a stream opened (`| head` closing stdout on the first lines) ends instead of following forever', async () => {
    // The EPIPE of one service's first lines aborts while the other's stream is still opening:
    // an already-aborted signal must close every stream opened after it.
    const controller = new AbortController();
    controller.abort();
    // Before the fix this never resolved (the test's timeout failed it).
    await expect(streamLogs({ docker, stateDir: home.stateDir, session, follow: true, signal: controller.signal, onLine: () => {} })).resolves.toBeUndefined();
  });
});
