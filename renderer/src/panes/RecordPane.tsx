import { EmptyState } from '../components/EmptyState';
import { useApp } from '../store/app';

/** Placeholder until the record area lands its pane; replaced wholesale by that work. */
export default function RecordPane() {
  const bundle = useApp((s) => s.bundle);
  return (
    <section className="pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Record</h1>
      {bundle ? <p className="muted">Nothing to show for {bundle.manifest.incident.id} yet.</p> : <EmptyState />}
    </section>
  );
}
