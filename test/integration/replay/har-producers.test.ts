// The HAR files people actually have, replayed against a running session of the sample incident
// without editing them: Playwright's recordHar (embed and attach, recorded here, in this test,
// against the session), and the committed recordings of Chromium DevTools' HAR writer,
// mitmproxy's har_dump.py and Polly.JS (test/fixtures/har/producers/README.md), added with
// `repro traffic add`. Zero false mismatches; failed entries skipped with their reason; hosts
// (127.0.0.1:PORT) sent to the ingress service; a HAR changed after the fact refused.
// Playwright is also recorded against the loopback target for the shapes the session cannot
// produce (a body cut off after its headers, gzip over text that looks like hex).
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import type { ReplayReport } from '../../../shared/replay/report';
import { main } from '../../../electron/cli/main';
import { createDockerClient } from '../../../electron/services/docker-engine';
import { computeFileList } from '../../../electron/services/bundles/manifest-files';
import { downSession, getSession, upFromPath } from '../../../electron/services/environments';
import { executeReplay } from '../../../electron/services/replay/engine';
import { FAKE_TOKEN, LOOPBACK_PLAN, runPlanInPage, SAMPLE_PLAN, type Plan } from '../../fixtures/har/producers/plans';
import { startTargetServer, targetBundleManifest, targetSession, type TargetServer } from '../../fixtures/har/producers/target-server';
import { removeSessions, repoRoot, sampleBundle, tempHome, uniqueSession } from '../environments/helpers';

const docker = createDockerClient();
const home = tempHome();
const name = uniqueSession('har');
const env = { ...process.env, REPRO_HOME: home.home, REPRO_SECRET_PAYMENT_KEY: 'sk_test_har' };
const producers = join(repoRoot, 'test', 'fixtures', 'har', 'producers');
const work = mkdtempSync(join(tmpdir(), 'har-producers-it-'));
const bundle = join(work, 'bundle');
let browser: Browser;
let target: TargetServer;
let ingress = '';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env, cwd: work, isTTY: false });
  return { code, out, err };
}

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Playwright's recordHar, the way a test suite records one: a page on `base` runs the plan. */
async function recordWithPlaywright(base: string, plan: Plan, content: 'embed' | 'attach', dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `playwright-${content}.har`);
  const context = await browser.newContext({ recordHar: { path, content } });
  const page = await context.newPage();
  await page.goto(base + plan.page);
  await page.evaluate(runPlanInPage, { base, plan, refusedUrl: `http://127.0.0.1:${await closedPort()}/refused`, token: FAKE_TOKEN });
  await context.close(); // writes the HAR
  return path;
}

const bySource = (r: ReplayReport) => {
  const out: Record<string, { outcomes: string[]; problems: string[] }> = {};
  for (const x of r.results) {
    const file = x.source.split('#')[0]!;
    out[file] ??= { outcomes: [], problems: [] };
    out[file].outcomes.push(x.outcome);
    if (x.outcome !== 'matched') out[file].problems.push(`${x.source} ${x.method} ${x.url}: ${x.error ?? x.diff}`);
  }
  return out;
};

beforeAll(async () => {
  // A copy of the sample to add traffic to (unsigned: adding a HAR changes bundle.json).
  cpSync(sampleBundle, bundle, { recursive: true });
  rmSync(join(bundle, 'attestations'), { recursive: true, force: true });
  const [launched, started] = await Promise.all([
    chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] }),
    startTargetServer(),
    upFromPath({ bundlePath: bundle, session: name, secrets: { env: { REPRO_SECRET_PAYMENT_KEY: 'sk_test_har' } }, docker, stateDir: home.stateDir, env }),
  ]);
  browser = launched;
  target = started;
  const session = await getSession(docker, home.stateDir, name);
  ingress = session.services.find((s) => s.name === 'checkout')!.endpoints[0]!.url;
});

