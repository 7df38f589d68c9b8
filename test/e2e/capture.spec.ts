import { startComposeApp, type ComposeApp } from '../integration/capture/compose-app';
import { audit, tabTo } from './a11y';
import { expect, snap, test } from './fixtures';

// The Capture flow against the real engine and a real compose project, driven from the keyboard:
// from the empty state, tick the project, review (env vars taken for secrets with their reason,
// one flipped by hand), capture with progress, and the new bundle opens verified.

let app: ComposeApp;

test.describe('capture pane', () => {
  test.describe.configure({ timeout: 180_000 });
  test.beforeAll(async () => {
    app = await startComposeApp({ defaultBridge: true });
  });
  test.afterAll(async () => {
    await app?.down();
    await app?.removeImages();
  });

  test('tick a compose project, review its secrets, flip one, capture, and the bundle opens', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Capture from running containers…' }).click();
    await expect(page.getByRole('tab', { name: 'Capture' })).toHaveAttribute('aria-selected', 'true');
    const project = page.getByRole('checkbox', { name: app.project, exact: true });
    await expect(project).toBeVisible();
    // from the keyboard: tick the project, review
    await tabTo(page, project, { max: 80 });
    await page.keyboard.press('Space');
    await expect(project).toBeChecked();
    await snap(page, 'capture-sources');
    await tabTo(page, page.getByRole('button', { name: 'Review what will be captured' }), { max: 80 });
    await page.keyboard.press('Enter');

    const web = page.getByRole('article', { name: 'Service web' });
    await expect(web).toBeVisible();
    await expect(page.getByRole('article', { name: 'Service pricing' })).toBeVisible();
    const row = (name: string) => web.getByRole('row', { name: new RegExp(`\\b${name}\\b`) });
    await expect(web.getByRole('checkbox', { name: 'Treat PAYMENT_KEY as a secret' })).toBeChecked();
    await expect(row('PAYMENT_KEY')).toContainText('name contains KEY');
    await expect(row('DATABASE_URL')).toContainText('value is a URL with user:password');
    await expect(row('DATABASE_URL')).toContainText('(name only)');
    await expect(web).not.toContainText(app.secrets.dbPassword);
    await expect(row('LOG_LEVEL')).toContainText('info');
    await expect(web.getByRole('checkbox', { name: 'Treat LOG_LEVEL as a secret' })).not.toBeChecked();
    // Flip one by hand: the backend says why it is a secret now.
    await tabTo(page, web.getByRole('checkbox', { name: 'Treat LOG_LEVEL as a secret' }), { max: 80 });
    await page.keyboard.press('Space');
    await expect(row('LOG_LEVEL')).toContainText('marked secret by hand');
    await expect(web.getByRole('checkbox', { name: 'Treat LOG_LEVEL as a secret' })).toBeChecked();
    await expect(web).toContainText('/data');
    await expect(web).toContainText('wget http://localhost:8080/cgi-bin/health');
    await page.getByLabel('Incident id').fill('INC-E2E-CAP');
    await expect(page.getByLabel('Bundle folder')).toHaveValue(/captures\/repro-cap-/);
    await snap(page, 'capture-review');
    expect(await audit(page, 'Capture', { include: '.capture-pane', impacts: 'all' })).toEqual([]);

    await tabTo(page, page.getByRole('button', { name: 'Capture', exact: true }), { max: 80 });
    await page.keyboard.press('Enter');
    // The bundle opens by itself when the capture is done, and verifies.
    await expect(page.locator('.top-title')).toContainText('INC-E2E-CAP', { timeout: 120_000 });
    await expect(page.getByRole('tab', { name: 'Incident' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('verify-status')).toHaveText(/Integrity holds/, { timeout: 30_000 });
    await expect(page.getByRole('row', { name: /^web/ })).toContainText('PAYMENT_KEY, DATABASE_URL, LOG_LEVEL');
    await snap(page, 'capture-opened');

    await page.getByRole('tab', { name: 'Capture' }).click();
    const summary = page.getByRole('status', { name: 'Capture summary' });
    await expect(summary).toContainText('INC-E2E-CAP');
    await expect(summary.getByRole('row', { name: /^web/ })).toContainText(/PAYMENT_KEY|DATABASE_URL|LOG_LEVEL/);
    for (const name of ['PAYMENT_KEY', 'DATABASE_URL', 'LOG_LEVEL']) await expect(summary.getByRole('row', { name: /^web/ })).toContainText(name);
    const progress = page.getByRole('region', { name: 'Capture progress' }).or(page.getByLabel('Capture progress'));
    await expect(progress.getByRole('progressbar', { name: /Saved image of web/ })).toBeVisible();
    await expect(progress.getByRole('progressbar', { name: /Copied \/data of web/ })).toBeVisible();
    await snap(page, 'capture-done');
    expect(await audit(page, 'Capture', { include: '.capture-pane', impacts: 'all' })).toEqual([]);
  });
});
