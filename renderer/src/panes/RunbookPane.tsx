import { useEffect, useMemo, useRef, type ReactNode, type RefObject } from 'react';
import { focusWhenLost } from '../a11y/focus';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { checkServices, parseRunbook, type RunbookStep } from '../../../shared/runbook';
import { DiffEditor, Editor } from '../components/Editor';
import { EmptyState } from '../components/EmptyState';
import { ErrorNote } from '../components/ErrorNote';
import { useApp } from '../store/app';
import { cancelOperation, runningOperation, useOperations } from '../store/operations';
import { dataFor } from '../store/remote';
import { useRunbook } from '../store/runbook';
import { useSessionChoice } from '../store/session-choice';
import { Preview } from './runbook/Preview';
import { SaveIndicator } from './runbook/SaveIndicator';
import './RunbookPane.css';

export default function RunbookPane() {
  const bundle = useApp((s) => s.bundle);
  if (!bundle) {
    return (
      <section className="pane" aria-labelledby="pane-title">
        <h1 id="pane-title">Runbook</h1>
        <EmptyState />
      </section>
    );
  }
  return <RunbookWorkspace handle={bundle.handle} serviceNames={bundle.manifest.services.map((s) => s.name)} />;
}

function RunbookWorkspace({ handle, serviceNames }: { handle: string; serviceNames: string[] }) {
  const { workspace, text, textVersion, save, view, diffBase, diffText, tabMovesFocus, open, edit, saveNow, setView, setDiffBase, setTabMovesFocus, loadDiff, run, stop } = useRunbook();
  const { session, setSession } = useSessionChoice();
  const current = useRunbook((s) => (session ? s.runs[session] : undefined));
  // One run per session, whoever started it (this window, another one, the CLI).
  const busyOp = useOperations((s) => (session ? runningOperation(s, 'runbook.run', { session }) : undefined));
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const runAllRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const ws = dataFor(workspace, handle);
  // What the editor starts from: the text as it is when the editor mounts or a load replaces it.
  // Typing does not flow back into the editor (that would race the keystrokes and reset the cursor).
  const seed = useMemo(() => useRunbook.getState().text, [textVersion]);

  // The working copy is loaded once per bundle; coming back to the pane keeps the text as typed.
  useEffect(() => {
    if (useRunbook.getState().workspace.key !== handle) void open(handle);
  }, [handle, open]);
  useEffect(() => {
    if (view === 'diff' && ws) void loadDiff();
  }, [view, diffBase, ws, loadDiff]);

  const parsed = useMemo(() => {
    const p = parseRunbook(text);
    const checked = checkServices(p.steps, serviceNames);
    return { blocks: p.blocks.map((b) => (b.type === 'step' ? { ...b, step: checked[b.step.index]! } : b)), steps: checked };
  }, [text, serviceNames]);

  const reveal = (step: RunbookStep) => {
    setView('edit');
    const ed = editorRef.current;
    if (!ed) return;
    ed.revealLineInCenter(step.range.startLine);
    ed.setPosition({ lineNumber: step.range.startLine + 1, column: 1 });
    ed.focus();
  };

  if (workspace.key === handle && workspace.error && !ws) {
    return (
      <section className="pane" aria-labelledby="pane-title">
        <h1 id="pane-title">Runbook</h1>
        <ErrorNote error={workspace.error} onRetry={() => void open(handle)} />
      </section>
    );
  }
  if (!ws) return <p className="muted pad">Loading the runbook…</p>;

  const elsewhere = busyOp && busyOp.id !== current?.opId ? busyOp : undefined;
  const running = Boolean(current?.running) || Boolean(elsewhere);
  return (
    <RunbookView running={running} runAllRef={runAllRef} stopRef={stopRef}>
    <section className="pane runbook-pane" aria-labelledby="pane-title">
      <div className="runbook-toolbar">
        <h1 id="pane-title">Runbook</h1>
        <label className="small">
          Session{' '}
          <select aria-label="Session" value={session ?? ''} onChange={(e) => setSession(e.target.value || undefined)}>
            {ws.sessions.length === 0 && <option value="">no session of this bundle</option>}
            {ws.sessions.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.phase})
              </option>
            ))}
          </select>
        </label>
        <button ref={runAllRef} type="button" className="primary" disabled={!session || running || parsed.steps.length === 0} onClick={() => session && void run(session, 0)}>
          {running && current?.all ? 'Running…' : 'Run all'}
        </button>
        {running && session && (
          // Kills the running step (and what it started) inside the container, then stops the run.
          <button ref={stopRef} type="button" onClick={() => void (current?.running ? stop(session) : elsewhere && cancelOperation(elsewhere.id))}>
            Stop
          </button>
        )}
        <button
          type="button"
          className="runbook-tabkey"
          aria-pressed={tabMovesFocus}
          aria-keyshortcuts="Control+M"
          title="In the editor, Tab moves focus to the next control (on) or types a tab (off). Ctrl+M (Cmd+M) in the editor toggles it."
          onClick={() => setTabMovesFocus(!tabMovesFocus)}
        >
          Tab moves focus <kbd>Ctrl+M</kbd>
        </button>
        <div className="runbook-view" role="group" aria-label="View">
          <button type="button" aria-pressed={view === 'edit'} onClick={() => setView('edit')}>
            Edit
          </button>
          <button type="button" aria-pressed={view === 'diff'} onClick={() => setView('diff')}>
            Diff
          </button>
        </div>
        <SaveIndicator state={save} onRetry={() => void saveNow()} />
      </div>
      {!ws.hasBundleRunbook && <p className="muted small">This bundle has no runbook.md; what you write here is kept in your workspace for {ws.bundleId}.</p>}
      {ws.sessions.length === 0 && (
        <p className="muted small">
          Bring the environment up (Environment pane or <code>repro up</code>) to run steps.
        </p>
      )}
      <ErrorNote error={workspace.error} prefix="Sessions" />
      {elsewhere && (
        <p className="muted small" role="status">
          A run of {session} started {elsewhere.client === 'cli' ? 'by the repro CLI' : 'in another window'} is going ({elsewhere.progress?.label ?? 'starting'}); steps can run here when it ends.
        </p>
      )}
      <ErrorNote error={current?.error} />
      {view === 'diff' ? (
        <div className="runbook-diff">
          <label className="small">
            Compare with{' '}
            <select aria-label="Compare with" value={diffBase} onChange={(e) => setDiffBase(e.target.value)}>
              <option value="bundle">the bundle's version</option>
              {ws.versions.map((v) => (
                <option key={v.id} value={v.id}>
                  save of {new Date(v.savedAt).toLocaleString()}
                </option>
              ))}
            </select>
          </label>
          <ErrorNote error={diffText.error} prefix="Could not load this version" />
          <DiffEditor
            original={dataFor(diffText, `${ws.bundleId}:${diffBase}`) ?? ''}
            modified={text}
            language="markdown"
            height="max(16rem, calc(100vh - 230px))"
            originalLabel={diffBase === 'bundle' ? "Bundle's runbook" : 'Earlier save'}
            modifiedLabel="Your copy"
          />
        </div>
      ) : (
        <div className="runbook-split">
          <div className="runbook-editor">
            <Editor
              key={textVersion}
              value={seed}
              language="markdown"
              onChange={edit}
              height="max(16rem, calc(100vh - 200px))"
              ariaLabel={tabMovesFocus ? 'Runbook editor. Tab moves focus; Ctrl+M to type tabs instead' : 'Runbook editor. Tab types a tab; Ctrl+M to let Tab move focus'}
              tabMovesFocus={tabMovesFocus}
              onToggleTabMovesFocus={() => useRunbook.getState().setTabMovesFocus(!useRunbook.getState().tabMovesFocus)}
              onMount={(ed) => {
                editorRef.current = ed;
              }}
            />
          </div>
          <Preview
            blocks={parsed.blocks}
            steps={current?.steps ?? {}}
            canRun={Boolean(session) && !running}
            onRun={(step) => session && void run(session, step.index, step.index + 1)}
            onReveal={reveal}
          />
        </div>
      )}
    </section>
    </RunbookView>
  );
}

/**
 * Keeps focus on the toolbar as a run starts and ends: Run all turns disabled (so the focus goes
 * to Stop), and Stop goes away when the run ends (so it comes back to Run all).
 */
function RunbookView({ running, runAllRef, stopRef, children }: { running: boolean; runAllRef: RefObject<HTMLButtonElement | null>; stopRef: RefObject<HTMLButtonElement | null>; children: ReactNode }) {
  const was = useRef(running);
  useEffect(() => {
    if (was.current === running) return;
    was.current = running;
    focusWhenLost(running ? stopRef.current : runAllRef.current);
  }, [running, runAllRef, stopRef]);
  return <>{children}</>;
}
