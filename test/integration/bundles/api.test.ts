/**
 * The bundle API as the UI uses it: open the shipped sample by path, verify it with the key
 * the sample ships with (both operations: progress arrives on the `op` stream, each ends with
 * one final event), and see a tampered copy fail.
 */
import { cp, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationEvent } from '../../../shared/api/events';
import type { OperationName, OperationOutput } from '../../../shared/api/contract';
import { fileResults } from '../../../shared/bundle/report';
import { callInProcess, runOperationInProcess } from '../../../electron/api/dispatch';
import { createWorkbench, type Workbench } from '../../../electron/services/workbench';
import { makeTempDir, removeDir } from '../../unit/bundles/builders';

let dir: string;
let wb: Workbench;
let events: OperationEvent[];
beforeEach(async () => {
  dir = await makeTempDir('bundles-api-');
  events = [];
  wb = createWorkbench({ host: 'web', env: { ...process.env, REPRO_HOME: join(dir, 'home') } });
  wb.events.connect('test', (event, payload) => void (event === 'op' && events.push(payload as OperationEvent)));
});
afterEach(async () => removeDir(dir));

async function run<M extends OperationName>(method: M, input: Parameters<typeof runOperationInProcess<M>>[2]): Promise<OperationOutput<M>> {
  const end = await runOperationInProcess(wb, method, input, 'test').end;
  if (end.state !== 'done') throw new Error(`${method} ended ${end.state}: ${JSON.stringify(end)}`);
  return end.result;
}

describe('bundle.* handlers', () => {
  it('bundle.sample + bundle.open + bundle.verify: the sample is trusted with its shipped key', async () => {
    const sample = await callInProcess(wb, 'bundle.sample', {});
    expect(sample?.publicKey).toMatch(/sample\.pub\.pem$/);
    const opened = await run('bundle.open', { path: sample!.path });
    const result = await run('bundle.verify', { handle: opened.handle, keys: [sample!.publicKey!] });
    expect(result.problems).toEqual([]);
    expect(result.signature.status).toBe('trusted');
    expect(result.trustedKeys.map((k) => k.source)).toContain(sample!.publicKey);
    const verify = events.filter((e) => e.method === 'bundle.verify');
    expect(verify[0]).toMatchObject({ type: 'started', op: { handle: opened.handle, state: 'running' } });
    expect(verify.some((e) => e.op.progress?.unit === 'bytes' && e.op.progress.total! > 0)).toBe(true);
    // exactly one final event, the last, carrying the result
    expect(verify.filter((e) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled')).toHaveLength(1);
    expect(verify.at(-1)).toMatchObject({ type: 'done', op: { state: 'done' }, result: { ok: true } });
    expect(fileResults(opened.manifest, result).every((r) => r.status === 'ok')).toBe(true);
    await callInProcess(wb, 'bundle.close', { handle: opened.handle });
  });

  it('a tampered copy fails and its per-file results name the file', async () => {
    const sample = await callInProcess(wb, 'bundle.sample', {});
    const copy = join(dir, 'copy');
    await cp(sample!.path, copy, { recursive: true });
    await appendFile(join(copy, 'runbook.md'), '\nrm -rf /\n');
    const opened = await run('bundle.open', { path: copy });
    const result = await run('bundle.verify', { handle: opened.handle });
    expect(result.ok).toBe(false);
    expect(result.signature.status).toBe('untrusted'); // bundle.json unchanged; no trusted key given
    expect(fileResults(opened.manifest, result).find((r) => r.path === 'runbook.md')?.status).toBe('size');
  });
});
