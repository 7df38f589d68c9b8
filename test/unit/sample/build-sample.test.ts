import { createHash, createPublicKey, verify } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleManifestSchema, type BundleManifest } from '../../../shared/bundle/manifest';
import { buildSample, DEFAULT_BUNDLE_DIR, KEYS_DIR } from '../../../examples/build/build-sample';
import { BUSYBOX_LABEL, busyboxDigest } from '../../../examples/build/sample-images';
import { pae } from '../../../examples/build/sample-sign';

const COMMITTED = DEFAULT_BUNDLE_DIR;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function digests(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out[relative(root, full)] = sha256(await readFile(full));
    }
  };
  await walk(root);
  return out;
}

/** A build folder seeded with the committed recording (a build without --record keeps it). */
async function buildInto(dir: string): Promise<void> {
  await cp(join(COMMITTED, 'traffic'), join(dir, 'traffic'), { recursive: true });
  await buildSample({ outDir: dir, log: () => {} });
}

describe('sample bundle build', () => {
  const tmp: string[] = [];
  let a = '';
  let b = '';
  let manifest: BundleManifest;

  beforeAll(async () => {
    a = await mkdtemp(join(tmpdir(), 'sample-a-'));
    b = await mkdtemp(join(tmpdir(), 'sample-b-'));
    tmp.push(a, b);
    await buildInto(a);
    await buildInto(b);
    manifest = bundleManifestSchema.parse(JSON.parse(await readFile(join(COMMITTED, 'bundle.json'), 'utf8')));
  }, 60_000);
  afterAll(async () => {
    for (const d of tmp) await rm(d, { recursive: true, force: true });
  });

  it('gives the same bytes on every build', async () => {
    const da = await digests(a);
    expect(Object.keys(da).sort()).toEqual(
      [
        'attestations/bundle.dsse.json', 'bundle.json', 'fixtures/payments.har', 'gamedays/pricing-outage.yaml', 'images/checkout.tar', 'images/pricing.tar',
        'logs/checkout.jsonl', 'logs/pricing.jsonl', 'metrics/errors.json', 'metrics/latency.json', 'runbook.md', 'snapshots/pricing-data.tar', 'traces/incident.otlp.json', 'traffic/checkout.har',
      ].sort(),
    );
    expect(await digests(b)).toEqual(da);
  });

  it('matches the committed bundle (rebuild with npm run build:sample after changing the sources)', async () => {
    const committed = await digests(COMMITTED);
    const rebuilt = await digests(a);
    // Images embed the machine's busybox; with a different busybox only those bytes (and the
    // manifest and signature that pin them) may differ.
    const sameBusybox = (await committedImageLabel()) === busyboxDigest();
    for (const [path, digest] of Object.entries(committed)) {
      if (!sameBusybox && /^(images\/|bundle\.json$|attestations\/)/.test(path)) continue;
      expect(`${path} ${rebuilt[path]}`).toBe(`${path} ${digest}`);
    }
  });

  it('has a manifest that passes the bundle schema and lists every other file with its digest', async () => {
    const files = await digests(COMMITTED);
    const listed = Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256]));
    const expected = Object.fromEntries(Object.entries(files).filter(([p]) => p !== 'bundle.json' && !p.startsWith('attestations/')));
    expect(listed).toEqual(expected);
    expect(manifest.provenance.featureFlags).toEqual({ 'new-pricing': true });
    const pricing = manifest.services.find((s) => s.name === 'pricing')!;
    expect(pricing.env).toEqual({ NEW_PRICING: 'true' });
    const checkout = manifest.services.find((s) => s.name === 'checkout')!;
    expect(checkout.secrets).toEqual([{ name: 'PAYMENT_KEY', required: true }]);
    expect(checkout.dependsOn).toEqual(['pricing']);
  });

  it('is signed with the published sample key over the exact bundle.json bytes', async () => {
    const envelope = JSON.parse(await readFile(join(COMMITTED, 'attestations/bundle.dsse.json'), 'utf8'));
    const manifestBytes = await readFile(join(COMMITTED, 'bundle.json'));
    const publicPem = await readFile(join(KEYS_DIR, 'sample.pub.pem'), 'utf8');
    const key = createPublicKey(publicPem);
    expect(envelope.payloadType).toBe('application/vnd.repro.bundle+json');
    expect(Buffer.from(envelope.payload, 'base64').equals(manifestBytes)).toBe(true);
    expect(envelope.signatures[0].keyid).toBe(sha256(key.export({ type: 'spki', format: 'der' })));
    const sig = Buffer.from(envelope.signatures[0].sig, 'base64');
    expect(verify(null, pae(envelope.payloadType, manifestBytes), key, sig)).toBe(true);
    const tampered = Buffer.from(manifestBytes);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    expect(verify(null, pae(envelope.payloadType, tampered), key, sig)).toBe(false);
  });

  it('tells one story: the recorded traffic shows the 502 and the slow path, the traces an error, the metrics a regression', async () => {
    const har = JSON.parse(await readFile(join(COMMITTED, 'traffic/checkout.har'), 'utf8'));
    const byCart = (cart: string) => har.log.entries.filter((e: { request: { url: string } }) => e.request.url.endsWith(`cart=${cart}`));
    for (const e of byCart('legacy')) {
      expect(e.response.status).toBe(502);
      expect(JSON.parse(e.response.content.text)).toEqual({ error: 'pricing failed', cart: 'legacy' });
    }
    // 14 lines x 100 ms of per-line lookups is a floor no machine can beat.
    for (const e of byCart('big')) expect(e.time).toBeGreaterThanOrEqual(1400);
    for (const e of har.log.entries) expect(new URL(e.request.url).host).toBe('checkout:8080');

    const otlp = JSON.parse(await readFile(join(COMMITTED, 'traces/incident.otlp.json'), 'utf8'));
    const spans = otlp.resourceSpans.flatMap((rs: { scopeSpans: Array<{ spans: unknown[] }> }) => rs.scopeSpans.flatMap((ss) => ss.spans)) as Array<{ name: string; status: { code?: number } }>;
    expect(spans.some((s) => s.name === 'GET /cgi-bin/price' && s.status.code === 2)).toBe(true);
    expect(spans.filter((s) => s.name.startsWith('tier lookup line')).length).toBeGreaterThan(14);

    const mean = (file: string, track: string) => {
      const doc = JSON.parse(file);
      const series = doc.data.result.find((r: { metric: Record<string, string> }) => r.metric.track === track);
      const values = series.values.map((v: [number, string]) => Number(v[1]));
      return values.reduce((x: number, y: number) => x + y, 0) / values.length;
    };
    const latency = await readFile(join(COMMITTED, 'metrics/latency.json'), 'utf8');
    const errors = await readFile(join(COMMITTED, 'metrics/errors.json'), 'utf8');
    expect(mean(latency, 'canary')).toBeGreaterThan(5 * mean(latency, 'baseline'));
    expect(mean(errors, 'canary')).toBeGreaterThan(20 * mean(errors, 'baseline'));
  });
});

/** The busybox digest the committed checkout image was built from (its config label). */
async function committedImageLabel(): Promise<string | undefined> {
  const { Parser } = await import('tar');
  const bytes = await readFile(join(COMMITTED, 'images/checkout.tar'));
  return new Promise((resolve, reject) => {
    let label: string | undefined;
    const parser = new Parser();
    parser.on('entry', (entry) => {
      if (!/^[a-f0-9]{64}\.json$/.test(entry.path)) return entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => (label = JSON.parse(Buffer.concat(chunks).toString()).config.Labels?.[BUSYBOX_LABEL]));
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(label));
    parser.end(bytes);
  });
}