afterAll(async () => {
  await browser?.close();
  await target?.close();
  await downSession(docker, home.stateDir, name).catch(() => {});
  await removeSessions(docker, [name]);
  home.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('HAR from real producers against a session of the sample incident', () => {
  it('Playwright (embed and attach), DevTools, mitmproxy and Polly recordings replay with zero false mismatches, unedited', async () => {
    const embed = await recordWithPlaywright(ingress, SAMPLE_PLAN, 'embed', join(work, 'pw-embed'));
    await recordWithPlaywright(ingress, SAMPLE_PLAN, 'attach', join(work, 'pw-attach'));

    // Playwright's embed HAR and the committed recordings go in with traffic add (redacted, listed).
    for (const [file, as] of [
      [embed, 'playwright-embed'],
      [join(producers, 'sample-devtools.har'), 'devtools'],
      [join(producers, 'sample-mitmproxy.har'), 'mitmproxy'],
      [join(producers, 'sample-polly.har'), 'polly'],
    ] as const) {
      const added = await cli(['traffic', 'add', bundle, file, '--as', as, '--json']);
      expect(added.code, added.out + added.err).toBe(0);
      const doc = JSON.parse(added.out);
      expect(doc.path).toBe(`traffic/${as}.har`);
      // Every producer recorded the plan's cookie; the one credentialed request its bearer token.
      expect(doc.redactions.map((r: { name: string }) => r.name.toLowerCase())).toEqual(expect.arrayContaining(['cookie', 'authorization']));
    }
    expect(readFileSync(join(bundle, 'traffic', 'devtools.har'), 'utf8')).not.toContain(FAKE_TOKEN);

    // Playwright's attach HAR is copied in as it is, with its body files, and listed by repro manifest:
    // replay reads the bodies beside it.
    for (const f of readdirSync(join(work, 'pw-attach'))) copyFileSync(join(work, 'pw-attach', f), join(bundle, 'traffic', f));
    expect((await cli(['manifest', bundle])).code).toBe(0);
    expect(readFileSync(join(bundle, 'traffic', 'playwright-attach.har'), 'utf8')).toContain('"_file"');

    const run = await cli(['replay', name, '--mode', 'max', '--concurrency', '4', '--json']);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out) as ReplayReport;
    const files = bySource(report);
    expect(Object.keys(files).sort()).toEqual(['traffic/checkout.har', 'traffic/devtools.har', 'traffic/mitmproxy.har', 'traffic/playwright-attach.har', 'traffic/playwright-embed.har', 'traffic/polly.har']);
    for (const [file, f] of Object.entries(files)) expect(f.problems, file).toEqual([]);
    expect(report).toMatchObject({ mismatched: 0, errors: 0, successRate: 1 });
    // Failed entries: Playwright's status -1 and DevTools' status 0, each with the producer's reason.
    const reasons = report.skipped.map((s) => `${s.source.split('#')[0]} ${s.reason}`).sort();
    expect(reasons).toEqual([
      'traffic/devtools.har net::ERR_ABORTED',
      'traffic/devtools.har net::ERR_CONNECTION_REFUSED',
      'traffic/playwright-attach.har net::ERR_ABORTED',
      'traffic/playwright-attach.har net::ERR_CONNECTION_REFUSED',
      'traffic/playwright-embed.har net::ERR_ABORTED',
      'traffic/playwright-embed.har net::ERR_CONNECTION_REFUSED',
    ]);
    // The recorded 127.0.0.1:PORT hosts went to the ingress service, said once.
    expect(report.routes.filter((r) => r.via === 'ingress').every((r) => r.service === 'checkout' && /^127\.0\.0\.1:\d+$/.test(r.host))).toBe(true);
    expect(report.routes).toContainEqual({ host: 'checkout:8080', service: 'checkout', via: 'service-name' });
    expect(report.notices.filter((n) => n.includes('ingress service checkout'))).toHaveLength(1);
    expect(report.notices.some((n) => /^Skipped 6 requests that failed when recorded/.test(n))).toBe(true);
  });

  it('refuses a HAR edited after bundle.json was written, and one it does not list, with file and reason (--json: one error document)', async () => {
    const file = join(bundle, 'traffic', 'polly.har');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"status": 402', '"status": 200'));
    try {
      const r = await cli(['replay', name, '--mode', 'max', '--json']);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.out);
      expect(doc.error.code).toBe('bundle_invalid');
      expect(doc.error.message).toMatch(/traffic\/polly\.har: changed since bundle\.json was written .*refusing to replay it/);
    } finally {
      writeFileSync(file, original);
    }
    copyFileSync(join(producers, 'sample-polly.har'), join(bundle, 'traffic', 'stray.har'));
    try {
      const r = await cli(['replay', name, '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).error.message).toMatch(/traffic\/stray\.har: not listed in bundle\.json/);
    } finally {
      rmSync(join(bundle, 'traffic', 'stray.har'));
    }
  });

  it('--host-map sends a recorded host to the service it names', async () => {
    const session = await getSession(docker, home.stateDir, name);
    const entries = (await import('../../../electron/services/replay/traffic')).loadTraffic;
    const traffic = await entries(session.bundleRoot, JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')) as BundleManifest);
    const one = traffic.entries.filter((e) => e.source.startsWith('traffic/mitmproxy.har')).slice(0, 2);
    const host = new URL(one[0]!.request.url).host;
    const manifest = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8')) as BundleManifest;
    const { report } = await executeReplay({ session, bundle: { root: bundle, manifest }, entries: one, mode: 'max', hostMap: [`${host}=pricing`] });
    expect(report.routes).toEqual([{ host, service: 'pricing', via: 'host-map' }]);
    expect(report.hostMap).toEqual([`${host}=pricing`]);
    // pricing has no /cgi-bin/checkout: the answers say it went there.
    expect(report.results.map((r) => r.status)).toEqual([404, 404]);
  });
});

describe('Playwright recordHar against the loopback target', () => {
  it('a body cut off after its headers is compared on status and content-type only; gzip over hex-looking text matches', async () => {
    const manifest = targetBundleManifest();
    const root = join(work, 'loopback-bundle');
    mkdirSync(join(root, 'traffic'), { recursive: true });
    // embed copied in as it is; attach imported with traffic add, which takes its body files in.
    const embed = await recordWithPlaywright(target.url, LOOPBACK_PLAN, 'embed', join(work, 'loopback-embed'));
    copyFileSync(embed, join(root, 'traffic', 'playwright-embed.har'));
    manifest.files = await computeFileList(root);
    writeFileSync(join(root, 'bundle.json'), JSON.stringify(manifest, null, 2));
    const attach = await recordWithPlaywright(target.url, LOOPBACK_PLAN, 'attach', join(work, 'loopback-attach'));
    const added = await cli(['traffic', 'add', root, attach, '--json']);
    expect(added.code, added.out).toBe(0);
    expect(JSON.parse(added.out)).toMatchObject({ path: 'traffic/playwright-attach.har', attachmentsInlined: 8 });
    expect(readdirSync(join(root, 'traffic')).sort()).toEqual(['playwright-attach.har', 'playwright-embed.har']);
    Object.assign(manifest, JSON.parse(readFileSync(join(root, 'bundle.json'), 'utf8')));
    const session = targetSession(target, 'loopback');
    const { report } = await executeReplay({ session, bundle: { root, manifest }, mode: 'max', concurrency: 4 });
    expect(report.results.filter((r) => r.outcome !== 'matched').map((r) => `${r.source} ${r.url}: ${r.error ?? r.diff}`)).toEqual([]);
    for (const content of ['embed', 'attach']) {
      const mine = report.results.filter((r) => r.source.startsWith(`traffic/playwright-${content}.har`));
      const stream = mine.find((r) => r.url.endsWith('/stream'))!;
      expect(stream, content).toMatchObject({ outcome: 'matched', status: 200 });
      expect(stream.note).toMatch(/compared status and content-type only/);
      for (const p of ['/hex', '/digits', '/png', '/echo']) expect(mine.find((r) => r.url.endsWith(p)), `${content} ${p}`).toMatchObject({ outcome: 'matched' });
      expect(mine.find((r) => r.url.endsWith('/hex'))!.note).toBeUndefined();
    }
    expect(report.bodiesNotRecorded).toBe(2);
    expect(report.skipped.map((s) => s.reason)).toEqual(['net::ERR_CONNECTION_REFUSED', 'net::ERR_CONNECTION_REFUSED']);
  });
});
