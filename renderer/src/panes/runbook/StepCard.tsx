import type { RunbookStep } from '../../../../shared/runbook';
import type { StepState } from '../../store/runbook';

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

export function StepCard({ step, state, canRun, onRun, onReveal }: { step: RunbookStep; state?: StepState; canRun: boolean; onRun: () => void; onReveal: () => void }) {
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
            {/* focusable: a long output scrolls inside itself, by keyboard too */}
            {output && <pre tabIndex={0}>{output}</pre>}
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
