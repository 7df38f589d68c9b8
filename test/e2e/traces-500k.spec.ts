import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOtlpChunks } from '../../bench/lib/gen-otlp';
import { expect, snap, test } from './fixtures';

// The second scale bound: a 500k-span file loads in the UI, showing progress, and paints.
test('a 500k-span OTLP file loads in the Traces pane with progress and paints its waterfall', async ({ workbenchPage: page }) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'repro-e2e-500k-'));
  try {
    const file = join(dir, 'big-500k.otlp.json');
    const out = createWriteStream(file);
    for (const chunk of generateOtlpChunks({ spans: 500_000, seed: 11 })) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    await new Promise<void>((r) => out.end(r));
    await page.getByRole('tab', { name: 'Traces' }).click();
    await page.getByLabel('Trace file').setInputFiles(file);
    await expect(page.getByRole('progressbar').first()).toBeVisible({ timeout: 30_000 });
    await snap(page, 'traces-500k-loading');
    await expect(page.locator('.trace-title')).toContainText('500,000 spans', { timeout: 240_000 });
    await expect(page.getByTestId('waterfall')).toBeVisible();
    await snap(page, 'traces-500k-loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
