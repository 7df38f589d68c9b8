// "Did it reproduce?" on the real engine, three sessions up at once:
//  - the sample incident: after one replay the workbench says reproduced from the symptoms, the
//    replay and the metrics, with no person involved; it is recorded, and time to reproduce ends there;
//  - the same bundle with the bug's flag turned off (built here from the sample: bundle.json
//    edited, re-manifested and re-signed with the sample's published test key): not reproduced;
//  - the sample without metrics or traces (files removed, re-manifested): a verdict from what it
//    has, saying what is missing.
// Then traces sent to the session's OTLP receiver, a runbook expect step, a logs comparison and a
// person's mark, through the API as the UI calls it (the UI's verdict store: test/integration/renderer).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callInProcess, runOperationInProcess } from '../../../electron/api/dispatch';
import { main } from '../../../electron/cli/main';
import { downSession, getSession, upFromPath } from '../../../electron/services/environments';
import { openRecordDb } from '../../../electron/services/record';
import type { RecordChangedEvent } from '../../../shared/api/events';
import type { SessionVerdict } from '../../../shared/verdict/types';
import { createWorkbench } from '../../../electron/services/workbench';
import { removeSessions, repoRoot, sampleBundle, uniqueSession } from '../environments/helpers';

const home = mkdtempSync(join(tmpdir(), 'repro-verdict-'));
const wb = createWorkbench({ host: 'cli', env: { ...process.env, REPRO_HOME: home }, appRoot: repoRoot });
const cleanup = () => rmSync(home, { recursive: true, force: true });
const env = { ...process.env, REPRO_HOME: home };
const docker = wb.docker;
const secrets = { env: { REPRO_SECRET_PAYMENT_KEY: 'sk_test_verdict' } };
const faithful = uniqueSession('verdict');
const flagOff = uniqueSession('verdict-off');
const bare = uniqueSession('verdict-bare');
const work = mkdtempSync(join(tmpdir(), 'verdict-bundles-'));
const publicKey = join(repoRoot, 'examples', 'keys', 'sample.pub.pem');

async function repro(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env, cwd: process.cwd(), isTTY: false });
  return { code, out, err };
}

/** A copy of the sample with bundle.json changed by `edit` and files removed, re-manifested and re-signed as its author would. */
async function variant(name: string, edit: (m: Record<string, unknown>) => void, remove: string[] = []): Promise<string> {
  const dir = join(work, name);
  cpSync(sampleBundle, dir, { recursive: true });
  for (const r of remove) rmSync(join(dir, r), { recursive: true, force: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2));
  for (const args of [['manifest', dir], ['sign', dir, '--key', join(repoRoot, 'examples', 'keys', 'sample.key.pem')]]) {
    const r = await repro(...args);
    expect(r.code, `repro ${args[0]}: ${r.err}`).toBe(0);
  }
  return dir;
}

const evidence = (v: SessionVerdict, kind: string) => v.evidence.find((e) => e.kind === kind)!;

async function replayMax(session: string): Promise<void> {
  // One request at a time, as the incident's traffic came: latencies are each request's own.
  const r = await repro('replay', session, '--mode', 'max', '--concurrency', '1', '--json');
  expect(r.code, r.err).toBe(0);
}

