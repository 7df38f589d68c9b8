/**
 * Traces: load a bundle's traces, a running session's OTLP output or a file; pick a trace from
 * the searchable list; walk it on the canvas waterfall by keyboard like a debugger walks a
 * stack; see its service map; compare it with any other loaded trace. Views in panes/traces/.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../store/app';
import { useTraces } from '../store/traces';
import { SourceBar } from './traces/SourceBar';
import { TraceList } from './traces/TraceList';
import { TraceView } from './traces/TraceView';
import './traces/traces.css';

export default function TracesPane() {
  const bundle = useApp((s) => s.bundle);
  const { sources, active, trace, setTrace, load, loading, focus } = useTraces();
  const source = sources.find((s) => s.key === active);
  // A trace asked for from elsewhere (a log line): shown once its source is loaded.
  const [focusSpan, setFocusSpan] = useState<string>();
  const [focusMissing, setFocusMissing] = useState<string>();
  useEffect(() => {
    if (!focus || loading || !source) return;
    const i = source.set.traces.findIndex((t) => t.traceId === focus.traceId);
    if (i >= 0) setTrace(i);
    setFocusSpan(i >= 0 ? focus.spanId : undefined);
    setFocusMissing(i >= 0 ? undefined : focus.traceId);
    useTraces.setState({ focus: undefined });
  }, [focus, loading, source]);
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
      {focusMissing && (
        <p role="alert" className="small error">
          Trace <code>{focusMissing}</code> is not among the loaded traces.
        </p>
      )}
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
            <TraceView key={`${source.key}#${trace}#${focusSpan ?? ''}`} source={source} traceIndex={trace} sources={sources} {...(focusSpan ? { spanId: focusSpan } : {})} />
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
