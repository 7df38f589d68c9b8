/**
 * `repro serve` as a user runs it: two overlapping opens of an archive leave one unpacked folder
 * (the superseded one is cancelled, or closed when it had already finished), and SIGTERM
 * disposes of every open bundle's unpacked folder before the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { OperationEvent } from '../../../shared/api/events';
import { bundleEntries, gzip, makeTempDir, rawTar, removeDir, writeBundle } from '../../unit/bundles/builders';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('serve-shutdown-');
});
afterAll(async () => removeDir(dir));

describe('repro serve shutdown', () => {
  it('overlapping opens leave one unpacked folder, and SIGTERM removes it before exiting', async () => {
    const tmp = join(dir, 'tmp');
    await mkdir(tmp);
    const built = await writeBundle(join(dir, 'src'));
    const archive = join(dir, 'bundle.tgz');
    await writeFile(archive, gzip(rawTar(await bundleEntries(built))));
    const unpacked = async () => (await readdir(tmp)).filter((n) => n.startsWith('repro-bundle-'));

    const serve = spawn(process.execPath, [join(root, 'bin', 'repro.js'), 'serve', '--json'], {
      env: { ...process.env, REPRO_HOME: join(dir, 'home'), TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => serve.on('exit', (code) => r(code)));
    let out = '';
    const { origin, token } = await new Promise<{ origin: string; token: string }>((resolve, reject) => {
      serve.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('}')) resolve(JSON.parse(out));
      });
      void exited.then((code) => reject(new Error(`serve exited ${code}`)));
    });
    const client = 'shutdown-test-client';
    const call = async (method: string, input: unknown, opId?: string) => {
      const res = await fetch(`${origin}/api/call/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-repro-client': client, ...(opId ? { 'x-repro-op': opId } : {}) },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { result?: unknown; error?: unknown };
    };

    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/events?token=${token}&client=${client}`);
    const finals = new Map<string, OperationEvent>();
    let changed: () => void = () => {};
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as { event?: string; payload?: OperationEvent };
      if (msg.event === 'op' && ['done', 'failed', 'cancelled'].includes(msg.payload!.type)) finals.set(msg.payload!.op.id, msg.payload!);
      changed();
    });
    await new Promise((r) => ws.once('message', r)); // hello
    const ended = async (id: string) => {
      while (!finals.has(id)) await new Promise<void>((r) => (changed = r));
      return finals.get(id)!;
    };

    // Input is validated by the build's own copy of zod (bundled with its English messages only).
    expect(await call('bundle.open', { path: 42 })).toMatchObject({ error: { code: 'invalid_argument', message: 'Invalid input for bundle.open at /path: Invalid input: expected string, received number' } });

    // The store's rule: a newer open cancels the one in flight; a reply that still arrives is closed.
    expect(await call('bundle.open', { path: archive }, 'open-first-0001')).toEqual({ result: { op: 'open-first-0001', method: 'bundle.open' } });
    await call('op.cancel', { id: 'open-first-0001' });
    await call('bundle.open', { path: archive }, 'open-second-001');
    const first = await ended('open-first-0001');
    const second = await ended('open-second-001');
    if (first.type === 'done') await call('bundle.close', { handle: (first.result as { handle: string }).handle });
    else expect(first.type).toBe('cancelled');
    expect(second).toMatchObject({ type: 'done', result: { packed: true } });
    expect(await unpacked()).toHaveLength(1);

    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await unpacked()).toEqual([]);
    ws.close();
  });
});
