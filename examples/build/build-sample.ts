// Builds examples/incident-checkout/, the sample incident bundle (INC-2041), byte for byte the
// same on every run:  npx tsx examples/build/build-sample.ts [--record] [--out DIR]
//
// --record brings the services up in Docker (flag on), sends the traffic plan and rewrites
// traffic/checkout.har with the real answers and timings. Timings differ run to run, so
// without --record the committed HAR is kept and everything else is regenerated from it.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { computeFileList } from '../../electron/services/bundles/manifest-files';
import { makeEnvelope } from '../../electron/services/bundles/signature';
import { bundleManifestSchema, type BundleManifest, type ServiceSpec } from '../../shared/bundle/manifest';
import { busyboxLayer } from './busybox-layer';
import { buildLayerTar, FIXED_EPOCH, writeImageArchive } from './image-archive';
import { paymentFixtures, paymentsHar } from './sample-fixtures';
import { sampleServiceImages } from './sample-images';
import { errorMetrics, latencyMetrics } from './sample-metrics';
import { sampleKeys } from './sample-sign';
import { startSampleEnvironment } from './sample-docker';
import { INCIDENT, readCatalogue, SAMPLE_SOURCE_DIR, TRAFFIC_START_MS } from './sample-story';
import { incidentTraces } from './sample-traces';
import { incidentLogs } from './sample-logs';
import { recordCheckoutTraffic, type HarEntry } from './sample-traffic';

const EXAMPLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_BUNDLE_DIR = join(EXAMPLES_DIR, 'incident-checkout');
export const KEYS_DIR = join(EXAMPLES_DIR, 'keys');
const TRAFFIC_FILE = 'traffic/checkout.har';

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

function services(ids: Record<string, string>): ServiceSpec[] {
  const httpd = (port: number) => ({ entrypoint: ['/bin/httpd'], command: ['-f', '-p', String(port), '-h', '/www'], workingDir: '/' });
  const health = (port: number) => ({ http: { port, path: '/cgi-bin/health' }, intervalMs: 250, timeoutMs: 30_000 });
  return [
    {
      name: 'checkout',
      image: { ref: 'shop/checkout:2.14.0', id: ids.checkout!, archive: 'images/checkout.tar' },
      ...httpd(8080),
      env: { PRICING_URL: 'http://pricing:9000', PAYMENTS_URL: 'http://payments.example.com' },
      secrets: [{ name: 'PAYMENT_KEY', required: true }],
      ports: [{ container: 8080, protocol: 'tcp', ingress: true }],
      healthcheck: health(8080),
      dependsOn: ['pricing'],
      resources: { memoryMb: 64, cpus: 0.5 },
    },
    {
      name: 'pricing',
      image: { ref: 'shop/pricing:2.14.0', id: ids.pricing!, archive: 'images/pricing.tar' },
      ...httpd(9000),
      // The feature flag of provenance.featureFlags["new-pricing"], as the service reads it.
      env: { NEW_PRICING: 'true' },
      ports: [{ container: 9000, protocol: 'tcp' }],
      healthcheck: health(9000),
      volumes: [{ snapshot: 'snapshots/pricing-data.tar', target: '/data', readOnly: true }],
      resources: { memoryMb: 64, cpus: 0.5 },
    },
  ];
}

function manifestOf(svcs: ServiceSpec[], files: BundleManifest['files']): BundleManifest {
  return {
    schema: 'repro.bundle/v1',
    incident: {
      id: INCIDENT.id,
      title: INCIDENT.title,
      severity: INCIDENT.severity,
      startedAt: INCIDENT.startedAt,
      detectedAt: INCIDENT.detectedAt,
      resolvedAt: INCIDENT.resolvedAt,
      summary:
        'pricing 2.14.0 on the canary track, with the new-pricing flag on, re-prices each cart line with its own lookup (~100 ms each) and fails carts that contain a discontinued SKU without a price. Checkout p99 rose from ~0.2 s to ~2 s on the canary and ~12% of canary checkouts answered 502 "pricing failed". Rolled back at 15:10.',
      // What the incident looked like from outside; the verdict looks for these first (docs/verdict.md).
      symptoms: [
        { name: 'A cart with a discontinued SKU fails: checkout answers 502 "pricing failed"', request: 'GET /cgi-bin/checkout?cart=legacy', service: 'checkout', status: 502, json: { path: '$.error', equals: 'pricing failed' } },
        { name: 'The 14-line cart takes over 1.4 s (one ~100 ms tier lookup per line)', request: 'GET /cgi-bin/checkout?cart=big', service: 'checkout', latencyMs: { above: 1400 } },
      ],
    },
    provenance: {
      source: { repo: 'shop/pricing', commit: '4f1c2e9a7b3d5f60812c4e6a8b0d2f4e6a8c0b1d', ref: 'v2.14.0' },
      build: { id: 'ci-8812', builder: 'ci', finishedAt: '2026-11-20T12:00:00Z' },
      deploy: { id: 'deploy-771', environment: 'prod-eu', at: '2026-11-20T13:55:00Z' },
      featureFlags: { 'new-pricing': true },
    },
    services: svcs,
    canary: {
      metrics: [
        { name: 'http_p99_latency_seconds', file: 'metrics/latency.json', direction: 'increase', critical: true, group: 'latency' },
        { name: 'http_5xx_ratio', file: 'metrics/errors.json', direction: 'increase', critical: true, group: 'errors' },
      ],
      selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
      groupWeights: { latency: 60, errors: 40 },
      thresholds: { pass: 95, marginal: 75 },
    },
    replay: { noise: { jsonPaths: ['$.servedAt'], headers: ['date', 'server'] } },
    files,
    createdAt: INCIDENT.createdAt,
    createdBy: 'repro-workbench examples/build/build-sample.ts',
  };
}

