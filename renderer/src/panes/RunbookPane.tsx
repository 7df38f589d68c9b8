import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { RunbookUpdate, RunbookWorkspaceInfo } from '../../../shared/api/methods/runbook';
import { checkServices, parseRunbook, type RunbookStep, type StepRunResult } from '../../../shared/runbook';
import { api, runOperation } from '../api';
import { DiffEditor, Editor } from '../components/Editor';
import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';
import { useSessionChoice } from '../store/session-choice';
import './RunbookPane.css';

/** Autosave waits for a pause in typing this long. */
const AUTOSAVE_MS = 800;

type SaveState = { kind: 'saved'; at: number } | { kind: 'dirty' } | { kind: 'saving' } | { kind: 'error'; message: string; conflict?: boolean };
interface StepState {
  /** The step text the state belongs to: an edited step loses its old output. */
  body: string;
  running: boolean;
  output: string;
  result?: StepRunResult;
}

// Our own sanitizer instance, so its link hook does not change DOMPurify for other panes.
const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  // A link in a runbook must not navigate the workbench itself away.
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

function renderProse(markdown: string): string {
  // Bundles may be hostile: the preview is sanitized, with no scripts, handlers or remote loads.
  const html = marked.parse(markdown, { async: false, gfm: true });
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'img', 'iframe', 'form', 'input'], FORBID_ATTR: ['style'] });
}

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
  return <RunbookWorkspace key={bundle.handle} handle={bundle.handle} serviceNames={bundle.manifest.services.map((s) => s.name)} />;
}

