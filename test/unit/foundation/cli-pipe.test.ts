/**
 * Output to a closed pipe ends quietly (issue 21): `repro logs big.jsonl | head -1` must not
 * print an EPIPE stack trace or fail; the reader going away is not the command's failure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

describe('a closed stdout', () => {
  it('ends the command quietly with exit 0, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repro-pipe-'));
    const file = join(dir, 'app.jsonl');
    // far more than a pipe buffer holds, so the command is still writing when the reader leaves
    const line = (i: number) => JSON.stringify({ ts: '2026-11-20T14:02:00.000Z', service: 'checkout', level: 'info', msg: `request ${i} served in ${i % 97} ms` });
    writeFileSync(file, Array.from({ length: 40_000 }, (_, i) => line(i)).join('\n') + '\n');
    const child = spawn(process.execPath, [join(root, 'bin', 'repro.js'), 'logs', file], { cwd: root, env: { ...process.env, REPRO_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // read the first chunk, then close our end, as `head -1` does
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error:|at .*\.js:\d+/);
    expect(code).toBe(0);
  });
});
