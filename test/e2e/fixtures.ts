import { test as base, expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export interface ServedWorkbench {
  url: string; // with token
  origin: string;
  token: string;
  home: string; // REPRO_HOME of this server
}

/**
 * Starts the real `repro serve` (built dist/, like a user's `npm start` fallback) with its own
 * REPRO_HOME, once per worker, and parses the one line it prints.
 */
export async function startServe(env: NodeJS.ProcessEnv = {}): Promise<{ served: ServedWorkbench; proc: ChildProcess; stop: () => Promise<void> }> {
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` before the e2e tests');
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) throw new Error('Chromium is missing at /usr/bin/chromium: `apt-get install chromium` (CI does this in .ci/run)');
  const home = mkdtempSync(join(tmpdir(), 'repro-e2e-'));
  const proc = spawn(process.execPath, [join(repoRoot, 'bin', 'repro.js'), 'serve', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, REPRO_HOME: home, REPRO_USE_DIST: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const served = await new Promise<ServedWorkbench>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`repro serve printed no URL in 20 s\nstdout: ${out}\nstderr: ${err}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const doc = JSON.parse(out) as Omit<ServedWorkbench, 'home'>;
        clearTimeout(timer);
        resolve({ ...doc, home });
      } catch {
        // not a whole document yet
      }
    });
    proc.once('exit', (code) => reject(new Error(`repro serve exited with ${code}\n${err}`)));
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
    rmSync(home, { recursive: true, force: true });
  };
  return { served, proc, stop };
}

export const test = base.extend<{ workbenchPage: Page }, { served: ServedWorkbench }>({
  served: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { served, stop } = await startServe();
      await use(served);
      await stop();
    },
    { scope: 'worker' },
  ],
  workbenchPage: async ({ page, served }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message + (process.env.E2E_STACKS ? String(e.stack) : '')));
    page.on('console', (m) => {
      // Docker creating or removing a bridge network (every up and down) makes Chromium abort the
      // requests in flight with ERR_NETWORK_CHANGED and log it; the stores show such a failure and
      // the next refresh repairs it. It says nothing about the page, so it is not counted.
      if (m.type() === 'error' && !m.text().includes('net::ERR_NETWORK_CHANGED')) errors.push(m.text());
    });
    await page.goto(served.url);
    await use(page);
    expect(errors, 'the page logged no errors').toEqual([]);
  },
});

/** Saves a named screenshot under test-results/screenshots/ (looked at by people, kept by CI). */
export async function snap(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Bring a session of the open sample bundle up from the Environment pane (typing the payment
 * secret) and wait until checkout is healthy. Returns the session's card.
 */
export async function startSampleSessionFromUi(page: Page, session: string) {
  await page.getByRole('tab', { name: 'Environment' }).click();
  await page.getByLabel('Session name').fill(session);
  await page.getByLabel('Secret PAYMENT_KEY').fill('pk-typed-in-the-ui');
  await page.getByRole('button', { name: 'Start INC-2041' }).click();
  const card = page.getByRole('article', { name: `Session ${session}` });
  await expect(card.getByRole('row', { name: /checkout/ })).toContainText('healthy', { timeout: 180_000 });
  return card;
}

/** Runs the real CLI against a served workbench's home (e.g. `up` a session for a pane's test); throws with its stderr when it fails. */
export function reproCli(home: string, args: string[]): string {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'repro.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, REPRO_HOME: home, REPRO_SECRET_PAYMENT_KEY: 'pk-e2e-not-stored' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`repro ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export { expect };
