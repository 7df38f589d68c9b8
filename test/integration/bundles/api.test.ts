/**
 * The bundle API as the UI uses it: open the shipped sample by path, verify it with the key
 * the sample ships with (progress arrives on the event stream), and see a tampered copy fail.
 */
import { cp, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../shared/api/events';
import { fileResults } from '../../../shared/bundle/report';
import { bundleHandlers } from '../../../electron/api/handlers/bundle';
import type { CallContext } from '../../../electron/api/handlers/types';
import { createWorkbench } from '../../../electron/services/workbench';
import { makeTempDir, removeDir } from '../../unit/bundles/builders';

let dir: string;
let ctx: CallContext;
let progress: ProgressEvent[];
beforeEach(async () => {
  dir = await makeTempDir('bundles-api-');
  progress = [];
  const wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: join(dir, 'home') } });
  ctx = { wb, emit: (event, payload) => void (event === 'progress' && progress.push(payload as ProgressEvent)) };
});
afterEach(async () => removeDir(dir));

describe('bundle.* handlers', () => {
  it('bundle.sample + bundle.open + bundle.verify: the sample is trusted with its shipped key', async () => {
    const sample = await bundleHandlers['bundle.sample']({}, ctx);
    expect(sample?.publicKey).toMatch(/sample\.pub\.pem$/);
    const opened = await bundleHandlers['bundle.open']({ path: sample!.path }, ctx);
    const result = await bundleHandlers['bundle.verify']({ handle: opened.handle, keys: [sample!.publicKey!] }, ctx);
    expect(result.problems).toEqual([]);
    expect(result.signature.status).toBe('trusted');
    expect(result.trustedKeys.map((k) => k.source)).toContain(sample!.publicKey);
    expect(progress.at(-1)).toMatchObject({ task: `verify:${opened.handle}`, finished: true });
    expect(progress.some((p) => p.unit === 'bytes' && p.total! > 0)).toBe(true);
    expect(fileResults(opened.manifest, result).every((r) => r.status === 'ok')).toBe(true);
    await bundleHandlers['bundle.close']({ handle: opened.handle }, ctx);
  });

  it('a tampered copy fails and its per-file results name the file', async () => {
    const sample = await bundleHandlers['bundle.sample']({}, ctx);
    const copy = join(dir, 'copy');
    await cp(sample!.path, copy, { recursive: true });
    await appendFile(join(copy, 'runbook.md'), '\nrm -rf /\n');
    const opened = await bundleHandlers['bundle.open']({ path: copy }, ctx);
    const result = await bundleHandlers['bundle.verify']({ handle: opened.handle }, ctx);
    expect(result.ok).toBe(false);
    expect(result.signature.status).toBe('untrusted'); // bundle.json unchanged; no trusted key given
    expect(fileResults(opened.manifest, result).find((r) => r.path === 'runbook.md')?.status).toBe('size');
    expect(progress.at(-1)).toMatchObject({ finished: true, error: '1 problem(s)' });
  });
});
