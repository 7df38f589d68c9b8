import { expect, snap, startSampleSessionFromUi, test } from './fixtures';

// The Replay pane against the real engine: bring the sample up from the UI, replay its traffic at
// max rate, see every response match (100%), open a result, and stop the session.
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
    await pane.getByLabel('Mode').selectOption('max');
    await pane.getByRole('button', { name: 'Start replay' }).click();
    await expect(pane.locator('.replay-rate')).toHaveText('100.0%', { timeout: 60_000 });
    await expect(pane.locator('.replay-counts')).toContainText('8 matched');
    await expect(pane.getByRole('button', { name: 'matched (8)' })).toBeVisible();
    await pane.getByRole('row', { name: /cart=big/ }).first().click();
    await expect(pane.getByText('Matched the recording')).toBeVisible();
    await expect(pane.getByText(/Repro is /)).toBeVisible();
    await snap(page, 'replay-pane');

    await page.getByRole('tab', { name: 'Environment' }).click();
    await card.getByRole('button', { name: 'Stop session' }).click();
    await expect(card).toBeHidden({ timeout: 60_000 });
  });
});
