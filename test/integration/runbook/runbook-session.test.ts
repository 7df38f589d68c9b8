// The sample incident's runbook, run step by step against the sample brought up in the real
// engine: outputs land in the record and in the report; secrets never do.
import { readFileSync } from 'node:fs';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';
import { saveRunbook, openRunbookWorkspace, workspaceId } from '../../../electron/services/runbooks';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { downSession, execInService, upFromPath } from '../../../electron/services/environments';
import { closeRecordDbs, openRecordDb } from '../../../electron/services/record/db';
import { generateReport } from '../../../electron/services/record/report';
import { runRunbook, sessionReplayRunner } from '../../../electron/services/runbooks';
import type { RunAllResult } from '../../../shared/runbook';
import { removeSessions, sampleBundle, tempHome, uniqueSession } from '../environments/helpers';

const docker = createDockerClient();
const home = tempHome();
const session = uniqueSession('runbook');
const secretValue = `pk-${Math.random().toString(36).slice(2)}-do-not-store`;
const runbook = readFileSync(join(sampleBundle, 'runbook.md'), 'utf8');

describe('the sample runbook against a real session', () => {
  let result: RunAllResult;
  const streamed = new Map<number, string>();

  beforeAll(async () => {
    await upFromPath({
      bundlePath: sampleBundle,
      session,
      secrets: { env: { REPRO_SECRET_PAYMENT_KEY: secretValue } },
      docker,
      stateDir: home.stateDir,
      env: { ...process.env, REPRO_HOME: home.home },
    });
    result = await runRunbook({
      docker,
      stateDir: home.stateDir,
      session,
      text: runbook,
      record: openRecordDb(home.stateDir),
      replay: sessionReplayRunner(home.stateDir),
      onOutput: (i, chunk) => streamed.set(i, (streamed.get(i) ?? '') + chunk),
    });
  });

  afterAll(async () => {
    await downSession(docker, home.stateDir, session).catch(() => {});
    await removeSessions(docker, [session]);
    closeRecordDbs();
    home.cleanup();
  });

  it('runs every step in order and every expectation holds', () => {
    expect(result.steps.map((s) => `${s.index}:${s.kind}:${s.ok}`)).toEqual([
      '0:sh:true', '1:expect:true', '2:sh:true', '3:expect:true', '4:http:true', '5:expect:true',
      '6:sh:true', '7:expect:true', '8:http:true', '9:expect:true', '10:replay:true', '11:expect:true',
    ]);
    expect(result.ok).toBe(true);
    expect(result.steps[0]).toMatchObject({ service: 'pricing', exitCode: 0, output: 'NEW_PRICING=true\n' });
    expect(result.steps[4]).toMatchObject({ service: 'checkout', status: 502 });
    expect(JSON.parse(result.steps[4]!.output)).toEqual({ error: 'pricing failed', cart: 'legacy' });
    expect(result.steps[5]!.expectation!.results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(JSON.parse(result.steps[10]!.output)).toMatchObject({ total: 8, matched: 8, mismatched: 0 });
    // sh output was streamed while it ran, not only returned at the end.
    expect(streamed.get(0)).toContain('NEW_PRICING=true');
  });

  it('records each step run with its text, output, exit code and expectation', () => {
    const db = openRecordDb(home.stateDir);
    const rec = db.requireSession(session);
    const steps = db.events(rec.id, { kinds: ['step'] });
    expect(steps).toHaveLength(12);
    expect(steps[0]!.data).toMatchObject({ index: 0, kind: 'sh', service: 'pricing', text: 'env | grep NEW_PRICING', exitCode: 0, output: 'NEW_PRICING=true\n', ok: true });
    expect(steps[5]!.data).toMatchObject({ kind: 'expect', expectation: { ok: true } });
    expect(db.events(rec.id, { kinds: ['replay'] })).toHaveLength(1);
    expect(rec.context.incident?.id).toBe('INC-2041');
  });

  it('a failed expectation stops Run All, and secret values are scrubbed from outputs and the record', async () => {
    const text = [
      '```sh {service=checkout}',
      'echo "key=$PAYMENT_KEY"; env | grep PAYMENT_KEY',
      '```',
      '',
      '```expect',
      'contains "PAYMENT_KEY="',
      '```',
      '',
      '```http',
      'GET http://checkout/cgi-bin/checkout?cart=legacy',
      '```',
      '',
      '```expect',
      'status 200',
      '```',
      '',
      '```sh {service=pricing}',
      'echo never runs',
      '```',
    ].join('\n');
    const r = await runRunbook({ docker, stateDir: home.stateDir, session, text, record: openRecordDb(home.stateDir) });
    expect(r.ok).toBe(false);
    expect(r.stoppedAt).toBe(3);
    expect(r.steps).toHaveLength(4);
    expect(r.steps[3]!.expectation!.results[0]!.message).toBe('expected status 200, got 502');
    expect(r.steps[0]!.output).toBe('key=[redacted]\nPAYMENT_KEY=[redacted]\n');
    const db = openRecordDb(home.stateDir);
    const everything = JSON.stringify(db.events(db.requireSession(session).id));
    expect(everything).toContain('key=[redacted]');
    expect(everything).not.toContain(secretValue);
    expect(readFileSync(join(home.stateDir, 'record.sqlite')).includes(Buffer.from(secretValue))).toBe(false);
  });

  it('a lone expectation checks the recorded output of the step before it', async () => {
    const single = await runRunbook({ docker, stateDir: home.stateDir, session, text: runbook, record: openRecordDb(home.stateDir), from: 5, to: 6 });
    expect(single).toMatchObject({ ok: true, steps: [{ index: 5, kind: 'expect', ok: true }] });
  });

  it('repro runbook run --json: the edited copy wins over the bundle\'s, exit 1 on a failed step, exit 0 when all pass', async () => {
    const io = (): CliIo & { out: string; err: string } => {
      const o = { out: '', err: '', env: { ...process.env, REPRO_HOME: home.home }, cwd: process.cwd(), isTTY: false } as unknown as CliIo & { out: string; err: string };
      o.stdout = (t) => void (o.out += t);
      o.stderr = (t) => void (o.err += t);
      return o;
    };
    const workspace = workspaceId('INC-2041', readFileSync(join(sampleBundle, 'bundle.json'), 'utf8'));
    await openRunbookWorkspace(home.stateDir, workspace, runbook);
    await saveRunbook(home.stateDir, workspace, '```sh {service=pricing}\necho edited copy\n```\n\n```expect\ncontains "bundle copy"\n```\n');
    const failing = io();
    expect(await main(['runbook', 'run', sampleBundle, '--session', session, '--json'], failing)).toBe(1);
    const doc = JSON.parse(failing.out) as { ok: boolean; steps: Array<{ index: number; kind: string; service?: string; exitCode: number; output: string; ok: boolean; expectation?: { ok: boolean } }> };
    expect(doc.ok).toBe(false);
    expect(doc.steps).toEqual([
      { index: 0, kind: 'sh', service: 'pricing', exitCode: 0, output: 'edited copy\n', ok: true },
      expect.objectContaining({ index: 1, kind: 'expect', exitCode: 1, ok: false, expectation: expect.objectContaining({ ok: false }) }),
    ]);
    expect(failing.err).toContain('edited copy of the runbook');

    const passing = io();
    expect(await main(['runbook', 'run', sampleBundle, '--session', session, '--json', '--bundle-version'], passing)).toBe(0);
    expect(JSON.parse(passing.out)).toMatchObject({ ok: true, steps: expect.arrayContaining([expect.objectContaining({ index: 11, kind: 'expect', ok: true })]) });

    const rep = io();
    const file = join(home.home, 'report.html');
    expect(await main(['report', session, '-o', file, '--json'], rep)).toBe(0);
    expect(JSON.parse(rep.out)).toMatchObject({ file, format: 'html' });
    expect(readFileSync(file, 'utf8')).toContain('edited copy');

    // repro runbook reset forgets the edited copy: check (and run) use the bundle's again
    const reset = io();
    expect(await main(['runbook', 'reset', sampleBundle, '--json'], reset)).toBe(0);
    expect(JSON.parse(reset.out)).toMatchObject({ bundle: 'INC-2041', workspace, reset: true });
    const check = io();
    expect(await main(['runbook', 'check', sampleBundle, '--json'], check)).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ source: 'bundle', ok: true });
  });

  it('the report carries the steps with their outputs, the replay and the verdict', () => {
    const db = openRecordDb(home.stateDir);
    db.mark(session, 'reproduced', { note: '502 pricing failed on the legacy cart' });
    const md = generateReport(db, session, { format: 'md', generator: 'test' });
    expect(md).toContain('INC-2041');
    expect(md).toMatch(/## Runbook steps run[\s\S]*step 1: sh on pricing ok\n\n```sh\nenv \| grep NEW_PRICING\n```[\s\S]*```\nNEW_PRICING=true\n```/);
    expect(md).toContain('{"error":"pricing failed","cart":"legacy"}');
    expect(md).toMatch(/\| .* \| as-recorded \| 8\/8 \| 8 \| 0 \| 0 \| 100\.0% \|/);
    expect(md).toMatch(/Reproduced in \d/);
    expect(md).not.toContain(secretValue);
    const html = generateReport(db, session, { format: 'html', generator: 'test' });
    expect(html).toContain('{&quot;error&quot;:&quot;pricing failed&quot;,&quot;cart&quot;:&quot;legacy&quot;}');
  });
  // Processes a stopped or timed-out step left behind would change the reproduction.
  const sleepers = async () => (await execInService(docker, home.stateDir, session, 'pricing', ['ps'])).output.split('\n').filter((l) => /sleep 30[12]/.test(l));

  it('stopping a run kills the running sh step and everything it started, and says the run was cancelled', async () => {
    const controller = new AbortController();
    const text = '```sh {service=pricing}\nsleep 301 &\nsleep 302\necho never\n```\n\n```sh {service=pricing}\necho not reached\n```\n';
    let stepStarted!: () => void;
    const started = new Promise<void>((r) => (stepStarted = r));
    const run = runRunbook({ docker, stateDir: home.stateDir, session, text, signal: controller.signal, onOutput: () => {}, onStepStart: () => stepStarted() });
    await started;
    // Stop once both sleeps (and the shell running them) are up in the container.
    for (let i = 0; (await sleepers()).length < 2; i++) expect(i).toBeLessThan(200);
    controller.abort();
    const r = await run;
    expect(r).toMatchObject({ ok: false, cancelled: true, stoppedAt: 0 });
    expect(r.steps).toHaveLength(1);
    expect(r.steps[0]).toMatchObject({ exitCode: 130, ok: false });
    expect(r.steps[0]!.error).toMatch(/cancelled; stopped it and everything it started/);
    expect(r.steps[0]!.output).not.toContain('never');
    expect(await sleepers()).toEqual([]);
  });

  it('a step past its timeout is killed too, with the output it had', async () => {
    const text = '```sh {service=pricing timeout=1s}\necho before\nsleep 301 &\nsleep 302\n```\n';
    const r = await runRunbook({ docker, stateDir: home.stateDir, session, text });
    expect(r.steps[0]).toMatchObject({ exitCode: 124, ok: false, output: 'before\n' });
    expect(r.steps[0]!.error).toMatch(/did not finish within 1000 ms; stopped it/);
    expect(r.cancelled).toBeUndefined();
    expect(await sleepers()).toEqual([]);
  });
});
