// HAR files as real producers wrote them (test/fixtures/har/producers/README.md: Chromium
// DevTools' HAR writer, mitmproxy's har_dump.py, Polly.JS 6), recorded against the loopback
// target server and replayed against it again here: no false mismatch, failed entries skipped
// with the producer's reason, bodies nobody kept compared on status and content-type only, hosts
// that are not service names sent to the ingress service, and each HAR checked against bundle.json.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { readHar } from '../../../shared/replay/har';
import { computeFileList } from '../../../electron/services/bundles/manifest-files';
import { executeReplay } from '../../../electron/services/replay/engine';
import { startTargetServer, targetBundleManifest, targetSession, type TargetServer } from '../../fixtures/har/producers/target-server';

const producers = join(__dirname, '../../fixtures/har/producers');
const PRODUCERS = ['devtools', 'mitmproxy', 'polly'] as const;
let target: TargetServer;
const dirs: string[] = [];

beforeAll(async () => {
  target = await startTargetServer();
});
afterAll(async () => {
  await target.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A bundle folder holding the given files under traffic/, with bundle.json listing them. */
async function bundleWith(files: Record<string, string>): Promise<{ root: string; manifest: BundleManifest }> {
  const root = mkdtempSync(join(tmpdir(), 'har-producers-'));
  dirs.push(root);
  mkdirSync(join(root, 'traffic'));
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(root, 'traffic', name));
  const manifest = { ...targetBundleManifest(), files: await computeFileList(root) };
  writeFileSync(join(root, 'bundle.json'), JSON.stringify(manifest, null, 2));
  return { root, manifest };
}

const session = () => targetSession(target, 'producers');

describe('HAR files from real producers', () => {
  it('reads each as written: failed entries skipped with the reason, unkept bodies marked, compressed and hex-looking bodies right', () => {
    const read = (p: string) => readHar(readFileSync(join(producers, `loopback-${p}.har`), 'utf8'), `traffic/${p}.har`);
    const devtools = read('devtools');
    // DevTools writes a refused connection as status 0 with _error.
    expect(devtools.skipped).toEqual([{ source: 'traffic/devtools.har#9', method: 'GET', url: expect.stringMatching(/\/refused$/), reason: 'net::ERR_CONNECTION_REFUSED' }]);
    const stream = devtools.entries.find((e) => e.request.url.endsWith('/stream'))!;
    expect(stream.response.bodyNotRecorded).toMatch(/cut off when recorded \(net::ERR_ABORTED\)/);
    for (const p of PRODUCERS) {
      const { entries } = read(p);
      const hex = entries.find((e) => e.request.url.endsWith('/hex'))!;
      const digits = entries.find((e) => e.request.url.endsWith('/digits'))!;
      // DevTools and mitmproxy keep `content-encoding: gzip` over decoded text; Polly keeps the gzip bytes.
      // The header alone made `cafe` and `1234` read as hex: the literal text is kept beside it.
      expect([hex.response.bodyForm, digits.response.bodyForm]).toEqual(p === 'polly' ? ['base64', 'base64'] : ['hex', 'hex']);
      if (p !== 'polly') expect([hex, digits].map((e) => new TextDecoder().decode(e.response.bodyAsText))).toEqual(['cafe', '1234']);
    }
  });

  it.each(PRODUCERS)('%s: replays against the target with no false mismatch', async (p) => {
    const bundle = await bundleWith({ [`${p}.har`]: join(producers, `loopback-${p}.har`) });
    const { report } = await executeReplay({ session: session(), bundle, mode: 'max', concurrency: 4 });
    const problems = report.results.filter((r) => r.outcome !== 'matched').map((r) => `${r.source} ${r.url}: ${r.error ?? r.diff}`);
    expect(problems).toEqual([]);
    expect(report.errors).toBe(0);
    expect(report.successRate).toBe(1);
    expect(report.routes).toEqual([{ host: new URL(report.results[0]!.url).host, service: 'web', via: 'ingress' }]);
    expect(report.notices.filter((n) => /ingress service web/.test(n))).toHaveLength(1);
    if (p === 'devtools') {
      expect(report).toMatchObject({ total: 9, sent: 9, matched: 9, bodiesNotRecorded: 1 });
      expect(report.skipped.map((s) => s.reason)).toEqual(['net::ERR_CONNECTION_REFUSED']);
      expect(report.notices).toContain('Skipped 1 request that failed when recorded: net::ERR_CONNECTION_REFUSED (1).');
      const stream = report.results.find((r) => r.url.endsWith('/stream'))!;
      expect(stream).toMatchObject({ outcome: 'matched', status: 200 });
      expect(stream.note).toMatch(/body was not recorded|cut off.*compared status and content-type only/);
    } else {
      expect(report).toMatchObject({ total: 7, matched: 7, bodiesNotRecorded: 0, skipped: [] });
    }
  });

  it('refuses a HAR changed after bundle.json was written, and one bundle.json does not list, naming file and reason', async () => {
    const bundle = await bundleWith({ 'a.har': join(producers, 'loopback-polly.har') });
    const harPath = join(bundle.root, 'traffic', 'a.har');
    writeFileSync(harPath, readFileSync(harPath, 'utf8').replace('"status": 404', '"status": 200'));
    await expect(executeReplay({ session: session(), bundle, mode: 'max' })).rejects.toMatchObject({
      code: 'bundle_invalid',
      message: expect.stringMatching(/traffic\/a\.har: changed since bundle\.json was written \(sha256 [0-9a-f]{12}…, bundle\.json says [0-9a-f]{12}…\); refusing to replay it/),
    });
    const clean = await bundleWith({ 'a.har': join(producers, 'loopback-polly.har') });
    copyFileSync(join(producers, 'loopback-mitmproxy.har'), join(clean.root, 'traffic', 'extra.har'));
    const err = await executeReplay({ session: session(), bundle: clean, mode: 'max' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bundle_invalid', message: expect.stringMatching(/traffic\/extra\.har: not listed in bundle\.json, so nothing vouches for it; refusing to replay it/) });
    expect((err as { details: { problems: { code: string; path: string }[] } }).details.problems).toEqual([expect.objectContaining({ code: 'unlisted_file', path: 'traffic/extra.har' })]);
  });

  it('says plainly when there is nothing to replay: a notice, rate n/a, no error', async () => {
    const empty = await bundleWith({});
    const { report } = await executeReplay({ session: session(), bundle: empty, mode: 'max' });
    expect(report).toMatchObject({ total: 0, sent: 0, successRate: null, cancelled: false });
    expect(report.notices).toEqual(['Nothing to replay: the bundle has no traffic/*.har files. Add one with repro traffic add.']);
    const onlyFailed = join(empty.root, 'only-failed.har');
    const doc = JSON.parse(readFileSync(join(producers, 'loopback-devtools.har'), 'utf8'));
    doc.log.entries = doc.log.entries.filter((e: { response: { status: number } }) => e.response.status === 0);
    writeFileSync(onlyFailed, JSON.stringify(doc));
    const failedOnly = await bundleWith({ 'f.har': onlyFailed });
    const r2 = (await executeReplay({ session: session(), bundle: failedOnly, mode: 'max' })).report;
    expect(r2).toMatchObject({ total: 0, successRate: null });
    expect(r2.notices[0]).toBe('Nothing to replay: all 1 recorded requests failed when they were recorded (no answer to compare).');
  });
});
