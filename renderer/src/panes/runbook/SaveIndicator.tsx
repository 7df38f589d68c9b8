import type { SaveState } from '../../store/runbook';

export function SaveIndicator({ state, onRetry }: { state: SaveState; onRetry: () => void }) {
  if (state.kind === 'error') {
    // A conflict is not retried: the runbook changed elsewhere (another window, the CLI).
    const conflict = state.error.code === 'conflict';
    return (
      <span className="save-state bad" role="alert" data-error-code={state.error.code}>
        {conflict ? 'Changed elsewhere: reload the bundle to continue' : `Not saved: ${state.error.message}`}{' '}
        {!conflict && (
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
