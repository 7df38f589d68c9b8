import { expect, snap, test } from './fixtures';

test.describe('incident verification', () => {
  test('the sample verifies on open and its signature badge says trusted, and why', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.getByRole('heading', { name: 'Verification' })).toBeVisible();
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/);
    const badge = page.getByTestId('signature-badge');
    await expect(badge).toContainText('Signed · trusted');
    await expect(badge).toContainText('sample.pub.pem');
    const rows = page.locator('.file-results tbody tr');
    await expect(rows.first()).toContainText('OK');
    expect(await rows.count()).toBeGreaterThan(3);
    await badge.scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification');
  });
});
