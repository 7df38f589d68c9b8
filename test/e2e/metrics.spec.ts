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
