import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { expect, repoRoot, reproCli, snap, test } from './fixtures';

// One real session of the sample incident in the served workbench's home, brought up with the CLI.
const session = `e2e-gd-${Math.random().toString(36).slice(2, 8)}`;

/** A short scenario typed in (as JSON, which is YAML too): a latency fault the probes see. */
const SHORT = JSON.stringify({
  schema: 'repro.gameday/v1',
  title: 'Pricing slows down',
  hypothesis: { probes: [{ name: 'small-cart', http: { service: 'checkout', path: '/cgi-bin/checkout?cart=small' }, expect: { status: 200 }, everyMs: 200 }] },
  steps: [{ id: 'slow-pricing', at: '1s', fault: 'latency', target: 'pricing', params: { latencyMs: 600 }, duration: '2s' }],
});

async function axe(page: import('@playwright/test').Page) {
  // Monaco's own widgets are third-party markup we do not control; everything else must pass.
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).exclude('.monaco-editor').analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(', ')}`)).toEqual([]);
}

test.describe('game day pane', () => {
  test.describe.configure({ timeout: 240_000 });
  test.beforeAll(async ({ served }) => {
    reproCli(served.home, ['up', join(repoRoot, 'examples', 'incident-checkout'), '--session', session]);
  });
  test.afterAll(async ({ served }) => {
    reproCli(served.home, ['down', session]);
  });

  test('scenario checked as typed, plan resolved, a run halted with no residue, a short run completed, both in the record', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.locator('.top-title')).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Game day' }).click();
    await expect(page.getByLabel('Session')).toHaveValue(session);
    // The bundle's own game day is loaded and valid.
    await expect(page.getByLabel('Scenario file')).toHaveValue('pricing-outage');
    const editor = page.locator('.gameday-editor .monaco-editor');
    await expect(editor).toContainText('Pricing dies under load');
    await expect(page.locator('.gameday-problems')).toContainText('Valid repro.gameday/v1 scenario');

    // Validation as you type: a wrong schema id and an unknown key are marked where they are,
    // and Start is refused.
    await editor.locator('.view-line', { hasText: 'schema: repro.gameday/v1' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.keyboard.type('owner: me');
    const problems = page.locator('.gameday-problems');
    await expect(problems).toContainText('problem(s)');
    await expect(problems).toContainText('expected "repro.gameday/v1"');
    await expect(problems).toContainText('unknown key "owner"');
    await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
    await expect(editor.locator('.squiggly-error').first()).toBeVisible();
    await snap(page, 'gameday-invalid');
    // Back to the bundle's version.
    await page.getByLabel('Scenario file').selectOption('pricing-outage');
    await expect(problems).toContainText('Valid repro.gameday/v1 scenario');

    // The plan, resolved against this session.
    await page.getByRole('button', { name: 'Resolve plan' }).click();
    const plan = page.locator('.gameday-plan');
    await expect(plan).toContainText(`container repro-${session}-pricing`);
    await expect(plan).toContainText('fixture host payments.example.com');
    await expect(plan).toContainText('Packet faults');
    await axe(page);
    await snap(page, 'gameday-plan');

    // Start, see the kill in the timeline while it is active, then Halt.
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.locator('.gameday-timeline .fault-chip', { hasText: 'kill-pricing' })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.gameday-timeline')).toContainText(/\d+\/\d+ probes passed/);
    await snap(page, 'gameday-running');
    await page.getByRole('button', { name: 'Halt' }).click();
    const verdict = page.getByTestId('gameday-verdict');
    await expect(verdict).toHaveAttribute('data-status', 'halted', { timeout: 15_000 });
    await expect(page.getByTestId('gameday-residue')).toHaveText('none');
    await expect(page.locator('.gameday-journal')).toContainText('kill-pricing');
    await axe(page);
    await snap(page, 'gameday-halted');

    // A short scenario of our own, typed in, runs to completion.
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SHORT);
    await expect(problems).toContainText('Valid repro.gameday/v1 scenario');
    await expect(page.getByLabel('Scenario file')).toHaveValue('(custom)');
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(verdict).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
    await expect(page.getByTestId('gameday-residue')).toHaveText('none');
    await expect(page.locator('.gameday-timeline .recharts-reference-area').first()).toBeVisible();
    await page.locator('.gameday-timeline').scrollIntoViewIfNeeded();
    await snap(page, 'gameday-completed');
    await expect(page.locator('.gameday-history li')).toHaveCount(2);

    // Both runs are in the session's record, each a way back to its journal.
    await page.getByRole('button', { name: 'Open the record' }).click();
    const gamedayEvents = page.locator('.ev-gameday');
    await expect(gamedayEvents).toHaveCount(2);
    await expect(gamedayEvents.first()).toContainText('halted');
    await gamedayEvents.first().getByRole('button', { name: 'open in Game day' }).click();
    await expect(verdict).toHaveAttribute('data-status', 'halted');
  });
});
