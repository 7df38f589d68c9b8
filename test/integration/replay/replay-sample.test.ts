// Replay on the real engine with the sample incident: a faithful replay fully matches; a copy of
// the bundle with one env value changed is caught response by response; noise paths work; the
// payments fixtures are served to a container and an unmatched request is reported.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, execInService, getSession, upFromPath } from '../../../electron/services/environments';
import { LABEL_SESSION } from '../../../electron/services/environments/labels';
import { listLabelled } from '../../../electron/services/environments/resources';
import { readBundleManifest, replaySession, suggestNoiseFor } from '../../../electron/services/replay';
import { executeReplay } from '../../../electron/services/replay/engine';
import { readUnmatched } from '../../../electron/services/replay/fixtures-stub';
import { listReplays } from '../../../electron/services/replay/store';
import { openRecordDb } from '../../../electron/services/record';
import { main } from '../../../electron/cli/main';
import { callInProcess, runOperationInProcess } from '../../../electron/api/dispatch';
import { createWorkbench } from '../../../electron/services/workbench';
import type { LogEvent, OperationEvent } from '../../../shared/api/events';
import type { ReplayReport } from '../../../shared/replay/report';
import { removeSessions, repoRoot, sampleBundle, tempHome, uniqueSession } from '../environments/helpers';

const docker = createDockerClient();
const home = tempHome();
const faithful = uniqueSession('replay');
const drifted = uniqueSession('replay-drift');
const secrets = { env: { REPRO_SECRET_PAYMENT_KEY: 'sk_test_replay' } };
const env = { ...process.env, REPRO_HOME: home.home };
let driftDir = '';

