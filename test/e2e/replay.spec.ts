import { expect, snap, startSampleSessionFromUi, test } from './fixtures';

// The Replay pane against the real engine: bring the sample up from the UI, replay its traffic as
// recorded while switching panes mid-run (nothing is lost, Start stays disabled), then at max
// rate, see every response match (100%), open a result, and stop the session.
const session = `e2e-replay-${Math.random().toString(36).slice(2, 8)}`;

test.describe('replay pane', () => {
  test.describe.configure({ timeout: 240_000 });

  test('replays the sample traffic and shows every response matched', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.locator('.top-title')).toContainText('INC-2041');
    const card = await startSampleSessionFromUi(page, session);

    await page.getByRole('tab', { name: 'Replay' }).click();
    const pane = page.getByRole('region', { name: 'Replay' });
    await expect(pane.getByLabel('Session', { exact: true })).toHaveValue(session);

    // As recorded, the sample's eight requests take about 14 s: leave the pane once two are back.
    await pane.getByRole('button', { name: 'Start replay' }).click();
    const results = pane.getByRole('grid', { name: 'Results' });
    await expect(pane.locator('.replay-counts')).toContainText(/sent [2-7]\/8/, { timeout: 30_000 });
    const firstRow = await results.getByRole('row').nth(1).textContent();
    const before = await results.getByRole('row').count();
    await page.getByRole('tab', { name: 'Environment' }).click();
    await expect(card).toBeVisible();
    await page.getByRole('tab', { name: 'Replay' }).click();
    // the same run: its rows are all still there, its progress shows, and it cannot be started twice
    await expect(pane.getByRole('progressbar', { name: 'Replaying' })).toBeVisible();
    await expect(pane.getByRole('button', { name: 'Stop' })).toBeVisible();
    await expect(pane.getByRole('button', { name: 'Start replay' })).toHaveCount(0);
    expect(await results.getByRole('row').count()).toBeGreaterThanOrEqual(before);
    await expect(results.getByRole('row').nth(1)).toHaveText(firstRow!);
    await snap(page, 'replay-mid-run-after-pane-switch');
    // it ends on its own: the bar closes, every response matched
    await expect(pane.locator('.replay-rate')).toHaveText('100.0%', { timeout: 60_000 });
    await expect(pane.getByRole('progressbar', { name: 'Replaying' })).toHaveCount(0);
    await expect(pane.getByRole('button', { name: 'Start replay' })).toBeEnabled();
    await expect(pane.locator('.replay-counts')).toContainText('sent 8/8');

    await pane.getByLabel('Mode').selectOption('max');
    await pane.getByRole('button', { name: 'Start replay' }).click();
    await expect(pane.locator('.replay-rate')).toHaveText('100.0%', { timeout: 60_000 });
    await expect(pane.locator('.replay-counts')).toContainText('8 matched');
    await expect(pane.getByRole('button', { name: 'matched (8)' })).toBeVisible();
    await pane.getByRole('row', { name: /cart=big/ }).first().click();
    await expect(pane.getByText('Matched the recording')).toBeVisible();
    // The results grid is walked by keyboard: the selected row holds focus and the details follow.
    await page.keyboard.press('ArrowDown');
    await expect(pane.getByRole('heading', { name: /^#3 GET .*cart=legacy/ })).toBeVisible();
    await expect(pane.getByRole('row', { selected: true })).toBeFocused();
    await expect(pane.getByText(/Repro is /)).toBeVisible();
    await snap(page, 'replay-pane');

    await page.getByRole('tab', { name: 'Environment' }).click();
    await card.getByRole('button', { name: 'Stop session' }).click();
    await expect(card).toBeHidden({ timeout: 60_000 });
  });
});
