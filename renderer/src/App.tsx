import { Suspense, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { focusPaneHeading, startFocusKeeper } from './a11y/focus';
import { api } from './api';
import { ErrorNote } from './components/ErrorNote';
import { ProgressBar } from './components/ProgressBar';
import { VerdictStrip } from './components/VerdictStrip';
import { PANES } from './panes';
import { PANE_IDS, useApp } from './store/app';
import { useAnnouncer } from './store/announcer';
import { runningBars, useOperations } from './store/operations';

/** The one polite live region: what the last operation ended with (store/announcer.ts). */
function Announcer() {
  const { message, seq } = useAnnouncer();
  return (
    <span className="status-announce" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer" title={message}>
      {/* a new node per announcement: the same words twice are read twice */}
      <span key={seq}>{message}</span>
    </span>
  );
}

function StatusBar() {
  const engine = useApp((s) => s.engine);
  const info = useApp((s) => s.info.data);
  const connected = useApp((s) => s.connected);
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-host" data-testid="host">
        {api.host === 'desktop' ? 'Desktop app' : 'Web host'}
        {info ? ` · v${info.version}` : ''}
      </span>
      <span className={`status-engine ${engine ? (engine.reachable ? 'ok' : 'bad') : ''}`} data-testid="engine" title={engine?.error ? `${engine.error}\n${engine.hint ?? ''}` : engine?.endpoint}>
        <span className="dot" aria-hidden />
        {!engine && 'Docker: checking…'}
        {engine?.reachable && `Docker ${engine.version} · ${engine.endpoint}`}
        {engine && !engine.reachable && `Docker unreachable — ${engine.hint ?? engine.error}`}
      </span>
      <span role="status" className="status-connection bad" data-testid="connection">
        {!connected && 'Connection to the workbench lost: reconnecting…'}
      </span>
      <Announcer />
    </footer>
  );
}

function Sidebar() {
  const { pane, setPane } = useApp();
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  // Arrow keys move between tabs (WAI-ARIA tabs pattern); Home/End jump to the ends.
  const onKeyDown = (e: KeyboardEvent) => {
    const i = PANES.findIndex((p) => p.id === pane);
    const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? PANES.length - 1 : -2;
    if (next === -2) return;
    e.preventDefault();
    const j = (next + PANES.length) % PANES.length;
    setPane(PANES[j]!.id);
    refs.current[j]?.focus();
  };
  return (
    <nav className="sidebar" aria-label="Panes">
      <div className="brand">
        <span className="brand-mark">R</span>
        <span>Repro Workbench</span>
      </div>
      <div role="tablist" aria-orientation="vertical" onKeyDown={onKeyDown}>
        {PANES.map((p, i) => (
          <button
            key={p.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            id={`tab-${p.id}`}
            aria-selected={pane === p.id}
            aria-controls="pane"
            tabIndex={pane === p.id ? 0 : -1}
            className={pane === p.id ? 'active' : ''}
            onClick={() => setPane(p.id)}
            title={`${p.label} (Alt+${(i + 1) % 10})`}
            aria-keyshortcuts={`Alt+${(i + 1) % 10}`}
          >
            <span className="glyph" aria-hidden>
              {p.glyph}
            </span>
            <span className="tab-label">{p.label}</span>
            <span className="tab-key" aria-hidden>
              Alt+{(i + 1) % 10}
            </span>
          </button>
        ))}
      </div>
    </nav>
  );
}

function BackgroundErrors() {
  const errors = useApp((s) => s.backgroundErrors);
  const dismiss = useApp((s) => s.dismissError);
  if (errors.length === 0) return null;
  return (
    <div className="background-errors">
      {errors.map((e) => (
        <ErrorNote key={e.id} error={e.error} prefix={e.what} onDismiss={() => dismiss(e.id)} />
      ))}
    </div>
  );
}

function TopBar() {
  const { bundle, closeBundle } = useApp();
  const operations = useOperations((s) => s.byId);
  const running = useMemo(() => runningBars({ byId: operations }), [operations]);
  return (
    <header className="top-bar">
      <div className="top-title">
        {bundle ? (
          <>
            <strong>{bundle.manifest.incident.id}</strong>
            <span className="muted"> · {bundle.manifest.incident.title}</span>
          </>
        ) : (
          <span className="muted">No bundle open</span>
        )}
      </div>
      {running.length > 0 && (
        <div className="top-tasks">
          {running.slice(0, 2).map((t) => (
            <ProgressBar key={t.task} progress={t} />
          ))}
        </div>
      )}
      <BackgroundErrors />
      {bundle && (
        <button
          type="button"
          onClick={() => {
            void closeBundle();
            // the button goes with the bundle: the pane (now its empty state) takes focus
            focusPaneHeading();
          }}
        >
          Close bundle
        </button>
      )}
    </header>
  );
}

/** "Traces · INC-2041 — Repro Workbench": the title names the pane and the incident (read first by screen readers, shown in tabs). */
function useDocumentTitle(): void {
  const pane = useApp((s) => s.pane);
  const incident = useApp((s) => s.bundle?.manifest.incident.id);
  useEffect(() => {
    const label = PANES.find((p) => p.id === pane)?.label ?? pane;
    document.title = `${label}${incident ? ` · ${incident}` : ''} — Repro Workbench`;
  }, [pane, incident]);
}

export function App() {
  const pane = useApp((s) => s.pane);
  const setPane = useApp((s) => s.setPane);
  useDocumentTitle();
  useEffect(() => startFocusKeeper(), []);
  useEffect(() => {
    // Alt+1..9 and Alt+0 switch panes from anywhere (Monaco keeps its own Ctrl shortcuts); focus goes to
    // the new pane's heading, unless it was on the sidebar (which keeps it, on the new tab).
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      // e.code: Alt+digit types another character on some layouts (macOS)
      const digit = /^Digit\d$/.test(e.code) ? Number(e.code.slice(5)) : Number(e.key);
      const n = digit === 0 ? 10 : digit; // Alt+0 is the tenth pane
      if (n >= 1 && n <= PANE_IDS.length) {
        e.preventDefault();
        const onSidebar = document.activeElement?.closest('.sidebar');
        setPane(PANE_IDS[n - 1]!);
        if (onSidebar) requestAnimationFrame(() => document.getElementById(`tab-${PANE_IDS[n - 1]}`)?.focus());
        else focusPaneHeading();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setPane]);
  const Active = PANES.find((p) => p.id === pane)!.component;
  return (
    <div className="shell">
      <Sidebar />
      <div className="main">
        <TopBar />
        <VerdictStrip />
        <main id="pane" role="tabpanel" aria-labelledby={`tab-${pane}`} className="pane-host">
          <Suspense fallback={<p className="muted pad">Loading…</p>}>
            <Active />
          </Suspense>
        </main>
        <StatusBar />
      </div>
    </div>
  );
}
