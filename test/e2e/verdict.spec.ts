import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, reproCli as repro, repoRoot, snap, test } from './fixtures';

// "Did it reproduce?" in the UI, on one real session of the sample incident (brought up with the
// CLI in the served workbench's home): the verdict strip says inconclusive before any evidence,
// turns to reproduced by itself when a replay run from the Replay pane ends, and explains each
// piece of evidence; the Record pane offers the computed verdict to confirm and the other as an
// override, and keeps both. Keyboard and axe-core (WCAG 2.1 AA) on the strip and the Record pane.
const session = `e2e-verdict-${Math.random().toString(36).slice(2, 8)}`;

async function axeViolations(page: Page, selector: string): Promise<string[]> {
  const r = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('verdict strip and the Record pane', () => {
  test.describe.configure({ timeout: 240_000 });
  test.beforeAll(async ({ served }) => {
    repro(served.home, ['up', join(repoRoot, 'examples', 'incident-checkout'), '--session', session]);
  });
  test.afterAll(async ({ served }) => {
    repro(served.home, ['down', session]);
  });

  test('the strip follows the evidence; the Record pane confirms or overrides the computed verdict', async ({ workbenchPage: page, served }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Replay' }).click();
    const pane = page.getByRole('region', { name: 'Replay' });
    await pane.getByLabel('Session', { exact: true }).selectOption(session);

    // Before any evidence: inconclusive, every kind of evidence missing.
    const strip = page.getByRole('region', { name: 'Verdict' }).first();
    await expect(strip).toContainText(`session ${session}`);
    await expect(strip.getByTestId('verdict-value')).toHaveText('Inconclusive');
    await expect(strip.getByTestId('verdict-reason')).toHaveText('Not enough evidence yet: nothing from symptoms, replay, metrics, traces, logs, runbook.');
    const chips = strip.getByRole('list', { name: 'Evidence' });
    await expect(chips.getByRole('listitem')).toHaveCount(6);
    await expect(chips.getByRole('listitem').filter({ hasText: 'Replay' })).toContainText('Not available');
    expect(await axeViolations(page, '.verdict-strip')).toEqual([]);

    // A replay at max rate from the Replay pane: when it ends the strip says reproduced, nobody asking.
    await pane.getByLabel('Mode').selectOption('max');
    await pane.getByRole('button', { name: 'Start replay' }).click();
    await expect(pane.locator('.replay-rate')).toHaveText('100.0%', { timeout: 60_000 });
    await expect(strip.getByTestId('verdict-value')).toHaveText('Reproduced');
    await expect(strip).toContainText('high confidence');
    await expect(strip.getByTestId('verdict-reason')).toContainText("Both of the incident's symptoms show again");
    // At the default 1440 px window the deciding sentence is shown whole (it wraps, never clipped to a few words).
    const reasonBox = await strip.getByTestId('verdict-reason').evaluate((e) => ({ overflowX: e.scrollWidth - e.clientWidth, overflowY: e.scrollHeight - e.clientHeight }));
    expect(reasonBox).toEqual({ overflowX: 0, overflowY: 0 });
    for (const kind of ['Symptoms', 'Replay', 'Metrics']) await expect(chips.getByRole('listitem').filter({ hasText: kind })).toContainText('Reproduced');
    for (const kind of ['Traces', 'Logs', 'Runbook']) await expect(chips.getByRole('listitem').filter({ hasText: kind })).toContainText('Not available');

    // Details from the keyboard: every reason and each evidence's explanation.
    const details = strip.getByRole('button', { name: 'Details' });
    await details.focus();
    await page.keyboard.press('Enter');
    await expect(strip.getByRole('button', { name: 'Hide details' })).toHaveAttribute('aria-expanded', 'true');
    const table = strip.getByRole('region', { name: 'Verdict details' }).getByRole('table');
    await expect(table.getByRole('row', { name: /^Metrics/ })).toContainText("The reproduction behaves like the incident's canary");
    await expect(table.getByRole('row', { name: /^Replay/ })).toContainText('All 8 replayed requests got the recorded answer');
    await expect(table.getByRole('row', { name: /^Logs/ })).toContainText('repro logs <bundle> --compare <session>');
    expect(await axeViolations(page, '.verdict-strip')).toEqual([]);
    await snap(page, 'verdict-strip-details');
    await page.keyboard.press('Enter');
    await expect(strip.getByRole('region', { name: 'Verdict details' })).toHaveCount(0);

    // The Record pane: the computed verdict is offered first, its evidence ticked, the other verdict an override.
    await page.getByRole('tab', { name: 'Record' }).click();
    await expect(page.getByTestId('computed-verdict')).toContainText('The workbench says reproduced (high confidence)');
    await expect(page.getByTestId('verdict')).toContainText('Reproduced (computed)');
    const confirm = page.getByRole('button', { name: 'Confirm: reproduced' });
    const override = page.getByRole('button', { name: 'Override: not reproducible' });
    await expect(confirm).toHaveClass(/primary/);
    await expect(override).toBeVisible();
    await expect(page.getByText(/event\(s\) linked as evidence \(the computed verdict’s\)/)).toBeVisible();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await expect(timeline).toContainText('replay max: 8/8 matched');
    await expect(timeline.getByRole('checkbox', { checked: true })).not.toHaveCount(0);
    expect(await axeViolations(page, '.record-pane')).toEqual([]);
    // The strip's long reason is cut with an ellipsis: it never widens the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await snap(page, 'record-computed-verdict');

    // The person overrides from the keyboard; both words are kept and the report opens with them.
    await page.getByLabel('Verdict note').fill('payments was stubbed in this run');
    await override.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('verdict')).toContainText('Not reproducible');
    await expect(page.getByTestId('verdict')).not.toContainText('(computed)');
    await expect(timeline).toContainText('payments was stubbed in this run');
    // The strip still shows what the workbench computed: the person's word does not rewrite it.
    await expect(strip.getByTestId('verdict-value')).toHaveText('Reproduced');
    expect(await axeViolations(page, '.record-pane')).toEqual([]);
    await snap(page, 'record-overridden');
    const md = repro(served.home, ['report', session, '--format', 'md']);
    const first = md.slice(md.indexOf('## Reproduction verdict'), md.indexOf('## Incident'));
    expect(first).toContain('**Not reproducible (marked by a person)**');
    expect(first).toContain('This overrides the computed verdict ("reproduced", high confidence). Note: payments was stubbed in this run');
  });
});
