// `repro traffic add` on a bundle folder: a real producer's HAR goes in redacted and listed, the
// manifest keeps everything else, nothing is overwritten, and a refused import leaves the bundle
// as it was.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import { addTraffic, harFileSource, trafficFileName } from '../../../electron/services/replay/traffic-add';
import { loadTraffic } from '../../../electron/services/replay/traffic';
import { FAKE_TOKEN } from '../../fixtures/har/producers/plans';

const repo = join(__dirname, '../../..');
const producers = join(repo, 'test/fixtures/har/producers');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function sampleCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'traffic-add-'));
  dirs.push(d);
  cpSync(join(repo, 'examples/incident-checkout/bundle.json'), join(d, 'bundle.json'));
  cpSync(join(repo, 'examples/incident-checkout/traffic'), join(d, 'traffic'), { recursive: true });
  cpSync(join(repo, 'examples/incident-checkout/attestations'), join(d, 'attestations'), { recursive: true });
  return d;
}

describe('traffic add', () => {
  it('adds a DevTools export redacted, listed with its digest, replayable, the rest of bundle.json untouched', async () => {
    const root = sampleCopy();
    const before = JSON.parse(readFileSync(join(root, 'bundle.json'), 'utf8'));
    const r = await addTraffic({ bundleRoot: root, source: await harFileSource(join(producers, 'sample-devtools.har')), as: 'From DevTools.har'.replace(/ /g, '-') });
    expect(r).toMatchObject({ path: 'traffic/From-DevTools.har', entries: 8, skipped: 2, attachmentsInlined: 0, signatureInvalidated: true });
    expect(r.redactions).toEqual(
      expect.arrayContaining([
        { location: 'request.header', name: 'authorization', reason: 'credential header', count: 1 },
        expect.objectContaining({ location: 'request.header', name: 'Cookie', reason: 'cookie header' }),
      ]),
    );
    const written = readFileSync(join(root, r.path), 'utf8');
    expect(written).not.toContain(FAKE_TOKEN);
    expect(written).not.toContain('s3ss10n-fake-value');
    expect(written).toContain('Bearer [redacted]');
    const after = JSON.parse(readFileSync(join(root, 'bundle.json'), 'utf8'));
    expect({ ...after, files: undefined }).toEqual({ ...before, files: undefined });
    expect(after.files.map((f: { path: string }) => f.path)).toEqual([...before.files.map((f: { path: string }) => f.path), r.path].sort());
    // What replay reads: both files, integrity checked, the added one's failed entries skipped.
    const traffic = await loadTraffic(root, after);
    expect(traffic.files).toEqual(['traffic/From-DevTools.har', 'traffic/checkout.har']);
    expect(traffic.skipped.map((s) => s.reason)).toEqual(['net::ERR_ABORTED', 'net::ERR_CONNECTION_REFUSED']);
    expect(readdirSync(join(root, 'traffic')).sort()).toEqual(['From-DevTools.har', 'checkout.har']); // no temp files left
  });

  it('refuses what it cannot do without changing the bundle: an existing name, a broken HAR, a missing attached body, a non-folder', async () => {
    const root = sampleCopy();
    const manifest = readFileSync(join(root, 'bundle.json'), 'utf8');
    await expect(addTraffic({ bundleRoot: root, source: await harFileSource(join(producers, 'sample-polly.har')), as: 'checkout' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/traffic\/checkout\.har is already in the bundle/) });
    await expect(addTraffic({ bundleRoot: root, source: { fileName: 'bad.har', text: JSON.stringify({ log: { entries: [{ startedDateTime: 'x', request: { method: 'GET', url: 'nope' }, response: { status: 200 } }] } }) } })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/bad\.har cannot be replayed:\n {2}log\.entries\[0\]\.startedDateTime: .*\n {2}log\.entries\[0\]\.request\.url: expected an absolute http\(s\) URL/),
    });
    const attach = { log: { entries: [{ startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'GET', url: 'http://127.0.0.1:1/x', headers: [] }, response: { status: 200, headers: [], content: { size: 3, mimeType: 'text/plain', _file: 'abc.txt' } } }] } };
    await expect(addTraffic({ bundleRoot: root, source: { fileName: 'pw.har', text: JSON.stringify(attach) } })).rejects.toThrow(/keeps 1 body in files beside it \(Playwright's attach mode\) that are not there: abc\.txt/);
    const inlined = await addTraffic({ bundleRoot: root, source: { fileName: 'pw.har', text: JSON.stringify(attach), attachment: (n) => (n === 'abc.txt' ? new TextEncoder().encode('abc') : undefined) }, fixture: true });
    expect(inlined).toMatchObject({ path: 'fixtures/pw.har', attachmentsInlined: 1 });
    expect(JSON.parse(readFileSync(join(root, 'fixtures/pw.har'), 'utf8')).log.entries[0].response.content).toEqual({ size: 3, mimeType: 'text/plain', text: 'abc' });
    await expect(addTraffic({ bundleRoot: join(root, 'bundle.json'), source: await harFileSource(join(producers, 'sample-polly.har')) })).rejects.toMatchObject({ code: 'not_found' });
    expect(() => trafficFileName('../evil', 'x.har')).toThrow(/cannot name a file in the bundle/);
    // Only the fixture went in.
    expect(JSON.parse(readFileSync(join(root, 'bundle.json'), 'utf8')).files.length).toBe(JSON.parse(manifest).files.length + 1);
    expect(existsSync(join(root, 'traffic', 'bad.har'))).toBe(false);
  });

  it('the CLI prints what it did, or one JSON error document', async () => {
    const root = sampleCopy();
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: () => {}, env: process.env, cwd: repo, isTTY: false };
    expect(await main(['traffic', 'add', root, join(producers, 'sample-mitmproxy.har')], io)).toBe(0);
    expect(out).toContain('added traffic/sample-mitmproxy.har: 7 requests to replay');
    expect(out).toContain('note: attestations/bundle.dsse.json no longer matches; re-sign with repro sign');
    out = '';
    expect(await main(['traffic', 'add', root, join(producers, 'sample-mitmproxy.har'), '--json'], io)).toBe(1);
    expect(JSON.parse(out)).toEqual({ error: { code: 'conflict', message: expect.stringMatching(/already in the bundle/) } });
    out = '';
    expect(await main(['traffic', 'remove', root, '--json'], io)).toBe(2);
    expect(JSON.parse(out).error.code).toBe('invalid_argument');
  });
});