export async function buildSample(opts: { outDir?: string; record?: boolean; log?: (msg: string) => void } = {}): Promise<BundleManifest> {
  const out = opts.outDir ?? DEFAULT_BUNDLE_DIR;
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const trafficPath = join(out, TRAFFIC_FILE);
  const keptTraffic = existsSync(trafficPath) ? await readFile(trafficPath) : undefined;
  if (!opts.record && !keptTraffic) throw new Error(`${trafficPath} does not exist: run with --record (needs Docker) to record it`);

  // Start from an empty folder so no stale file ends up in the file list.
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const write = async (rel: string, data: string | Buffer) => {
    await mkdir(dirname(join(out, rel)), { recursive: true });
    await writeFile(join(out, rel), data);
  };

  const base = busyboxLayer();
  const ids: Record<string, string> = {};
  for (const image of sampleServiceImages(base)) {
    ids[image.name] = (await writeImageArchive(join(out, 'images', `${image.name}.tar`), image.spec)).id;
    log(`images/${image.name}.tar  ${ids[image.name]}`);
  }
  await write('snapshots/pricing-data.tar', buildLayerTar({ files: [{ path: 'prices.json', mode: 0o644, content: readCatalogue().text }] }, FIXED_EPOCH));
  await write('fixtures/payments.har', json(paymentsHar(paymentFixtures(), TRAFFIC_START_MS + 400)));
  await write('runbook.md', await readFile(join(SAMPLE_SOURCE_DIR, 'runbook.md')));
  // A game day scenario (docs/gamedays.md) shipped with the incident, listed in `files` like the rest.
  await write('gamedays/pricing-outage.yaml', await readFile(join(SAMPLE_SOURCE_DIR, 'gamedays', 'pricing-outage.yaml')));
  const svcs = services(ids);

  let traffic: Buffer;
  if (opts.record) {
    log('recording traffic against the real services (NEW_PRICING=true)...');
    const env = await startSampleEnvironment({ bundleDir: out, manifest: manifestOf(svcs, []), secrets: { PAYMENT_KEY: 'sk_test_sample_recording' } });
    try {
      traffic = Buffer.from(json(await recordCheckoutTraffic(env.ingress.checkout!)));
    } finally {
      await env.stop();
    }
  } else {
    traffic = keptTraffic!;
  }
  await write(TRAFFIC_FILE, traffic);
  const har = JSON.parse(traffic.toString('utf8')) as { log: { entries: HarEntry[] } };
  await write('traces/incident.otlp.json', json(incidentTraces(har)));
  const logs = incidentLogs(har);
  await write('logs/checkout.jsonl', logs.checkout);
  await write('logs/pricing.jsonl', logs.pricing);
  await write('metrics/latency.json', json(latencyMetrics()));
  await write('metrics/errors.json', json(errorMetrics()));

  const manifest = manifestOf(svcs, await computeFileList(out));
  const checked = bundleManifestSchema.safeParse(manifest);
  if (!checked.success) throw new Error(`the sample manifest does not match the bundle schema: ${JSON.stringify(checked.error.issues, null, 2)}`);
  const manifestBytes = Buffer.from(json(manifest));
  await write('bundle.json', manifestBytes);

  const keys = await sampleKeys(KEYS_DIR);
  if (keys.created) log(`created a new sample key pair in ${KEYS_DIR} (commit both files)`);
  await write('attestations/bundle.dsse.json', json(makeEnvelope(manifestBytes, keys.privatePem, 'examples/keys/sample.key.pem').envelope));
  log(`wrote ${out}`);
  return manifest;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { record: { type: 'boolean', default: false }, out: { type: 'string' } } });
  buildSample({ record: values.record ?? false, ...(values.out ? { outDir: resolve(values.out) } : {}) }).catch((err: unknown) => {
    process.stderr.write(`build-sample: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
