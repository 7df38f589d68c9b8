import AxeBuilder from '@axe-core/playwright';
import { expect, snap, test } from './fixtures';

// The Environment pane against the real engine: start the sample from the UI (secret typed in
// the prompt), see health, endpoints, drift and live logs, then stop it.
const session = `e2e-env-${Math.random().toString(36).slice(2, 8)}`;

test.describe('environment pane', () => {
  test.describe.configure({ timeout: 240_000 });

  test('start the sample with a prompted secret, watch it, stop it', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.locator('.top-title')).toContainText('INC-2041');
    await page.getByRole('tab', { name: 'Environment' }).click();

    const start = page.getByRole('button', { name: 'Start INC-2041' });
    // The required secret is missing: nothing can start until it is typed.
    await expect(start).toBeDisabled();
    // The runtime: local unless picked; the choice is kept in the store and moved with the arrow keys.
    const runtime = page.getByRole('group', { name: 'Runtime' });
    const local = runtime.getByRole('radio', { name: 'Local containers' });
    const swarm = runtime.getByRole('radio', { name: 'Swarm services' });
    await expect(local).toBeChecked();
    await local.focus();
    await page.keyboard.press('ArrowRight');
    await expect(swarm).toBeChecked();
    await expect(page.locator('#env-runtime-note')).toContainText('swarm manager');
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).include('.env-up').analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await snap(page, 'environment-runtime-choice');
    // kept across a pane switch (store), then back to local for this start
    await page.getByRole('tab', { name: 'Incident' }).click();
    await page.getByRole('tab', { name: 'Environment' }).click();
    await expect(swarm).toBeChecked();
    await swarm.press('ArrowLeft');
    await expect(local).toBeChecked();
    await page.getByLabel('Session name').fill(session);
    await page.getByLabel('Secret PAYMENT_KEY').fill('pk-typed-in-the-ui');
    await expect(start).toBeEnabled();
    // Sealed unless asked; asking says plainly what it opens.
    const egress = page.getByRole('checkbox', { name: 'Allow egress' });
    await expect(egress).not.toBeChecked();
    await expect(page.locator('#env-egress-note')).toContainText('Sealed: the containers reach each other');
    await egress.check();
    await expect(page.getByRole('alert').filter({ hasText: 'will reach the internet, your LAN and this machine' })).toBeVisible();
    await snap(page, 'environment-egress-warning');
    await egress.press('Space'); // and off again, from the keyboard
    await expect(egress).not.toBeChecked();

    await start.click();

    const card = page.getByRole('article', { name: `Session ${session}` });
    await expect(card).toBeVisible({ timeout: 180_000 });
    await expect(card.getByRole('row', { name: /checkout/ })).toContainText('healthy');
    await expect(card.getByRole('row', { name: /pricing/ })).toContainText('healthy');
    await expect(card).toContainText('Drift: none');
    await expect(card.getByTestId('sandbox-status')).toHaveText('sealed');
    await expect(card.getByTestId('session-runtime')).toContainText(/local\s+on unix:\/\//);
    const endpoint = card.getByRole('link', { name: /8080 → http:\/\/127\.0\.0\.1:\d+/ });
    await expect(endpoint).toBeVisible();

    // The log view follows the session that was just started (lines themselves are covered by
    // the integration tests: the sample's busybox httpd writes none on its own).
    const logs = page.getByRole('region', { name: 'Logs' });
    await expect(logs.getByLabel('Log session')).toHaveValue(session);
    await expect(logs.getByLabel('Log service')).toContainText('checkout');
    await snap(page, 'environment-pane');

    await card.getByRole('button', { name: 'Stop session' }).click();
    await expect(card).toBeHidden({ timeout: 60_000 });
  });
});
