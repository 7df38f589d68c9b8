import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main';
import type { CliIo } from '../../../electron/cli/command';

const root = join(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: process.env, cwd: root, isTTY: false };
  return { io: value, out, err };
}

describe('repro CLI conventions', () => {
  it('--version prints the package version, exit 0', async () => {
    const t = io();
    expect(await main(['--version'], t.io)).toBe(0);
    expect(t.out.join('')).toBe(pkg.version + '\n');
  });

  it('--help lists every command, exit 0; no arguments is a usage error (2)', async () => {
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out.join('')).toContain('serve');
    expect(await main([], io().io)).toBe(2);
  });

  it('an unknown command or option is a usage error (2) that says what was wrong', async () => {
    const t = io();
    expect(await main(['frobnicate'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('unknown command "frobnicate"');
    const u = io();
    expect(await main(['serve', '--bogus'], u.io)).toBe(2);
    expect(u.err.join('')).toContain('--bogus');
  });

  it('with --json every failure is one {"error":{code,message}} document on stdout: usage errors exit 2, failed work 1', async () => {
    const usage = io();
    expect(await main(['replay', '--json'], usage.io)).toBe(2);
    expect(JSON.parse(usage.out.join(''))).toEqual({ error: { code: 'invalid_argument', message: expect.stringContaining('session name') } });
    const unknown = io();
    expect(await main(['frobnicate', '--json'], unknown.io)).toBe(2);
    expect(JSON.parse(unknown.out.join(''))).toMatchObject({ error: { code: 'invalid_argument' } });
    const work = io();
    expect(await main(['judge', join(root, 'no-such-bundle'), '--json'], work.io)).toBe(1);
    expect(JSON.parse(work.out.join(''))).toMatchObject({ error: { code: expect.any(String), message: expect.stringContaining('no-such-bundle') } });
  });

  it('bin/repro.js runs from a checkout, building the CLI first when the sources are newer (npx --no-install repro)', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'repro.js'), '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(pkg.version);
    const r = spawnSync('npx', ['--no-install', 'repro', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: repro <command>');
  });
});