function RunbookWorkspace({ handle, serviceNames }: { handle: string; serviceNames: string[] }) {
  const [ws, setWs] = useState<RunbookWorkspaceInfo>();
  const [loadError, setLoadError] = useState<string>();
  const [text, setText] = useState('');
  // What the editor is seeded with; typing does not flow back into it (that would race the
  // keystrokes and reset the cursor), only a load does.
  const [editorSeed, setEditorSeed] = useState('');
  const [save, setSave] = useState<SaveState>({ kind: 'saved', at: 0 });
  const [view, setView] = useState<'edit' | 'diff'>('edit');
  const [diffBase, setDiffBase] = useState<string>('bundle');
  const [diffText, setDiffText] = useState<string>('');
  const [steps, setSteps] = useState<Record<number, StepState>>({});
  const [runningAll, setRunningAll] = useState(false);
  const [runError, setRunError] = useState<string>();
  const { session, setSession } = useSessionChoice();
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const revision = useRef<string>('');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const latestText = useRef('');
  const savingChain = useRef<Promise<void>>(Promise.resolve());

  useEffect(() => {
    api.call('runbook.open', { handle }).then(
      (info) => {
        setWs(info);
        setText(info.text);
        setEditorSeed(info.text);
        latestText.current = info.text;
        revision.current = info.revision;
        setSave({ kind: 'saved', at: Date.now() });
        const current = useSessionChoice.getState().session;
        const running = info.sessions.filter((s) => s.phase === 'running');
        if (!current || !info.sessions.some((s) => s.name === current)) setSession(running[0]?.name ?? info.sessions[0]?.name);
      },
      (err: Error) => setLoadError(err.message),
    );
  }, [handle, setSession]);

  // Sessions come and go (up/down in the Environment pane or the CLI): keep the choice current.
  const bundleId = ws?.bundleId;
  useEffect(() => {
    if (!bundleId) return;
    return api.on('sessionsChanged', () => {
      void api.call('runbook.sessions', { bundleId }).then((sessions) => {
        setWs((w) => (w ? { ...w, sessions } : w));
        const current = useSessionChoice.getState().session;
        if (!current || !sessions.some((x) => x.name === current)) setSession(sessions.find((x) => x.phase === 'running')?.name ?? sessions[0]?.name);
      }, () => undefined);
    });
  }, [bundleId, setSession]);

  const saveNow = useCallback((): Promise<void> => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (!ws) return Promise.resolve();
    // Saves go one after another so each is based on the revision the previous one produced.
    savingChain.current = savingChain.current.then(async () => {
      const body = latestText.current;
      setSave({ kind: 'saving' });
      try {
        const r = await api.call('runbook.save', { bundleId: ws.bundleId, text: body, baseRevision: revision.current });
        revision.current = r.revision;
        if (r.changed) setWs((w) => (w ? { ...w, versions: r.versions, revision: r.revision } : w));
        setSave(latestText.current === body ? { kind: 'saved', at: r.savedAt } : { kind: 'dirty' });
      } catch (err) {
        const e = err as Error & { code?: string };
        setSave({ kind: 'error', message: e.message, conflict: e.code === 'conflict' });
      }
    });
    return savingChain.current;
  }, [ws]);

  const saveNowRef = useRef(saveNow);
  saveNowRef.current = saveNow;

  const onChange = (value: string) => {
    latestText.current = value;
    setText(value);
    setSave({ kind: 'dirty' });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void saveNowRef.current();
    }, AUTOSAVE_MS);
  };

  // Do not lose the last keystrokes when leaving the pane (runs on unmount only).
  useEffect(
    () => () => {
      if (timer.current !== undefined) void saveNowRef.current();
    },
    [],
  );

  const parsed = useMemo(() => {
    const p = parseRunbook(text);
    const checked = checkServices(p.steps, serviceNames);
    return { blocks: p.blocks.map((b) => (b.type === 'step' ? { ...b, step: checked[b.step.index]! } : b)), steps: checked };
  }, [text, serviceNames]);

  // Live output of this pane's run (the operation's live data).
  const applyUpdate = (u: RunbookUpdate) =>
    setSteps((prev) => {
      const cur = prev[u.index];
      if (u.type === 'start') return { ...prev, [u.index]: { body: cur?.body ?? '', running: true, output: '' } };
      if (!cur) return prev;
      if (u.type === 'output') return { ...prev, [u.index]: { ...cur, output: cur.output + u.chunk } };
      return { ...prev, [u.index]: { ...cur, running: false, result: u.result, output: u.result.output || cur.output } };
    });

  const run = async (from: number, to?: number) => {
    if (!session) return;
    setRunError(undefined);
    await saveNow();
    const body = latestText.current;
    const bodies = parseRunbook(body).steps;
    setSteps((prev) => {
      const next = { ...prev };
      for (let i = from; i < (to ?? bodies.length); i++) next[i] = { body: bodies[i]?.body ?? '', running: false, output: '' };
      return next;
    });
    if (to === undefined) setRunningAll(true);
    try {
      const result = await runOperation('runbook.run', { session, text: body, from, ...(to !== undefined ? { to } : {}) }, { onDetail: applyUpdate }).result;
      // Events may arrive late or not at all (reconnecting socket): the reply is the truth.
      setSteps((prev) => {
        const next = { ...prev };
        for (const r of result.steps) next[r.index] = { body: bodies[r.index]?.body ?? '', running: false, output: r.output, result: r };
        return next;
      });
    } catch (err) {
      setRunError((err as Error).message);
      setSteps((prev) => Object.fromEntries(Object.entries(prev).map(([k, v]) => [k, { ...v, running: false }])));
    } finally {
      setRunningAll(false);
    }
  };

  useEffect(() => {
    if (view !== 'diff' || !ws) return;
    if (diffBase === 'bundle') setDiffText(ws.bundleText);
    else api.call('runbook.version', { bundleId: ws.bundleId, id: diffBase }).then((r) => setDiffText(r.text), (e: Error) => setDiffText(`(could not load this version: ${e.message})`));
  }, [view, diffBase, ws]);

  const reveal = (step: RunbookStep) => {
    setView('edit');
    const ed = editorRef.current;
    if (!ed) return;
    ed.revealLineInCenter(step.range.startLine);
    ed.setPosition({ lineNumber: step.range.startLine + 1, column: 1 });
    ed.focus();
  };

  if (loadError) {
    return (
      <section className="pane" aria-labelledby="pane-title">
        <h1 id="pane-title">Runbook</h1>
        <p role="alert" className="error">
          {loadError}
        </p>
      </section>
    );
  }
  if (!ws) return <p className="muted pad">Loading the runbook…</p>;

  const anyRunning = runningAll || Object.values(steps).some((s) => s.running);
  return (
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
        <button type="button" className="primary" disabled={!session || anyRunning || parsed.steps.length === 0} onClick={() => void run(0)}>
          {runningAll ? 'Running…' : 'Run all'}
        </button>
        {anyRunning && session && (
          // Kills the running step (and what it started) inside the container, then stops the run.
          <button type="button" onClick={() => void api.call('runbook.stop', { session })}>
            Stop
          </button>
        )}
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
      {ws.sessions.length === 0 && <p className="muted small">Bring the environment up (Environment pane or <code>repro up</code>) to run steps.</p>}
      {runError && (
        <p role="alert" className="error">
          {runError}
        </p>
      )}
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
          <DiffEditor original={diffText} modified={text} language="markdown" height="calc(100vh - 230px)" originalLabel={diffBase === 'bundle' ? "Bundle's runbook" : 'Earlier save'} modifiedLabel="Your copy" />
        </div>
      ) : (
        <div className="runbook-split">
          <div className="runbook-editor">
            <Editor
              value={editorSeed}
              language="markdown"
              onChange={onChange}
              height="calc(100vh - 200px)"
              ariaLabel="Runbook editor"
              onMount={(ed) => {
                editorRef.current = ed;
              }}
            />
          </div>
          <div className="runbook-preview" aria-label="Runbook preview">
            {parsed.blocks.map((b, i) =>
              b.type === 'prose' ? (
                <div key={`p${i}`} className="runbook-prose" dangerouslySetInnerHTML={{ __html: renderProse(b.markdown) }} />
              ) : (
                <StepCard
                  key={`s${b.step.index}`}
                  step={b.step}
                  state={steps[b.step.index]?.body === b.step.body ? steps[b.step.index] : undefined}
                  canRun={Boolean(session) && !anyRunning}
                  onRun={() => void run(b.step.index, b.step.index + 1)}
                  onReveal={() => reveal(b.step)}
                />
              ),
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  if (state.kind === 'error') {
    return (
      <span className="save-state bad" role="alert">
        {state.conflict ? 'Changed elsewhere: reload the bundle to continue' : `Not saved: ${state.message}`}{' '}
        {!state.conflict && (
          <button type="button" className="link" onClick={onRetry}>
            retry
          </button>
        )}
      </span>
    );
  }
  const label = state.kind === 'saving' ? 'Saving…' : state.kind === 'dirty' ? 'Unsaved changes' : 'Saved';
  return (
    <span className={`save-state ${state.kind}`} data-testid="save-state" role="status">
      {label}
    </span>
  );
}

function describeStep(step: RunbookStep): string {
  switch (step.kind) {
    case 'sh':
      return `shell in ${step.service || '?'}`;
    case 'http':
      return step.request ? `${step.request.method} ${step.request.service}${step.request.path}` : 'HTTP request';
    case 'replay':
      return `replay the recorded traffic${step.mode ? ` (${step.mode})` : ''}`;
    case 'expect':
      return `check the previous step (${step.assertions.length} assertion${step.assertions.length === 1 ? '' : 's'})`;
  }
}

function StepCard({ step, state, canRun, onRun, onReveal }: { step: RunbookStep; state?: StepState; canRun: boolean; onRun: () => void; onReveal: () => void }) {
  const r = state?.result;
  const status = state?.running ? 'running' : r ? (r.ok ? 'ok' : 'failed') : 'idle';
  const output = state?.output ?? '';
  return (
    <article className={`step-card step-${status}`} aria-label={`Step ${step.index + 1}`} data-step={step.index}>
      <header>
        <span className={`badge step-kind kind-${step.kind}`}>{step.kind}</span>
        <span className="step-title">
          Step {step.index + 1}: {describeStep(step)}
        </span>
        <button type="button" className="link small" onClick={onReveal} title="Show in the editor">
          line {step.range.startLine}
        </button>
        <button type="button" onClick={onRun} disabled={!canRun || Boolean(step.problem)} aria-label={`Run step ${step.index + 1}`}>
          {state?.running ? 'Running…' : 'Run'}
        </button>
      </header>
      {step.kind !== 'expect' && <pre className="step-body">{step.body}</pre>}
      {step.kind === 'expect' && !r && <pre className="step-body">{step.body}</pre>}
      {step.problem && (
        <p className="error small" role="note">
          {step.problem}
        </p>
      )}
      {r?.expectation ? (
        <ul className="step-assertions" aria-label={`Step ${step.index + 1} expectations`}>
          {r.expectation.results.map((a) => (
            <li key={a.line} className={a.ok ? 'ok' : 'bad'}>
              <span aria-hidden>{a.ok ? '✓' : '✗'}</span> <code>{a.assertion}</code> — {a.message}
            </li>
          ))}
        </ul>
      ) : (
        (output || r || state?.running) && (
          <div className="step-output" aria-label={`Step ${step.index + 1} output`}>
            <div className="small muted">
              {state?.running ? 'running…' : r ? `${r.status !== undefined ? `HTTP ${r.status} · ` : ''}exit ${r.exitCode} · ${r.durationMs} ms` : ''}
            </div>
            {output && <pre>{output}</pre>}
          </div>
        )
      )}
      {r?.error && (
        <p className="error small" role="alert">
          {r.error}
        </p>
      )}
    </article>
  );
}
