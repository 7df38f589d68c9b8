// The sample incident must really reproduce: with the flag on, the running services answer
// what traffic/checkout.har recorded (502 for the legacy cart, the slow big cart); with the flag
// off the bug is gone. Plain docker CLI (examples/build/sample-docker.ts), real containers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleManifestSchema } from '../../../shared/bundle/manifest';
import { DEFAULT_BUNDLE_DIR } from '../../../examples/build/build-sample';
import { startSampleEnvironment, type SampleEnvironment } from '../../../examples/build/sample-docker';
import type { HarEntry } from '../../../examples/build/sample-traffic';

const bundleDir = DEFAULT_BUNDLE_DIR;
const manifest = bundleManifestSchema.parse(JSON.parse(readFileSync(join(bundleDir, 'bundle.json'), 'utf8')));
const har = JSON.parse(readFileSync(join(bundleDir, 'traffic/checkout.har'), 'utf8')) as { log: { entries: HarEntry[] } };
const noisePaths = manifest.replay?.noise?.jsonPaths ?? [];

interface Answer { status: number; contentType: string; body: unknown; ms: number }

async function send(env: SampleEnvironment, recordedUrl: string): Promise<Answer> {
  const url = new URL(recordedUrl);
  const target = new URL(url.pathname + url.search, env.ingress[url.hostname]);
  const t0 = performance.now();
  const res = await fetch(target);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: JSON.parse(text), ms: performance.now() - t0 };
}

/** Drops the manifest's noise fields (top-level `$.name` paths, all the sample uses). */
function withoutNoise(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const p of noisePaths) {
    const m = /^\$\.(\w+)$/.exec(p);
    if (m) delete copy[m[1]!];
  }
  return copy;
}

function leftovers(label: string): string {
  const list = (...args: string[]) => execFileSync('docker', [...args, '--filter', `label=${label}`, '-q'], { encoding: 'utf8' }).trim();
  return [list('ps', '-a'), list('network', 'ls'), list('volume', 'ls')].filter(Boolean).join(' ');
}

describe('sample incident reproduces', () => {
  const started: SampleEnvironment[] = [];
  const start = async (envOverrides?: Record<string, Record<string, string>>) => {
    const env = await startSampleEnvironment({ bundleDir, manifest, secrets: { PAYMENT_KEY: 'sk_test_repro' }, ...(envOverrides ? { envOverrides } : {}) });
    started.push(env);
    return env;
  };
  afterAll(async () => {
    for (const env of started) await env.stop();
    for (const env of started) expect(leftovers(env.label)).toBe('');
  });

  let bigWithFlagMs = 0;

  it('with the flag on, every recorded request gets the recorded answer (502 for legacy, slow big cart)', async () => {
    const env = await start();
    for (const [i, entry] of har.log.entries.entries()) {
      const got = await send(env, entry.request.url);
      const recorded = entry.response;
      const where = `entry ${i} ${entry.request.url}`;
      expect(`${where} ${got.status}`).toBe(`${where} ${recorded.status}`);
      expect(got.contentType).toBe(recorded.content.mimeType);
      expect(withoutNoise(got.body)).toEqual(withoutNoise(JSON.parse(recorded.content.text)));
      if (entry.request.url.endsWith('cart=big')) {
        expect(got.ms).toBeGreaterThanOrEqual(1400);
        bigWithFlagMs = Math.max(bigWithFlagMs, got.ms);
      }
    }
    const legacy = await send(env, 'http://checkout:8080/cgi-bin/checkout?cart=legacy');
    expect(legacy).toMatchObject({ status: 502, body: { error: 'pricing failed', cart: 'legacy' } });
    await env.stop();
    expect(leftovers(env.label)).toBe('');
  });

  it('with the flag off, the legacy cart succeeds and the big cart is no longer slow', async () => {
    const env = await start({ pricing: { NEW_PRICING: 'false' } });
    const legacy = await send(env, 'http://checkout:8080/cgi-bin/checkout?cart=legacy');
    expect(legacy.status).toBe(200);
    expect(legacy.body).toMatchObject({ cart: 'legacy', items: 2, total: '31.70', payment: { status: 'approved' } });

    const bigTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const big = await send(env, 'http://checkout:8080/cgi-bin/checkout?cart=big');
      expect(big.status).toBe(200);
      bigTimes.push(big.ms);
    }
    bigTimes.sort((x, y) => x - y);
    expect(bigTimes[1]!).toBeLessThan(bigWithFlagMs);

    // Replaying the recording now differs exactly on the legacy cart: the flag was the cause.
    const differing: string[] = [];
    for (const entry of har.log.entries) {
      const got = await send(env, entry.request.url);
      const same = got.status === entry.response.status && JSON.stringify(withoutNoise(got.body)) === JSON.stringify(withoutNoise(JSON.parse(entry.response.content.text)));
      if (!same) differing.push(new URL(entry.request.url).searchParams.get('cart') ?? '');
    }
    expect(differing).toEqual(['legacy', 'legacy']);
  });
});
