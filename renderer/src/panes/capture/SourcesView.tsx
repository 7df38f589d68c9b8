import { useCapture } from '../../store/capture';

/** Step 1: running compose projects and containers, ticked to capture. */
export function SourcesView() {
  const { sources, loadingSources, sourcesError, project, containers, planning, planError, loadSources, toggleProject, toggleContainer, review } = useCapture();
  const nothing = sources && sources.projects.length === 0 && sources.containers.length === 0;
  const canReview = Boolean(project || containers.length) && !planning;

  return (
    <div className="capture-step">
      <div className="capture-step-head">
        <h2>1. What to capture</h2>
        <button type="button" onClick={() => void loadSources()} disabled={loadingSources}>
          {loadingSources ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {sourcesError && (
        <p className="error" role="alert">
          {sourcesError}
        </p>
      )}
      {nothing && <p className="muted">Nothing is running on the engine: start the environment to capture (docker compose up, docker run), then Refresh.</p>}
      {sources && sources.projects.length > 0 && (
        <fieldset className="capture-sources">
          <legend>Compose projects (one at a time)</legend>
          {sources.projects.map((p) => (
            <div key={p.name} className="capture-source">
              <label>
                <input type="checkbox" checked={project === p.name} onChange={() => toggleProject(p.name)} />
                <strong>{p.name}</strong>
              </label>
              <span className="muted small">
                {p.services.length} service{p.services.length === 1 ? '' : 's'}: {p.services.join(', ')}
                {p.containers.some((c) => c.state !== 'running') && ` · stopped: ${p.containers.filter((c) => c.state !== 'running').map((c) => c.name).join(', ')}`}
              </span>
            </div>
          ))}
        </fieldset>
      )}
      {sources && (sources.containers.length > 0 || sources.projects.length > 0) && (
        <fieldset className="capture-sources">
          <legend>Or containers</legend>
          {[...sources.containers, ...sources.projects.flatMap((p) => p.containers.filter((c) => c.state === 'running'))].map((c) => (
            <div key={c.id} className="capture-source">
              <label>
                <input type="checkbox" checked={containers.includes(c.id)} onChange={() => toggleContainer(c.id)} />
                <span className="mono">{c.name}</span>
              </label>
              <span className="muted small">
                {c.image}
                {c.project ? ` · ${c.project}/${c.service ?? '?'}` : ''}
              </span>
            </div>
          ))}
        </fieldset>
      )}
      {planError && (
        <p className="error capture-error" role="alert">
          {planError}
        </p>
      )}
      <p>
        <button type="button" className="primary" disabled={!canReview} onClick={() => void review()}>
          {planning ? 'Describing…' : 'Review what will be captured'}
        </button>
      </p>
    </div>
  );
}
