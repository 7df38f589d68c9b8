/**
 * Traces: load a bundle's traces, a running session's OTLP output or a file; pick a trace from
 * the searchable list; walk it on the canvas waterfall by keyboard like a debugger walks a
 * stack; see its service map; compare it with any other loaded trace. Views in panes/traces/.
 */
import { useEffect } from 'react';
import { useApp } from '../store/app';
import { useTraces } from '../store/traces';
import { SourceBar } from './traces/SourceBar';
import { TraceList } from './traces/TraceList';
import { TraceView } from './traces/TraceView';
import './traces/traces.css';

export default function TracesPane() {
  const bundle = useApp((s) => s.bundle);
  const { sources, active, trace, setTrace, load, loading } = useTraces();
  const source = sources.find((s) => s.key === active);
  // Open the bundle's traces on first visit.
  useEffect(() => {
    if (bundle && bundle.contents.traces.length > 0 && !loading && !sources.some((s) => s.key === `bundle:${bundle.handle}`)) {
      void load(`bundle:${bundle.handle}`, `${bundle.manifest.incident.id} traces`, { source: { kind: 'bundle', handle: bundle.handle } });
    }
  }, [bundle?.handle]);

  return (
    <section className="pane traces-pane" aria-labelledby="pane-title">
      <h1 id="pane-title">Traces</h1>
      <SourceBar />
      {source ? (
        <div className="traces-layout">
          <TraceList
            source={source}
            selected={trace}
            onSelect={setTrace}
            onOpen={(i) => {
              setTrace(i);
              // the trace's waterfall (mounted for it by now) takes focus: j/k walk it at once
              requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="waterfall"]')?.focus());
            }}
          />
          {source.set.traces[trace] ? (
            <TraceView key={`${source.key}#${trace}`} source={source} traceIndex={trace} sources={sources} />
          ) : (
            <p className="muted pad">This source holds no traces.</p>
          )}
        </div>
      ) : (
        !loading && <p className="muted">Open a bundle with traces, load a session&apos;s traces, or open an OTLP, Jaeger or Zipkin JSON file.</p>
      )}
    </section>
  );
}
