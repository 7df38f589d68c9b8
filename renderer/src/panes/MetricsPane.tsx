import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';

/** Placeholder until the metrics area lands its pane; replaced wholesale by that work. */
export default function MetricsPane() {
  const bundle = useApp((s) => s.bundle);
  return (
    <section className="pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Metrics</h1>
      {bundle ? <p className="muted">Nothing to show for {bundle.manifest.incident.id} yet.</p> : <EmptyState />}
    </section>
  );
}
