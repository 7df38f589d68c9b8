import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, reproCli as repro, repoRoot, snap, test } from './fixtures';

// One real session of the sample incident in the served workbench's home, brought up with the CLI.
const session = `e2e-rb-${Math.random().toString(36).slice(2, 8)}`;

test.describe('runbook and record panes', () => {
  test.describe.configure({ timeout: 240_000 });
  test.beforeAll(async ({ served }) => {
    repro(served.home, ['up', join(repoRoot, 'examples', 'incident-checkout'), '--session', session]);
  });
  test.afterAll(async ({ served }) => {
    repro(served.home, ['down', session]);
  });

  test('edit a step in Monaco, run it, see its output, mark reproduced, export the report', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.locator('.top-title')).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Runbook' }).click();
    await expect(page.getByLabel('Session')).toHaveValue(session);
    const editor = page.locator('.runbook-editor .monaco-editor');
    await expect(editor).toBeVisible();
    const step1 = page.getByRole('article', { name: 'Step 1', exact: true });
    await expect(step1).toContainText('env | grep NEW_PRICING');
    await snap(page, 'runbook-pane');

    // Edit step 1 in the editor: go to the end of its command line and append to it.
    await editor.locator('.view-line', { hasText: 'env | grep NEW_PRICING' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('; echo edited-in-e2e');
    await expect(step1.locator('.step-body')).toHaveText('env | grep NEW_PRICING; echo edited-in-e2e');
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });

    await step1.getByRole('button', { name: 'Run step 1', exact: true }).click();
    const out1 = step1.getByLabel('Step 1 output', { exact: true });
    await expect(out1).toContainText('NEW_PRICING=true');
    await expect(out1).toContainText('edited-in-e2e');
    await expect(out1).toContainText('exit 0');
    await expect(step1).toHaveClass(/step-ok/);

    // Its expectation checks the recorded output of the edited step.
    const step2 = page.getByRole('article', { name: 'Step 2', exact: true });
    await step2.getByRole('button', { name: 'Run step 2', exact: true }).click();
    await expect(step2.getByLabel('Step 2 expectations', { exact: true })).toContainText('contains "NEW_PRICING=true"');
    await expect(step2).toHaveClass(/step-ok/);

    // The http step's answer shows inline too.
    const step5 = page.getByRole('article', { name: 'Step 5', exact: true });
    await step5.getByRole('button', { name: 'Run step 5', exact: true }).click();
    await expect(step5.getByLabel('Step 5 output', { exact: true })).toContainText('pricing failed');
    await expect(step5.getByLabel('Step 5 output', { exact: true })).toContainText('HTTP 502');
    await step5.scrollIntoViewIfNeeded();
    // Running saved nothing new and the autosave settled (no save loop).
    await expect(page.getByTestId('save-state')).toHaveText('Saved');
    await snap(page, 'runbook-step-output');

    // The diff against the bundle's version shows the edit.
    await page.getByRole('button', { name: 'Diff' }).click();
    await expect(page.locator('.runbook-diff .monaco-diff-editor')).toBeVisible();
    await expect(page.locator('.runbook-diff .monaco-diff-editor')).toContainText('edited-in-e2e');
    // The changed line is highlighted (the diff ran in Monaco's local worker).
    await expect(page.locator('.runbook-diff .char-insert, .runbook-diff .line-insert').first()).toBeVisible();
    await snap(page, 'runbook-diff');
    await page.getByRole('button', { name: 'Edit' }).click();

    // Run all: every step in order, the replay included, each with its result inline.
    await page.getByRole('button', { name: 'Run all' }).click();
    const step12 = page.getByRole('article', { name: 'Step 12', exact: true });
    await expect(step12).toHaveClass(/step-ok/, { timeout: 120_000 });
    await expect(step12.getByLabel('Step 12 expectations', { exact: true })).toContainText('$.mismatched is 0');
    await expect(page.locator('.step-card.step-ok')).toHaveCount(12);
    await expect(page.getByRole('button', { name: 'Run all' })).toBeEnabled();

    // The record has every run; mark reproduced and export the report.
    await page.getByRole('tab', { name: 'Record' }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await expect(timeline).toContainText('runbook step 1 (sh on pricing): ok');
    await expect(timeline).toContainText('runbook step 5 (http on checkout): ok');
    await expect(timeline).toContainText('replay as-recorded: 8/8 matched');
    await page.getByLabel('Note', { exact: true }).fill('legacy cart answers 502 like in prod');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect(timeline).toContainText('note: legacy cart answers 502 like in prod');
    await page.getByLabel('Verdict note').fill('502 on the legacy cart');
    await page.getByRole('button', { name: 'Confirm: reproduced' }).click();
    await expect(page.getByTestId('verdict')).toContainText('Reproduced');
    await expect(page.getByTestId('ttr')).toBeVisible();
    await expect(page.getByTestId('repro-rate')).toHaveText('100%');
    await snap(page, 'record-pane');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report' }).click()]);
    expect(download.suggestedFilename()).toBe(`repro-report-${session}.html`);
    const html = readFileSync((await download.path())!, 'utf8');
    expect(html).toContain('Reproduction report: INC-2041');
    expect(html).toContain('edited-in-e2e');
    expect(html).toContain('502 on the legacy cart');
    expect(html).not.toContain('pk-e2e-not-stored');
    // Look at the exported document as a reader would.
    const reader = await page.context().newPage();
    await reader.setContent(html);
    await snap(reader, 'report-export');
    await reader.close();
  });
  test('Stop kills a running step inside its container and shows it was cancelled', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    // the open shows the Incident pane when it ends: wait for it, or it takes the pane back from the click below
    await expect(page.getByRole('heading', { level: 1 })).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Runbook' }).click();
    await expect(page.getByLabel('Session')).toHaveValue(session);
    const editor = page.locator('.runbook-editor .monaco-editor');
    await editor.locator('.view-line', { hasText: 'env | grep NEW_PRICING' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type('; sleep 300');
    const step1 = page.getByRole('article', { name: 'Step 1', exact: true });
    await expect(step1.locator('.step-body')).toContainText('sleep 300');
    await step1.getByRole('button', { name: 'Run step 1', exact: true }).click();
    const out1 = step1.getByLabel('Step 1 output', { exact: true });
    await expect(out1).toContainText('NEW_PRICING=true');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(out1).toContainText('exit 130', { timeout: 15_000 });
    await expect(step1).toContainText('cancelled; stopped it and everything it started');
    await expect(page.getByRole('button', { name: 'Stop', exact: true })).toHaveCount(0);
    await snap(page, 'runbook-stopped');
  });
});
