import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** WCAG 2.0 and 2.1, A and AA: what issue 20 holds every pane to. */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export type Scheme = 'light' | 'dark';

export interface AuditOptions {
  schemes?: Scheme[];
  /** Audit only this part of the page (a pane's own spec). */
  include?: string;
  /** 'all' also fails on moderate and minor violations (a pane's own, stricter spec). */
  impacts?: 'serious' | 'all';
}

/**
 * axe-core on the page as it is now, in both themes: returns one line per serious or critical
 * violation ("where [theme] rule: target — help"), so a test can list them all before failing.
 */
export async function audit(page: Page, where: string, opts: AuditOptions = {}): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of opts.schemes ?? ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    // Monaco re-themes from a matchMedia listener, a moment after the page's CSS: give the editors
    // that moment (their root's class) so axe does not read old tokens on the new background.
    // The diff editor's gutter also has the .monaco-editor class but never a theme's: not counted.
    const stale = scheme === 'dark' ? '.monaco-editor:not(.vs-dark):not(.gutter)' : '.monaco-editor.vs-dark:not(.gutter)';
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, stale, { timeout: 5000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    const builder = new AxeBuilder({ page }).withTags(WCAG);
    const result = await (opts.include ? builder.include(opts.include) : builder).analyze();
    for (const v of result.violations) {
      if (opts.impacts !== 'all' && v.impact !== 'serious' && v.impact !== 'critical') continue;
      for (const node of v.nodes) found.push(`${where} [${scheme}] ${v.id}: ${node.target.join(' ')} — ${node.failureSummary?.split('\n').slice(0, 2).join(' ') ?? v.help}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/** True when `target` has focus. */
export async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false);
}

/**
 * Press Tab (or Shift+Tab) until `target` has focus, as a keyboard user would; fails naming
 * where focus went when it is not reached in `max` presses (a trap, or the control is not reachable).
 */
export async function tabTo(page: Page, target: Locator, opts: { max?: number; back?: boolean } = {}): Promise<void> {
  const max = opts.max ?? 40;
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    seen.push(await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return a ? `${a.tagName.toLowerCase()}${a.getAttribute('role') ? `[role=${a.getAttribute('role')}]` : ''} "${(a.getAttribute('aria-label') ?? a.textContent ?? '').trim().slice(0, 40)}"` : 'nothing';
    }));
  }
  if (await isFocused(target)) return;
  throw new Error(`Tab never reached ${target} in ${max} presses; focus went: ${seen.join(' → ')}`);
}

/** The pane's heading has focus (after Alt+N, opening a bundle, closing it). */
export async function expectPaneHeadingFocused(page: Page): Promise<void> {
  await expect(page.locator('#pane h1').first()).toBeFocused();
}

/** Nothing scrolls sideways but what scrolls inside itself (WCAG 1.4.10 reflow). */
export async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const host = document.querySelector('.pane-host') as HTMLElement;
    return { page: document.documentElement.scrollWidth - window.innerWidth, pane: host.scrollWidth - host.clientWidth };
  });
  expect(overflow, `${where}: the page and the pane do not scroll sideways`).toEqual({ page: 0, pane: 0 });
}
