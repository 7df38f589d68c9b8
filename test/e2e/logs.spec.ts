import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateLogChunks } from '../../bench/lib/gen-logs';
import { LogStore } from '../../shared/logs/store';
import { parseJsonLine } from '../../shared/logs/record';
import { audit } from './a11y';
import { expect, repoRoot, screenshotDir, snap, test } from './fixtures';

// What the pane should show, computed here with the same pure code from the sample's files.
const sampleLogs = ['checkout', 'pricing'].map((s) => readFileSync(join(repoRoot, 'examples', 'incident-checkout', 'logs', `${s}.jsonl`), 'utf8'));
const store = new LogStore();
sampleLogs.forEach((text, f) => text.split('\n').forEach((line, i) => line && parseJsonLine(line, '', (r) => store.add(r, f, i + 1))));
store.sortByTime();
const errors = store.select({ levels: ['error'] });
const noPrice = store.templateRows(store.select({})).find((t) => t.text.startsWith('no price for'))!;


async function openSampleLogs(page: Page) {
  await page.getByRole('button', { name: 'Open the sample incident' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('INC-2041');
  await page.getByRole('tab', { name: 'Logs' }).click();
  await expect(page.getByTestId('logs-status')).toContainText(`${store.length.toLocaleString('en')} lines`);
  await expect(page.getByTestId('logs-status')).not.toContainText('so far');
}

test.describe('logs pane', () => {
  test('shows the incident logs: filters, template table, line detail, histogram brush', async ({ workbenchPage: page }) => {
    await openSampleLogs(page);
    await expect(page.getByTestId('logs-total')).toHaveText(`${store.length.toLocaleString('en')} lines match`);
    // the template grid renders the rows in view of all the sample's templates
    await expect(page.getByRole('grid', { name: /^Templates/ })).toHaveAttribute('aria-rowcount', String(store.templateRows(store.select({})).length + 1));
    await snap(page, 'logs-sample');
    expect(await audit(page, 'Logs', { include: '.logs-pane', impacts: 'all' })).toEqual([]);

    // Level filter: only errors.
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: /^error/ }).click();
    await expect(page.getByTestId('logs-total')).toHaveText(`${errors.length} lines match`);
    await expect(page.getByRole('region', { name: 'Templates' })).toContainText(noPrice.text);
    // A click on a template keeps its lines only; the templates are a grid: Enter on the row
    // shows all again, and once more keeps them.
    const template = page.getByRole('grid', { name: /^Templates/ }).getByRole('row').filter({ hasText: noPrice.text });
    await template.click();
    await expect(page.getByTestId('logs-total')).toHaveText(`${noPrice.count} lines match`);
    await expect(template).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('logs-total')).toHaveText(`${errors.length} lines match`);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('logs-total')).toHaveText(`${noPrice.count} lines match`);
    await expect(page.getByLabel('Active filters')).toContainText(`template #${noPrice.id}`);
    // Keyboard: the list takes focus, arrows select, the detail follows.
    await page.getByTestId('logs-list').focus();
    await page.keyboard.press('ArrowDown');
    const detail = page.getByTestId('log-detail');
    await expect(detail).toContainText('no price for SKU-2077 in cart legacy (tiered engine)');
    await expect(detail).toContainText('logs/pricing.jsonl:');
    await expect(detail.getByRole('table')).toContainText('sku');
    await snap(page, 'logs-filtered-detail');

    // Text search and regex.
    await page.getByRole('button', { name: /Remove filter template/ }).click();
    await page.getByRole('checkbox', { name: 'regex' }).check();
    await page.getByRole('searchbox', { name: 'Regular expression' }).fill('pricing failed for cart \\w+');
    const failed = store.select({ levels: ['error'], text: 'pricing failed for cart \\w+', regex: true }).length;
    await expect(page.getByTestId('logs-total')).toHaveText(`${failed} lines match`);
    await page.getByRole('searchbox', { name: 'Regular expression' }).fill('');
    await expect(page.getByTestId('logs-total')).toHaveText(`${errors.length} lines match`);

    // Brushing the histogram keeps a time range.
    const box = (await page.getByTestId('logs-histogram').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.15, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page.getByLabel('Active filters')).toContainText('time 14:');
    // the count follows the chip (a new selection, counted after the filter changes): wait for it
    const total = async () => Number((await page.getByTestId('logs-total').innerText()).replace(/[^0-9]/g, ''));
    await expect.poll(total).toBeLessThan(errors.length);
    expect(await total()).toBeGreaterThan(0);
    await snap(page, 'logs-brushed');
  });

  test('links a log line to its trace and a span back to its log lines; the timeline has the first error and the peak', async ({ workbenchPage: page }) => {
    await openSampleLogs(page);
    // A traced error line: its trace opens in the Traces pane with its span selected.
    const traced = [...errors].map((i) => store.row(i)).find((r) => r.traceId && r.service === 'pricing')!;
    await page.getByRole('searchbox', { name: 'Text' }).fill(traced.msg);
    await page.getByRole('group', { name: 'Levels' }).getByRole('button', { name: /^error/ }).click();
    const same = store.select({ levels: ['error'], text: traced.msg });
    await expect(page.getByTestId('logs-total')).toHaveText(`${same.length} lines match`);
    // by keyboard, down to the traced one among the lines with its message
    await page.getByTestId('logs-list').focus();
    for (let k = 0; k <= same.indexOf(traced.index); k++) await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('log-detail')).toContainText(traced.traceId);
    await page.getByRole('button', { name: /^Open trace/ }).first().click();
    const wf = page.getByTestId('waterfall');
    await expect(wf).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Traces');
    await expect(wf).toHaveAttribute('data-selected-span', traced.spanId);
    const selectedSpan = traced.spanId;
    await expect(page.locator('.trace-title')).toContainText(traced.traceId);
    await snap(page, 'logs-to-trace');
    // ... and back: the span's log lines.
    await page.getByRole('button', { name: 'Log lines of this span' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Logs');
    await expect(page.getByLabel('Active filters')).toContainText(`trace ${traced.traceId.slice(0, 12)}`);
    const ofSpan = store.select({ traceId: traced.traceId, spanId: selectedSpan! }).length;
    expect(ofSpan).toBeGreaterThan(0);
    await expect(page.getByTestId('logs-total')).toHaveText(`${ofSpan} line${ofSpan === 1 ? '' : 's'} match`.replace('line match', 'lines match'));
    // The incident timeline gains the logs' first error and error peak.
    await page.getByRole('tab', { name: 'Incident' }).click();
    const timeline = page.getByLabel('Incident timeline');
    const m = store.errorMoments();
    await expect(timeline).toContainText('First error');
    await expect(timeline).toContainText(new Date(m.firstError!).toISOString().slice(11, 19));
    await expect(timeline).toContainText(`Error peak`);
    await expect(timeline).toContainText(`${m.peak!.count}/min`);
    await snap(page, 'logs-incident-timeline');
  });

  test('stays fluid on a large file: first rows while it is read, scrolling far fetches only what is shown', async ({ workbenchPage: page }) => {
    test.setTimeout(Number(process.env.REPRO_LOGS_UI_LINES ?? 0) > 200_000 ? 600_000 : 90_000);
    const lines = Number(process.env.REPRO_LOGS_UI_LINES ?? 100_000);
    const dir = mkdtempSync(join(tmpdir(), 'repro-e2e-logs-'));
    try {
      mkdirSync(join(dir, 'logs'));
      const file = join(dir, 'logs', 'fleet.jsonl');
      const hash = createHash('sha256');
      let size = 0;
      const out = createWriteStream(file);
      for (const chunk of generateLogChunks({ lines, seed: 7, badEvery: 50_000 })) {
        hash.update(chunk);
        size += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((r) => out.end(r));
      writeFileSync(
        join(dir, 'bundle.json'),
        JSON.stringify({
          schema: 'repro.bundle/v1',
          incident: { id: 'LOGS-1M', title: 'Logs at scale', severity: 'SEV4', startedAt: '2026-11-20T14:00:00Z' },
          provenance: { source: { repo: 'bench', commit: '0' } },
          services: [],
          files: [{ path: 'logs/fleet.jsonl', sha256: hash.digest('hex'), size }],
          createdAt: '2026-11-20T15:00:00Z',
          createdBy: 'test/e2e/logs.spec.ts',
        }),
      );
      await page.getByLabel('Bundle path').fill(dir);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 })).toContainText('LOGS-1M');
      // The clock starts when the pane is asked for the logs, and stops at the first row painted.
      await page.evaluate(() => {
        const w = window as { __logsFirstRow?: number; __logsAsked?: number };
        new MutationObserver((_, obs) => {
          const row = document.querySelector('[data-testid="logs-list"] .log-row span[title]');
          if (row) {
            w.__logsFirstRow = performance.now();
            obs.disconnect();
          }
        }).observe(document.body, { subtree: true, childList: true });
        w.__logsAsked = performance.now();
      });
      await page.getByRole('tab', { name: 'Logs' }).click();
      await expect(page.getByTestId('logs-list').getByRole('option').first()).toContainText(/\d\d:\d\d/);
      const firstRowMs = await page.evaluate(() => {
        const w = window as { __logsFirstRow?: number; __logsAsked?: number };
        return w.__logsFirstRow! - w.__logsAsked!;
      });
      await expect(page.getByTestId('logs-status')).toContainText(`${(lines - Math.floor(lines / 50_000)).toLocaleString('en')} lines`, { timeout: 180_000 });
      await expect(page.getByTestId('logs-status')).not.toContainText('so far');
      const loadedMs = await page.evaluate(() => performance.now() - (window as { __logsAsked?: number }).__logsAsked!);
      // where the first screen's time went (performance marks of the logs store)
      const marks = await page.evaluate(() => {
        const t0 = (window as { __logsAsked?: number }).__logsAsked!;
        return Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('logs:')).map((m) => [m.name, Math.round(m.startTime - t0)]));
      });
      await expect(page.getByTestId('logs-status')).toContainText(`${Math.floor(lines / 50_000)} bad`);
      // Scroll to the end: the rows there arrive, the list never holds more than a screenful.
      await page.getByTestId('logs-list').focus();
      await page.keyboard.press('End');
      await expect(page.getByTestId('logs-list').locator('.log-row span[title]').last()).toBeVisible();
      expect(await page.getByTestId('logs-list').getByRole('option').count()).toBeLessThan(200);
      await snap(page, 'logs-large-file');
      if (process.env.REPRO_PERF) writeFileSync(join(screenshotDir, '..', 'logs-ui-perf.json'), JSON.stringify({ lines, bytes: size, firstRowMs: Math.round(firstRowMs), loadedMs: Math.round(loadedMs), marks }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
