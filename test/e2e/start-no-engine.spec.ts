import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, repoRoot, snap, test } from './fixtures';

// `npm start` where no Docker engine answers: one line says so and how to start one, and the
// workbench still opens the sample incident and verifies it (nothing of that needs an engine).
test('npm start without a Docker engine says so in one line and still opens the sample', async ({ page }) => {
  test.setTimeout(120_000);
  const home = mkdtempSync(join(tmpdir(), 'repro-e2e-start-'));
  const proc = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, REPRO_HOME: home, DOCKER_HOST: `unix://${join(home, 'no-engine.sock')}`, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving at (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`npm start exited with ${code}\n${out}`)));
    });
    const engineLines = out.split('\n').filter((l) => l.includes('Docker engine'));
    expect(engineLines).toHaveLength(1);
    expect(engineLines[0]).toContain('no-engine.sock');
    expect(engineLines[0]).toMatch(/systemctl start docker|dockerd/);

    await page.goto(url);
    await expect(page.getByTestId('engine')).toContainText(/not reachable|unreachable|no engine/i);
    // the sample opens and verifies without an engine
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/checkout/i, { timeout: 30_000 });
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/, { timeout: 60_000 });
    await snap(page, 'start-no-engine');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
    rmSync(home, { recursive: true, force: true });
  }
});
