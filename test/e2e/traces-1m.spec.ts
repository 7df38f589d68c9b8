import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOtlpChunks } from '../../bench/lib/gen-otlp';
import { expect, screenshotDir, snap, test } from './fixtures';

// The scale bound: a 1M-span OTLP file (about 400 MiB) loads in the UI, showing progress
// while its spans are read, and paints. bench/traces-ui.bench.ts reads the timing it records.
test('a 1M-span OTLP file loads in the Traces pane with progress and paints its waterfall', async ({ workbenchPage: page }) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'repro-e2e-1m-'));
  try {
    const file = join(dir, 'big-1m.otlp.json');
    const out = createWriteStream(file);
    let buf = '';
    for (const chunk of generateOtlpChunks({ spans: 1_000_000, seed: 11 })) {
      buf += chunk;
      if (buf.length < 1 << 20) continue;
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
    await new Promise<void>((r) => out.end(buf, r));
    await page.getByRole('tab', { name: 'Traces' }).click();
    await page.waitForFunction(() => ((window as unknown as { __traceWorkersReady?: number }).__traceWorkersReady ?? 0) > 0);
    // Every progress value the bar shows, to check that loading reports progress as it goes.
    await page.evaluate(() => {
      const w = window as unknown as { __t0: number; __seen: string[] };
      w.__t0 = performance.now();
      w.__seen = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[role="progressbar"]')) w.__seen.push(`${bar.getAttribute('aria-label')} ${bar.getAttribute('aria-valuenow')}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow', 'aria-label'] });
    });
    await page.getByLabel('Trace file').setInputFiles(file);
    await expect(page.getByRole('progressbar').first()).toBeVisible({ timeout: 30_000 });
    await snap(page, 'traces-1m-loading');
    await expect(page.locator('.trace-title')).toContainText('1,000,000 spans', { timeout: 240_000 });
    await expect(page.getByTestId('waterfall')).toBeVisible();
    await page.waitForFunction(() => window.__waterfall?.firstPaintAt !== undefined, undefined, { timeout: 60_000 });
    const timing = await page.evaluate(() => {
      const w = window as unknown as { __t0: number; __seen: string[]; __traceLoadPhases?: Record<string, number> };
      return { loadedMs: Math.round(window.__waterfall!.firstPaintAt! - w.__t0), progressUpdates: new Set(w.__seen).size, phases: w.__traceLoadPhases };
    });
    // Progress is shown while the spans are read, not only at the start and the end.
    expect(timing.progressUpdates).toBeGreaterThan(3);
    writeFileSync(join(screenshotDir, '..', 'traces-ui-1m.json'), JSON.stringify({ spans: 1_000_000, bytes: statSync(file).size, ...timing }, null, 2));
    await snap(page, 'traces-1m-loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
