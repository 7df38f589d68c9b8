import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, snap, test } from './fixtures';

test.describe('metrics pane', () => {
  test('the sample canary fails on latency, and the metric explains itself with its charts', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.locator('.top-title')).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByTestId('canary-verdict')).toHaveText('FAIL');
    await expect(page.getByTestId('canary-score')).toContainText('0');
    await expect(page.locator('.scorecard-reason')).toContainText('Critical metric "http_p99_latency_seconds" failed');
    // The first failing metric opens by itself: explanation, then the three charts.
    const latency = page.getByRole('button', { name: /http_p99_latency_seconds/ });
    await expect(latency).toHaveAttribute('aria-expanded', 'true');
    await expect(page.locator('.explanation .reason').first()).toContainText('lies above the tolerance band');
    await expect(page.getByRole('img', { name: /over time/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /distributions/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /interval \[/ })).toBeVisible();
    await expect(page.locator('.recharts-brush')).toHaveCount(1);
    await snap(page, 'metrics-pane');
    await page.getByRole('img', { name: /interval \[/ }).scrollIntoViewIfNeeded();
    await snap(page, 'metrics-charts');
    // Collapsing and opening the other metric swaps the charts.
    await page.getByRole('button', { name: /http_5xx_ratio/ }).click();
    await expect(page.getByRole('button', { name: /http_5xx_ratio/ })).toHaveAttribute('aria-expanded', 'true');
    await expect(latency).toHaveAttribute('aria-expanded', 'false');
  });
});

test.describe('metrics pane at scale', () => {
  let dir = '';
  test.beforeAll(() => {
    // 100 metrics x 1,000 points per side, every third one regressed.
    dir = mkdtempSync(join(tmpdir(), 'repro-e2e-100-metrics-'));
    mkdirSync(join(dir, 'metrics'));
    const files: { path: string; sha256: string; size: number }[] = [];
    const metrics: unknown[] = [];
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 100; i++) {
      const path = `metrics/m${i}.json`;
      const series = (track: string, median: number) => ({
        metric: { track },
        values: Array.from({ length: 1000 }, (_, k) => [1_763_647_200 + 15 * k, String(Math.round(median * Math.exp(0.3 * (random() + random() + random() - 1.5)) * 1e4) / 1e4)]),
      });
      const body = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [series('canary', i % 3 === 0 ? 0.5 : 0.3), series('baseline', 0.3)] } });
      writeFileSync(join(dir, path), body);
      files.push({ path, sha256: createHash('sha256').update(body).digest('hex'), size: Buffer.byteLength(body) });
      metrics.push({ name: `metric_${String(i).padStart(3, '0')}`, file: path, direction: 'increase', group: `g${i % 4}` });
    }
    writeFileSync(
      join(dir, 'bundle.json'),
      JSON.stringify({
        schema: 'repro.bundle/v1',
        incident: { id: 'INC-SCALE', title: 'A hundred metrics', severity: 'SEV3', startedAt: '2026-11-20T14:00:00Z' },
        provenance: { source: { repo: 'shop/checkout', commit: 'abc' } },
        services: [],
        canary: { metrics, selectors: { canary: { track: 'canary' }, baseline: { track: 'baseline' } } },
        files,
        createdAt: '2026-11-20T15:00:00Z',
        createdBy: 'metrics e2e',
      }),
    );
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('stays responsive with 100 metrics of 1,000 points', async ({ workbenchPage: page }) => {
    await page.getByLabel('Bundle path').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.locator('.top-title')).toContainText('INC-SCALE');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await expect(page.getByTestId('canary-verdict')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.metric-row')).toHaveCount(100);
    // Opening metrics one after another redraws only the opened one's charts (a chart is found
    // by its summary's name; a time chart with a brush draws beside that summary, in its figure).
    for (const name of ['metric_003', 'metric_050', 'metric_097', 'metric_010']) {
      const started = Date.now();
      await page.getByRole('button', { name: new RegExp(name) }).click();
      await expect(page.locator('figure.chart').filter({ has: page.getByRole('img', { name: `${name}: canary and baseline over time.` }) }).locator('.recharts-line').first()).toBeVisible();
      // Generous for a loaded CI machine; on an idle one this takes a few hundred ms.
      expect(Date.now() - started, `opening ${name}`).toBeLessThan(4000);
    }
    await expect(page.locator('.recharts-wrapper')).toHaveCount(3);
    await snap(page, 'metrics-pane-100');
  });
});