async function verdictOf(session: string): Promise<SessionVerdict> {
  const r = await repro('verdict', session, '--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as SessionVerdict;
}

beforeAll(async () => {
  const off = await variant('flag-off', (m) => {
    const pricing = (m.services as Array<{ name: string; env: Record<string, string> }>).find((s) => s.name === 'pricing')!;
    pricing.env.NEW_PRICING = 'false';
    (m.provenance as { featureFlags: Record<string, boolean> }).featureFlags['new-pricing'] = false;
  });
  const noMetrics = await variant('bare', (m) => delete m.canary, ['metrics', 'traces']);
  await Promise.all([
    upFromPath({ bundlePath: sampleBundle, session: faithful, secrets, docker, stateDir: wb.stateDir, env, keys: [publicKey] }),
    upFromPath({ bundlePath: off, session: flagOff, secrets, docker, stateDir: wb.stateDir, env, keys: [publicKey] }),
    upFromPath({ bundlePath: noMetrics, session: bare, secrets, docker, stateDir: wb.stateDir, env, keys: [publicKey] }),
  ]);
});

afterAll(async () => {
  for (const s of [faithful, flagOff, bare]) await downSession(docker, wb.stateDir, s).catch(() => {});
  await removeSessions(docker, [faithful, flagOff, bare]);
  rmSync(work, { recursive: true, force: true });
  cleanup();
});

describe('the verdict on the sample incident', () => {
  it('exit codes: 1 with a JSON error for no such session, 2 for usage errors', async () => {
    const none = await repro('verdict', 'no-such-session-here', '--json');
    expect(none.code).toBe(1);
    expect(JSON.parse(none.out)).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('no-such-session-here') } });
    for (const args of [[], [faithful, 'extra'], [faithful, '--expect', 'maybe'], [faithful, '--frobnicate']]) {
      const r = await repro('verdict', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('Usage: repro verdict <session>');
    }
  });

  it('before any evidence: inconclusive, saying what is missing, and nothing recorded', async () => {
    const v = await verdictOf(faithful);
    expect(v).toMatchObject({ verdict: 'inconclusive', confidence: 'low', missing: ['symptoms', 'replay', 'metrics', 'traces', 'logs', 'runbook'] });
    expect(v.reasons).toEqual(['Not enough evidence yet: nothing from symptoms, replay, metrics, traces, logs, runbook.']);
    const db = openRecordDb(wb.stateDir);
    expect(db.events(db.requireSession(faithful).id, { kinds: ['verdict'] })).toEqual([]);
  });

  it('comes up and gets reproduced from its replay and metrics without a person; recorded, and time to reproduce ends there', async () => {
    await replayMax(faithful);
    const db = openRecordDb(wb.stateDir);
    const record = db.requireSession(faithful);
    // The replay itself settled the verdict into the record: nobody asked for it.
    const [settled] = db.events(record.id, { kinds: ['verdict'] });
    expect(settled!.data).toMatchObject({ verdict: 'reproduced', confidence: 'high', decidedBy: 'symptoms' });
    const summary = db.summary(record.id);
    expect(summary).toMatchObject({ verdict: 'reproduced', verdictSource: 'computed', computed: { verdict: 'reproduced', eventId: settled!.id } });
    expect(summary.timeToReproduceMs).toBe(settled!.at - summary.firstEventAt!);

    const v = await verdictOf(faithful);
    expect(Object.keys(v)).toEqual(expect.arrayContaining(['verdict', 'confidence', 'reasons', 'evidence']));
    expect(v.evidence.every((e) => Object.keys(e).includes('details'))).toBe(true);
    expect(v).toMatchObject({ verdict: 'reproduced', confidence: 'high', recordEvent: settled!.id, missing: ['traces', 'logs', 'runbook'] });
    expect(v.evidence.map((e) => [e.kind, e.verdict])).toEqual([
      ['symptoms', 'reproduced'],
      ['replay', 'reproduced'],
      ['metrics', 'reproduced'],
      ['traces', 'missing'],
      ['logs', 'missing'],
      ['runbook', 'missing'],
    ]);
    expect(evidence(v, 'replay').explanation).toBe("All 8 replayed requests got the recorded answer (noise aside), the incident's 2 failing responses (502) included.");
    expect(evidence(v, 'metrics').details).toMatchObject({ metrics: [{ name: 'http_p99_latency_seconds', verdict: 'like-canary', samples: 1 }, { name: 'http_5xx_ratio' }] });
    expect(v.reasons[0]).toMatch(/^Both of the incident's symptoms show again: “A cart with a discontinued SKU fails: checkout answers 502 "pricing failed"” on 2 of 2 requests/);
    expect(v.reasons[1]).toMatch(/^The reproduction behaves like the incident's canary on http_p99_latency_seconds/);
    // Asking again records nothing new.
    expect(db.events(record.id, { kinds: ['verdict'] })).toHaveLength(1);
    const human = await repro('verdict', faithful);
    expect(human.out).toMatch(new RegExp(`^Verdict for ${faithful}: REPRODUCED \\(high confidence\\)\\n`));
    expect(human.out).toMatch(/\n {2}Metrics {3}Reproduced {6}The reproduction behaves like the incident's canary/);
  });

  it('the same bundle with the bug’s flag turned off gets not-reproduced', async () => {
    await replayMax(flagOff);
    const v = await verdictOf(flagOff);
    expect(v.verdict).toBe('not-reproduced');
    expect(evidence(v, 'replay')).toMatchObject({
      verdict: 'not-reproduced',
      explanation: "None of the incident's 2 failing responses (502) came back: GET /cgi-bin/checkout?cart=legacy answered 200 where the incident answered 502 (and 1 more).",
    });
    const legacy = (evidence(v, 'symptoms').details as { symptoms: Array<{ outcome: string; example?: string }> }).symptoms[0]!;
    expect(legacy).toMatchObject({ outcome: 'not-shown', example: 'GET /cgi-bin/checkout?cart=legacy: status 200, no $.error' });
    expect(v.reasons.join(' ')).toMatch(/legacy/);
    // For CI: --expect fails (exit 1) when the verdict is another, still printing it; passes when it is the one named.
    const still = await repro('verdict', flagOff, '--expect', 'reproduced', '--json');
    expect(still.code).toBe(1);
    expect(JSON.parse(still.out)).toMatchObject({ session: flagOff, verdict: 'not-reproduced' });
    expect(still.err).toBe(`repro verdict: ${flagOff} is not-reproduced, not reproduced\n`);
    expect((await repro('verdict', flagOff, '--expect', 'not-reproduced')).code).toBe(0);

    // Its logs, compared by the logs area (recorded, then settled as the verdict's logs evidence): none of the incident's errors.
    const logs = await repro('logs', sampleBundle, '--compare', flagOff, '--json');
    expect(logs.code, logs.err).toBe(0);
    const compared = JSON.parse(logs.out) as { recordEvent: number; reproduced: unknown[]; missing: unknown[] };
    expect(compared.reproduced).toEqual([]);
    const after = await verdictOf(flagOff);
    expect(evidence(after, 'logs')).toMatchObject({ verdict: 'not-reproduced', recordEvents: [compared.recordEvent] });
    expect(after).toMatchObject({ verdict: 'not-reproduced', confidence: 'high' });
  });

  it('a bundle with no metrics or traces gets a verdict from what it has and says what is missing', async () => {
    await replayMax(bare);
    const v = await verdictOf(bare);
    expect(v).toMatchObject({ verdict: 'reproduced', missing: ['metrics', 'traces', 'logs', 'runbook'] });
    expect(evidence(v, 'metrics').explanation).toBe('The bundle has no canary metrics to compare the reproduction with.');
    expect(evidence(v, 'traces').explanation).toBe('The bundle has no traces to compare the reproduction with.');
    expect(v.reasons[1]).toBe('Nothing else confirms it yet (not available: metrics, traces, logs, runbook).');
    expect(v.confidence).toBe('medium');
  });

  it('traces sent to its receiver and a runbook expect step each add their evidence; the step run settles the verdict', async () => {
    const changes: RecordChangedEvent[] = [];
    const conn = wb.events.connect('watcher', (event, payload) => {
      if (event === 'recordChanged') changes.push(payload as RecordChangedEvent);
    });
    try {
      // The services' traces, as an instrumented build would export them (the incident's own shape).
      const info = await getSession(docker, wb.stateDir, faithful);
      const res = await fetch(`${info.agent.endpoints['otlp-receiver.otlpHost']}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: readFileSync(join(sampleBundle, 'traces', 'incident.otlp.json')) });
      expect(res.status).toBe(200);
      // Traces make no record event: asking again (the strip's Recompute) shows them.
      const withTraces = await callInProcess(wb, 'verdict.get', { session: faithful }, 'watcher');
      expect(evidence(withTraces, 'traces')).toMatchObject({ verdict: 'reproduced', explanation: expect.stringMatching(/^The reproduction's traces have the incident's calls and errors: 3 traces that matter/) });

      // A runbook step and its expectation (steps 1 and 2 of the sample's runbook): the run settles the verdict.
      const text = readFileSync(join(sampleBundle, 'runbook.md'), 'utf8');
      const run = await runOperationInProcess(wb, 'runbook.run', { session: faithful, text, from: 0, to: 2 }, 'watcher').end;
      expect(run.state).toBe('done');
      expect(changes.some((c) => c.session === faithful && c.kind === 'runbook')).toBe(true);
      // The step settled the verdict: the record's latest verdict is this one (a new event only when it says something new).
      const db = openRecordDb(wb.stateDir);
      const settled = db.events(db.requireSession(faithful).id, { kinds: ['verdict'] }).at(-1)!;
      const after = await callInProcess(wb, 'verdict.get', { session: faithful }, 'watcher');
      expect(after.recordEvent).toBe(settled.id);
      expect(evidence(after, 'runbook')).toMatchObject({ verdict: 'reproduced', explanation: "The runbook's expect step run in this session (step 2) passed." });
      expect(after.missing).toEqual(['logs']);
    } finally {
      conn.close();
    }
  });

  it('the logs comparison is the logs evidence: the incident\'s error templates logged again', async () => {
    const logs = await repro('logs', sampleBundle, '--compare', faithful, '--json');
    expect(logs.code, logs.err).toBe(0);
    const compared = JSON.parse(logs.out) as { recordEvent: number; reproduced: Array<{ template: string }>; missing: unknown[] };
    expect(compared.missing).toEqual([]);
    const v = await verdictOf(faithful);
    expect(evidence(v, 'logs')).toMatchObject({ verdict: 'reproduced', recordEvents: [compared.recordEvent], explanation: expect.stringMatching(/^The reproduction logged all \d+ error templates? of the incident/) });
    expect(v).toMatchObject({ verdict: 'reproduced', confidence: 'high', missing: [] });
  });

  it("a person's mark keeps the computed verdict it confirms or overrides, and the report opens with both", async () => {
    const v = await callInProcess(wb, 'verdict.get', { session: faithful }, 'watcher');
    const mark = await callInProcess(wb, 'record.mark', { session: faithful, verdict: 'not-reproducible', note: 'payments was stubbed', computedEvent: v.recordEvent! }, 'watcher');
    expect(mark).toMatchObject({ verdict: 'not-reproducible', agrees: false, computed: { eventId: v.recordEvent, verdict: 'reproduced', confidence: 'high' } });
    const db = openRecordDb(wb.stateDir);
    const summary = db.summary(db.requireSession(faithful).id);
    expect(summary).toMatchObject({ verdict: 'not-reproducible', verdictSource: 'person', computed: { verdict: 'reproduced' } });
    expect(summary.timeToReproduceMs).toBeUndefined();
    const md = (await repro('report', faithful, '--format', 'md')).out;
    const first = md.slice(md.indexOf('## Reproduction verdict'), md.indexOf('## Incident'));
    expect(md.indexOf('## Reproduction verdict')).toBeLessThan(md.indexOf('## Incident'));
    expect(first).toContain('**Not reproducible (marked by a person)**');
    expect(first).toContain('This overrides the computed verdict ("reproduced", high confidence). Note: payments was stubbed');
    expect(first).toMatch(/The workbench's verdict \(as of [^)]+\): Reproduced, high confidence\. Both of the incident's symptoms show again/);
    expect(first).toMatch(/\| Replay \| Reproduced \| All 8 replayed requests/);
  });
});
