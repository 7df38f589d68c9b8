import { Suspense, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { api } from './api';
import { ErrorNote } from './components/ErrorNote';
import { ProgressBar } from './components/ProgressBar';
import { VerdictStrip } from './components/VerdictStrip';
import { PANES } from './panes';
import { PANE_IDS, useApp } from './store/app';
import { runningBars, useOperations } from './store/operations';

function StatusBar() {
  const engine = useApp((s) => s.engine);
  const info = useApp((s) => s.info.data);
  const connected = useApp((s) => s.connected);
  return (
    <footer className="status-bar" role="status" aria-label="Status">
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
      {!connected && (
        <span className="status-connection bad" data-testid="connection">
          Connection to the workbench lost: reconnecting…
        </span>
      )}
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
            title={`${p.label} (Alt+${i + 1})`}
          >
            <span className="glyph" aria-hidden>
              {p.glyph}
            </span>
            {p.label}
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
        <button type="button" onClick={() => void closeBundle()}>
          Close bundle
        </button>
      )}
    </header>
  );
}

export function App() {
  const pane = useApp((s) => s.pane);
  const setPane = useApp((s) => s.setPane);
  useEffect(() => {
    // Alt+1..7 switches panes from anywhere (Monaco keeps its own Ctrl shortcuts).
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= PANE_IDS.length) {
        e.preventDefault();
        setPane(PANE_IDS[n - 1]!);
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
