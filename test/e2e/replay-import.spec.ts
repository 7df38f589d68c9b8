import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, repoRoot, snap, startSampleSessionFromUi, test } from './fixtures';

/** WCAG 2.1 AA violations inside the given parts of the page (axe-core). */
async function axeViolations(page: Page, selectors: string[]) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  for (const s of selectors) builder = builder.include(s);
  const { violations } = await builder.analyze();
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// A DevTools HAR export becomes replayable in one step: imported from the Replay pane into a copy
// of the sample (redacted, listed in bundle.json), then replayed against a session of it with no
// host rewritten: the pane says where 127.0.0.1:PORT went and which recorded requests it skipped.
const session = `e2e-import-${Math.random().toString(36).slice(2, 8)}`;

test.describe('replay pane: HAR import, host map and notices', () => {
  test.describe.configure({ timeout: 240_000 });

  test('imports a DevTools export and replays it with its notices', async ({ workbenchPage: page }) => {
    const tmp = mkdtempSync(join(tmpdir(), 'repro-e2e-import-'));
    const copy = join(tmp, 'bundle');
    cpSync(join(repoRoot, 'examples', 'incident-checkout'), copy, { recursive: true });
    rmSync(join(copy, 'attestations'), { recursive: true, force: true });
    try {
      await page.getByLabel('Bundle path').fill(copy);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await expect(page.locator('.top-title')).toContainText('INC-2041');

      await page.getByRole('tab', { name: 'Replay' }).click();
      const pane = page.getByRole('region', { name: 'Replay' });
      await pane.getByText('Import a HAR into this bundle').click();
      await pane.getByLabel('HAR file').setInputFiles(join(repoRoot, 'test', 'fixtures', 'har', 'producers', 'sample-devtools.har'));
      await pane.getByLabel('Name in the bundle').fill('devtools-export');
      await pane.getByRole('button', { name: 'Import', exact: true }).click();
      const added = pane.getByRole('status').filter({ hasText: 'Added' });
      await expect(added).toContainText('Added traffic/devtools-export.har: 8 requests to replay, 2 that failed when recorded');
      await expect(added.getByRole('list', { name: 'Redacted' })).toContainText('authorization');
      expect(readFileSync(join(copy, 'bundle.json'), 'utf8')).toContain('"traffic/devtools-export.har"');
      await snap(page, 'replay-import');
      expect(await axeViolations(page, ['.replay-import', '.replay-host-map'])).toEqual([]);

      // The host map is checked as it is typed.
      const hostMap = pane.getByLabel('Host map');
      await hostMap.fill('shop.example.com');
      await expect(hostMap).toHaveAttribute('aria-invalid', 'true');
      await expect(pane.getByText(/expected HOST\[:PORT\]=SERVICE/)).toBeVisible();
      await hostMap.fill('');

      const card = await startSampleSessionFromUi(page, session);

      await page.getByRole('tab', { name: 'Replay' }).click();
      await expect(pane.getByLabel('Session', { exact: true })).toHaveValue(session);
      await pane.getByLabel('Mode').selectOption('max');
      await pane.getByRole('button', { name: 'Start replay' }).click();
      await expect(pane.locator('.replay-counts')).toContainText('16 matched', { timeout: 60_000 });
      await expect(pane.locator('.replay-rate')).toHaveText('100.0%');
      const notices = pane.getByRole('status', { name: 'About this replay' });
      await expect(notices).toContainText(/Requests recorded for 127\.0\.0\.1:\d+ \(not service names\) were sent to the ingress service checkout/);
      await expect(notices).toContainText('Skipped 2 requests that failed when recorded: net::ERR_ABORTED (1), net::ERR_CONNECTION_REFUSED (1).');
      await notices.getByText('Skipped requests (2)').click();
      await expect(notices).toContainText('traffic/devtools-export.har#');
      await snap(page, 'replay-notices');
      expect(await axeViolations(page, ['.replay-notices', '.replay-host-map', '.replay-import'])).toEqual([]);

      await page.getByRole('tab', { name: 'Environment' }).click();
      await card.getByRole('button', { name: 'Stop session' }).click();
      await expect(card).toBeHidden({ timeout: 60_000 });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
