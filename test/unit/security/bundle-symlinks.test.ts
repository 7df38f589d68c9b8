/**
 * Hostile corpus, attack 3: a folder bundle whose `traces` folder or `runbook.md` is a symbolic
 * link out of the bundle. Every reader of bundle files must refuse it (only `verify` used to
 * notice), and nothing of the linked host file may reach an answer or the runbook workspace.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callContext, dispatch, runOperationInProcess } from '../../../electron/api/dispatch';
import type { CallContext } from '../../../electron/api/handlers/types';
import { readTraceFiles } from '../../../electron/services/traces/files';
import { judgeBundle } from '../../../electron/services/canary/judge-bundle';
import { loadTraffic } from '../../../electron/services/replay/traffic';
import { createWorkbench } from '../../../electron/services/workbench';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { makeTempDir, minimalManifest, removeDir } from '../bundles/builders';

const HOST_SECRET = 'host-secret-7f3a';
let dir: string;
let bundle: string;
let ctx: CallContext;
let manifest: BundleManifest;

function writeManifest(root: string, extra: Partial<BundleManifest> = {}): BundleManifest {
  const m = minimalManifest('INC-LINKS', extra) as unknown as BundleManifest;
  writeFileSync(join(root, 'bundle.json'), JSON.stringify(m));
  return m;
}

beforeAll(async () => {
  dir = await makeTempDir('hostile-links-');
  const outside = join(dir, 'host');
  mkdirSync(outside);
  const otlp = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: HOST_SECRET } }] }, scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: HOST_SECRET, startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] };
  writeFileSync(join(outside, 'secret.json'), JSON.stringify(otlp));
  writeFileSync(join(outside, 'notes.md'), `# ${HOST_SECRET}\n`);
  writeFileSync(join(outside, 'metrics.json'), JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] }, note: HOST_SECRET }));
  writeFileSync(join(outside, 'traffic.har'), JSON.stringify({ log: { version: '1.2', creator: { name: HOST_SECRET, version: '1' }, entries: [] } }));
  bundle = join(dir, 'bundle');
  mkdirSync(join(bundle, 'metrics'), { recursive: true });
  mkdirSync(join(bundle, 'traffic'), { recursive: true });
  symlinkSync(outside, join(bundle, 'traces'));
  symlinkSync(join(outside, 'notes.md'), join(bundle, 'runbook.md'));
  symlinkSync(join(outside, 'metrics.json'), join(bundle, 'metrics', 'latency.json'));
  symlinkSync(join(outside, 'traffic.har'), join(bundle, 'traffic', 'recorded.har'));
  manifest = writeManifest(bundle, {
    files: [
      { path: 'metrics/latency.json', sha256: '0'.repeat(64), size: 1 },
      { path: 'traffic/recorded.har', sha256: '0'.repeat(64), size: 1 },
    ],
    canary: {
      metrics: [{ name: 'latency', file: 'metrics/latency.json', direction: 'increase' }],
      selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } },
    },
  } as Partial<BundleManifest>);
  ctx = callContext(createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: join(dir, 'home') } }), 'test');
});
afterAll(() => removeDir(dir));

const call = async (method: string, input: unknown) => dispatch(method, input, ctx) as Promise<{ result?: unknown; error?: { code: string; message: string } }>;
async function openHandle(): Promise<string> {
  const end = await runOperationInProcess(ctx.wb, 'bundle.open', { path: bundle }, 'test').end;
  if (end.state !== 'done') throw new Error(`bundle.open ended ${end.state}`);
  return end.result.handle;
}

describe('a folder bundle with links out of it', () => {
  it('traces.files and traces.read refuse a traces folder that is a link', async () => {
    const handle = await openHandle();
    const files = await call('traces.files', { source: { kind: 'bundle', handle } });
    expect(JSON.stringify(files)).not.toContain('secret.json');
    expect(files.error?.message).toMatch(/traces is a symbolic link/);
    const read = await call('traces.read', { source: { kind: 'bundle', handle }, name: 'secret.json', offset: 0 });
    expect(read.error).toBeDefined();
    expect(JSON.stringify(read)).not.toContain(HOST_SECRET);
  });

  it('runbook.open refuses a runbook.md that is a link and copies nothing of it into the workspace', async () => {
    const doc = await call('runbook.open', { handle: await openHandle() });
    expect(JSON.stringify(doc)).not.toContain(HOST_SECRET);
    expect(doc.error?.message).toMatch(/runbook\.md is a symbolic link/);
    const runbooks = join(dir, 'home', 'state', 'runbooks');
    const copied = (() => {
      try {
        return readdirSync(runbooks, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'));
      } catch {
        return [];
      }
    })();
    expect(copied.join('')).not.toContain(HOST_SECRET);
  });

  it('repro traces on the bundle folder, the canary judge and the replay traffic reader refuse the links', async () => {
    await expect(readTraceFiles(bundle)).rejects.toThrow(/traces is a symbolic link/);
    const judged = judgeBundle(bundle, manifest, bundle);
    expect(JSON.stringify(judged)).not.toContain(HOST_SECRET);
    expect(judged.metrics[0]!.reason).toMatch(/symbolic link/);
    await expect(loadTraffic(bundle, manifest)).rejects.toThrow(/symbolic link/);
  });
});