describe('replay against the sample incident', () => {
  beforeAll(async () => {
    // The drifted copy: the pricing feature flag off, nothing else changed. bundle.json is not in
    // `files`, so the copy still verifies (its signature would not: the copy drops it).
    driftDir = mkdtempSync(join(tmpdir(), 'replay-drift-'));
    cpSync(sampleBundle, driftDir, { recursive: true });
    rmSync(join(driftDir, 'attestations'), { recursive: true, force: true });
    const manifest = JSON.parse(readFileSync(join(driftDir, 'bundle.json'), 'utf8'));
    manifest.services.find((s: { name: string }) => s.name === 'pricing').env.NEW_PRICING = 'false';
    writeFileSync(join(driftDir, 'bundle.json'), JSON.stringify(manifest, null, 2));
    await Promise.all([
      upFromPath({ bundlePath: sampleBundle, session: faithful, secrets, docker, stateDir: home.stateDir, env }),
      upFromPath({ bundlePath: driftDir, session: drifted, secrets, docker, stateDir: home.stateDir, env }),
    ]);
  });

  afterAll(async () => {
    for (const s of [faithful, drifted]) await downSession(docker, home.stateDir, s).catch(() => {});
    await removeSessions(docker, [faithful, drifted]);
    const left = await listLabelled(docker, [`${LABEL_SESSION}=${faithful}`]);
    expect(left.containers).toHaveLength(0);
    home.cleanup();
    rmSync(driftDir, { recursive: true, force: true });
  });

  it('a faithful replay matches every recorded response, and is kept with the session and its record', async () => {
    const progress: number[] = [];
    const report = await replaySession(docker, home.stateDir, faithful, { mode: 'max', concurrency: 4, recordStateDir: home.stateDir, onProgress: (p) => progress.push(p.done) });
    const problems = report.results.filter((r) => r.outcome !== 'matched').map((r) => `#${r.index} ${r.url}: ${r.error ?? r.diff}`);
    expect(problems).toEqual([]);
    expect(report).toMatchObject({ total: 8, sent: 8, matched: 8, mismatched: 0, errors: 0, successRate: 1, mode: 'max' });
    expect(report.results.map((r) => r.status)).toEqual(report.results.map((r) => r.recordedStatus));
    expect(progress).toHaveLength(8);
    const session = await getSession(docker, home.stateDir, faithful);
    expect((await listReplays(session.stateDir)).map((r) => r.id)).toEqual([report.id]);
    const db = openRecordDb(home.stateDir);
    const events = db.events(db.requireSession(faithful).id, { kinds: ['replay'] });
    expect(events.map((e) => (e.data as { successRate: number; mode: string }).successRate)).toEqual([1]);
  });

  it('the CLI prints the report as one JSON document and exits 0; 1 and an error document when it cannot run', async () => {
    let out = '';
    let err = '';
    const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), env, cwd: process.cwd(), isTTY: false };
    expect(await main(['replay', faithful, '--mode', 'x4', '--json'], io)).toBe(0);
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ sent: 8, matched: 8, mismatched: 0, errors: 0, successRate: 1 });
    expect(Object.keys(doc.results[0]).sort()).toEqual(expect.arrayContaining(['index', 'method', 'url', 'status', 'recordedStatus', 'outcome', 'latencyMs', 'recordedLatencyMs']));
    out = '';
    expect(await main(['replay', 'no-such-session', '--json'], io)).toBe(1);
    // the one --json error shape, on stdout; the sentence on stderr
    expect(JSON.parse(out)).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/No session named "no-such-session"/) } });
    expect(err).toMatch(/No session named "no-such-session"/);
  });

  it('replay.run is an operation: stopped with requests in flight it ends cancelled, saved as cancelled, none counted as errors', async () => {
    const wb = createWorkbench({ host: 'web', env });
    const events: OperationEvent[] = [];
    const rows: number[] = [];
    let id = '';
    // As recorded the eight requests take about 14 s; stop once the first answer is in (the next is on its way).
    wb.events.connect('test', (event, payload) => {
      if (event === 'opDetail') rows.push(...(payload as { data: { results: unknown[] } }).data.results.map(() => 1));
      if (event !== 'op') return;
      const e = payload as OperationEvent;
      events.push(e);
      if (e.type === 'progress' && (e.op.progress?.done ?? 0) >= 1) wb.ops.cancel(id);
    });
    const started = runOperationInProcess(wb, 'replay.run', { session: faithful, mode: 'as-recorded' }, 'test');
    id = started.id;
    const end = await started.end;
    expect(end.state).toBe('cancelled');
    const report = (end as { result: ReplayReport }).result;
    expect(report).toMatchObject({ cancelled: true, errors: 0, total: 8 });
    expect(report.sent).toBeLessThan(8);
    expect(report.matched).toBe(report.sent);
    expect(rows.length).toBe(report.sent); // every completed row reached the starter before the end
    const finals = events.filter((e) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ type: 'cancelled', op: { id, state: 'cancelled', session: faithful }, result: { id: report.id, cancelled: true } });
    expect(finals[0]!.op.parts).toBeUndefined(); // every bar closed
    const session = await getSession(docker, home.stateDir, faithful);
    expect((await listReplays(session.stateDir)).find((r) => r.id === report.id)).toMatchObject({ cancelled: true, errors: 0 });
    expect(existsSync(join(session.stateDir, 'replay.lock'))).toBe(false);
  });

  it('one replay per session across processes; Ctrl-C stops the CLI and --json still prints the cancelled report', async () => {
    const cli = spawn(process.execPath, [join(repoRoot, 'bin', 'repro.js'), 'replay', faithful, '--mode', 'as-recorded', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    cli.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
    // Wait for the CLI's first progress line: it holds the session's replay lock by then.
    await new Promise<void>((resolve, reject) => {
      cli.stderr.on('data', (c: Buffer) => {
        err += c.toString();
        if (/Replaying/.test(err)) resolve();
      });
      void exited.then((code) => reject(new Error(`the CLI exited (${code}) before replaying: ${err}`)));
    });
    const wb = createWorkbench({ host: 'web', env });
    const other = await runOperationInProcess(wb, 'replay.run', { session: faithful, mode: 'max' }, 'test').end;
    expect(other).toMatchObject({ state: 'failed', error: { code: 'conflict', message: expect.stringMatching(/already running \(the repro CLI, pid \d+\)/) } });
    cli.kill('SIGINT');
    expect(await exited).toBe(130);
    const doc = JSON.parse(out); // exactly one document
    expect(doc).toMatchObject({ cancelled: true, errors: 0, total: 8 });
    expect(doc.sent).toBeLessThan(8);
    const session = await getSession(docker, home.stateDir, faithful);
    expect(existsSync(join(session.stateDir, 'replay.lock'))).toBe(false);
  });

  it('log follows belong to their connection: two viewers get each line once, and the engine stream ends with the last one', async () => {
    const wb = createWorkbench({ host: 'web', env });
    const lines: Record<string, LogEvent[]> = { a: [], b: [] };
    let seen: () => void = () => {};
    const viewer = (name: 'a' | 'b') =>
      wb.events.connect(`viewer-${name}`, (event, payload) => {
        if (event !== 'log') return;
        lines[name]!.push(payload as LogEvent);
        seen();
      });
    const a = viewer('a');
    const b = viewer('b');
    const { subscription: subA } = await callInProcess(wb, 'env.logsFollow', { session: faithful, service: 'pricing' }, 'viewer-a');
    const { subscription: subB } = await callInProcess(wb, 'env.logsFollow', { session: faithful, service: 'pricing' }, 'viewer-b');
    const follows = () => (wb.areas.get('environments') as { follows: Map<string, { subscribers: Map<string, unknown> }> }).follows;
    expect([...follows().values()].map((f) => f.subscribers.size)).toEqual([2]); // one engine stream for both
    // Write to the service's stdout until a line reaches both (the stream attaches a moment after the call).
    const marker = `scoped-${faithful}`;
    const has = (name: 'a' | 'b') => lines[name]!.some((l) => l.line.includes(marker));
    for (let i = 0; !(has('a') && has('b')); i++) {
      expect(i).toBeLessThan(100);
      const arrived = new Promise<void>((r) => (seen = r));
      await execInService(docker, home.stateDir, faithful, 'pricing', ['sh', '-c', `echo ${marker}-${i} > /proc/1/fd/1`]);
      await Promise.race([arrived, new Promise((r) => setTimeout(r, 200))]);
    }
    // each viewer has each line once, tagged with its own subscription
    for (const [name, sub] of [['a', subA], ['b', subB]] as const) {
      const mine = lines[name]!.filter((l) => l.line.includes(marker));
      expect(new Set(mine.map((l) => l.line)).size).toBe(mine.length);
      expect(mine.every((l) => l.subscription === sub && l.service === 'pricing')).toBe(true);
    }
    a.close(); // a tab closes: its follow ends, the other goes on
    expect([...follows().values()].map((f) => f.subscribers.size)).toEqual([1]);
    expect(await callInProcess(wb, 'env.logsStop', { subscription: subA }, 'viewer-b')).toEqual({ stopped: false });
    b.close();
    expect(follows().size).toBe(0);
  });

  it('catches the drifted copy response by response', async () => {
    const report = await replaySession(docker, home.stateDir, drifted, { mode: 'max', concurrency: 4, record: false });
    const byOutcome = (o: string) => report.results.filter((r) => r.outcome === o).map((r) => new URL(r.url).search);
    // With the flag off the legacy cart no longer fails: both of its recorded 502s now differ.
    expect(byOutcome('mismatched')).toEqual(['?cart=legacy', '?cart=legacy']);
    for (const r of report.results.filter((x) => x.outcome === 'mismatched')) {
      expect(r.diff).toContain('status: recorded 502, replayed 200');
      expect(r.diff).toMatch(/\$\.error: missing in replay/);
    }
    expect(report.matched).toBe(6);
    expect(report.successRate).toBe(0.75);
  });

  it('noise paths decide what counts: without $.servedAt every 200 differs only there', async () => {
    const session = await getSession(docker, home.stateDir, faithful);
    const manifest = readBundleManifest(session.bundleRoot);
    const strict = { ...manifest, replay: { noise: { jsonPaths: [], headers: [] } } };
    const { report } = await executeReplay({ session, bundle: { root: session.bundleRoot, manifest: strict }, mode: 'max' });
    const twoHundreds = report.results.filter((r) => r.recordedStatus === 200);
    expect(twoHundreds.length).toBe(5);
    for (const r of twoHundreds) {
      expect(r.outcome).toBe('mismatched');
      expect(r.diff).toMatch(/body: 1 JSON difference\n {2}\$\.servedAt: /);
    }
    expect(report.results.filter((r) => r.recordedStatus !== 200).every((r) => r.outcome === 'matched')).toBe(true);
  });

  it('proposes $.servedAt (and nothing else) as noise from two real runs, and accepts only what the user names', async () => {
    const session = await getSession(docker, home.stateDir, faithful);
    const manifest = readBundleManifest(session.bundleRoot);
    const strict = { ...manifest, replay: { noise: { jsonPaths: [], headers: [] } } };
    // Each run lasts over 2 s (the big cart is slow), so servedAt (1 s resolution) differs between them.
    const s = await suggestNoiseFor({ session, bundle: { root: session.bundleRoot, manifest: strict }, concurrency: 8 });
    expect(s.suggested.map((x) => [x.path, x.requests])).toEqual([['$.servedAt', 5]]);
    expect(s.refused).toEqual([]);
    expect(s.unstableStatus).toEqual([]);

    let out = '';
    const io = { stdout: (t: string) => (out += t), stderr: () => {}, env, cwd: process.cwd(), isTTY: false };
    expect(await main(['replay', faithful, '--accept-noise', '$.payment.authorization', '--json'], io)).toBe(0);
    expect(JSON.parse(out).noise).toEqual(['$.payment.authorization']);
    out = '';
    expect(await main(['replay', faithful, '--mode', 'max', '--json'], io)).toBe(0);
    expect(JSON.parse(out).noise.jsonPaths).toEqual(['$.servedAt', '$.payment.authorization']);
  });

  it('serves the payments fixtures to a container under the recorded host name and reports an unmatched request', async () => {
    const session = await getSession(docker, home.stateDir, faithful);
    const wget = (cart: string, body: string) =>
      execInService(docker, home.stateDir, faithful, 'checkout', ['sh', '-c', `wget -q -S -O - --header 'Content-Type: application/json' --post-data '${body}' http://payments.example.com/v1/carts/${cart}/authorizations 2>&1; echo " exit=$?"`], { timeoutMs: 15_000 });
    const hit = await wget('small', '{"amount":"25.80","currency":"EUR"}');
    expect(hit.output).toContain('"id":"auth_5KQ2M9"');
    expect(hit.output).toContain('exit=0');
    const miss = await wget('nope', '{"amount":"1.00","currency":"EUR"}');
    expect(miss.output).toMatch(/502/);
    const unmatched = readUnmatched(session.stateDir);
    expect(unmatched.at(-1)).toMatchObject({ method: 'POST', host: 'payments.example.com', target: '/v1/carts/nope/authorizations' });
    expect(unmatched.at(-1)!.reason).toMatch(/closest recording differs in: path/);
    const forwarders = (await listLabelled(docker, [`${LABEL_SESSION}=${faithful}`])).containers.filter((c) => c.Labels['repro.role'] === 'fixtures-forwarder');
    expect(forwarders).toHaveLength(1);
  });
});
