/**
 * Focus management: focus never drops to <body>. When an action removes or disables the focused
 * control (opening the sample, Close bundle, a pane switch with Alt+N, a button that becomes
 * "Running…"), focus goes to a place that makes sense: the control the view names for it, else
 * the heading of the pane now shown (headings take focus with tabindex=-1), so a keyboard user
 * goes on from there and a screen reader reads where they are.
 */

/** The heading of the pane shown now (each pane has one h1). */
function paneHeading(): HTMLElement | null {
  return document.querySelector<HTMLElement>('#pane h1');
}

function focusHeading(el: HTMLElement): void {
  if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
  el.focus();
}

/** True when nothing meaningful has focus (the body, or an element that is gone or disabled). */
export function focusIsLost(): boolean {
  const a = document.activeElement as (HTMLElement & { disabled?: boolean }) | null;
  return !a || a === document.body || !a.isConnected || a.disabled === true;
}

/**
 * Focus the heading of the pane as soon as it is rendered (panes load lazily), unless the user
 * has put focus somewhere meanwhile (`onlyIfLost`).
 */
export function focusPaneHeading(opts: { onlyIfLost?: boolean } = {}): void {
  const tryNow = () => {
    const h = paneHeading();
    if (!h) return false;
    if (!opts.onlyIfLost || focusIsLost()) focusHeading(h);
    return true;
  };
  requestAnimationFrame(() => {
    if (tryNow()) return;
    const host = document.getElementById('pane');
    if (!host) return;
    const mo = new MutationObserver(() => {
      if (tryNow()) mo.disconnect();
    });
    mo.observe(host, { childList: true, subtree: true });
    setTimeout(() => mo.disconnect(), 10_000);
  });
}

/**
 * Focus `el` when focus is lost (the control the user was on went away or was disabled). Call it
 * from an effect of the render that shows `el`: it runs before the safety net's frame.
 */
export function focusWhenLost(el: HTMLElement | null | undefined): void {
  if (el && focusIsLost()) el.focus();
}

/**
 * The safety net, started once: whenever the DOM changes and the element that had focus is gone or
 * disabled, the pane's heading takes focus. Views that know a better place move focus first.
 */
export function startFocusKeeper(): () => void {
  let last: HTMLElement | null = null;
  let pending = false;
  const onFocusIn = (e: FocusEvent) => {
    last = e.target instanceof HTMLElement ? e.target : null;
  };
  const check = () => {
    pending = false;
    if (!last) return;
    const gone = !last.isConnected || (last as HTMLElement & { disabled?: boolean }).disabled === true;
    if (gone && focusIsLost()) {
      last = null;
      focusPaneHeading({ onlyIfLost: true });
    }
  };
  const mo = new MutationObserver(() => {
    // one check per frame, however many rows or log lines changed in it
    if (pending || !last) return;
    pending = true;
    requestAnimationFrame(check);
  });
  document.addEventListener('focusin', onFocusIn);
  mo.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  return () => {
    document.removeEventListener('focusin', onFocusIn);
    mo.disconnect();
  };
}
