import { expect, snap, test } from './fixtures';

test.describe('app shell over repro serve', () => {
  test('shows the panes, the host and the Docker engine state', async ({ workbenchPage: page }) => {
    await expect(page.getByRole('tab', { name: 'Incident' })).toHaveAttribute('aria-selected', 'true');
    for (const name of ['Environment', 'Replay', 'Traces', 'Metrics', 'Runbook', 'Record', 'Game day']) {
      await expect(page.getByRole('tab', { name })).toBeVisible();
    }
    await expect(page.getByTestId('host')).toContainText('Web host');
    // The real engine answers on this machine (CI starts dockerd): its version is shown.
    await expect(page.getByTestId('engine')).toContainText(/Docker \d+\.\d+/);
    await expect(page.getByRole('heading', { name: 'Open an incident bundle' })).toBeVisible();
    // the token left the address bar once read
    expect(page.url()).not.toContain('token=');
    await snap(page, 'shell-empty');
  });

  test('keyboard moves between panes', async ({ workbenchPage: page }) => {
    await page.getByRole('tab', { name: 'Incident' }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('tab', { name: 'Environment' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tab', { name: 'Environment' })).toBeFocused();
    await page.keyboard.press('Alt+4');
    await expect(page.getByRole('tab', { name: 'Traces' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Traces' }).focus();
    await page.keyboard.press('End');
    // the last pane (with no session running: its empty state must render without a loop)
    await expect(page.getByRole('tab', { name: 'Game day' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { name: 'Game day' })).toBeVisible();
  });

  test('opening a path that is not a bundle says why', async ({ workbenchPage: page }) => {
    await page.getByLabel('Bundle path').fill('/definitely/not/here');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('/definitely/not/here');
  });
});

test.describe('web host security', () => {
  test('API calls without the token get 401, with it 200', async ({ served, request }) => {
    const without = await request.post(`${served.origin}/api/call/app.info`, { data: {} });
    expect(without.status()).toBe(401);
    const wrong = await request.post(`${served.origin}/api/call/app.info`, { data: {}, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status()).toBe(401);
    const ok = await request.post(`${served.origin}/api/call/app.info`, { data: {}, headers: { authorization: `Bearer ${served.token}` } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).result.host).toBe('web');
  });

  test('a foreign Host header is refused (DNS rebinding)', async ({ served, request }) => {
    const res = await request.post(`${served.origin}/api/call/app.info`, {
      data: {},
      headers: { authorization: `Bearer ${served.token}`, host: 'evil.example:80' },
    });
    expect(res.status()).toBe(421);
  });

  test('invalid input is refused with invalid_argument naming the field', async ({ served, request }) => {
    const res = await request.post(`${served.origin}/api/call/bundle.open`, { data: { path: 42 }, headers: { authorization: `Bearer ${served.token}` } });
    expect(res.status()).toBe(200); // RPC: the reply carries the error
    const body = await res.json();
    expect(body.error.code).toBe('invalid_argument');
    expect(body.error.message).toContain('/path');
  });
});

test.describe('sample incident', () => {
  test('the empty state opens the shipped sample and shows its overview', async ({ workbenchPage: page }) => {
    await page.getByRole('button', { name: 'Open the sample incident' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('INC-2041');
    await expect(page.getByRole('cell', { name: /checkout/ }).first()).toBeVisible();
    await expect(page.getByRole('cell', { name: /pricing/ }).first()).toBeVisible();
    await expect(page.getByText('new-pricing: true')).toBeVisible();
    await snap(page, 'incident-sample');
  });
});
