import type { Attribute, SpanDetail } from '../../../../shared/traces/model';
import { attrToString } from '../../../../shared/traces/model';
import { Duration } from '../../components/Waterfall';
import { useApp } from '../../store/app';
import { useLogs } from '../../store/logs';

function Attrs({ title, attrs }: { title: string; attrs: Attribute[] }) {
  if (!attrs.length) return null;
  return (
    <>
      <h3>{title}</h3>
      <table className="attr-table">
        <tbody>
          {attrs.map((a, k) => (
            <tr key={k}>
              <th scope="row">{a.key}</th>
              <td>
                <code>{attrToString(a.value)}</code> <span className="muted small">{a.value.type}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Everything about the selected span: status, attributes, events, links, resource, scope. */
/** From a span to the incident's log lines of it (the Logs pane, filtered to the trace and span). */
function SpanLogsLink({ traceId, spanId }: { traceId: string; spanId: string }) {
  const bundle = useApp((s) => s.bundle);
  const setPane = useApp((s) => s.setPane);
  if (!bundle || !(bundle.contents.logs?.length ?? 0)) return null;
  return (
    <button
      type="button"
      onClick={() => {
        void useLogs.getState().showTrace(bundle.handle, traceId, spanId);
        setPane('logs');
      }}
    >
      Log lines of this span
    </button>
  );
}

export function SpanDetailView({ detail, ancestry, onJump, traceId }: { detail?: SpanDetail; ancestry: { span: number; label: string }[]; onJump(span: number): void; traceId?: string }) {
  if (!detail) return <div className="span-detail muted pad">Select a span.</div>;
  return (
    <div className="span-detail" aria-label="Span detail" role="region" id="span-detail">
      <nav className="crumbs small" aria-label="Ancestry">
        {ancestry.map((a, k) => (
          <span key={a.span}>
            {k > 0 && ' › '}
            <button type="button" className="link" onClick={() => onJump(a.span)}>
              {a.label}
            </button>
          </span>
        ))}
      </nav>
      <h2 className={detail.error ? 'error' : ''}>
        {detail.service || '(unknown)'} · {detail.name}
        {detail.error && ' — error'}
      </h2>
      <div className="small detail-facts">
        <span>
          duration{' '}
          <strong>
            <Duration us={detail.durationUs} />
          </strong>
        </span>
        <span>
          starts at <Duration us={detail.startUs} sign />
        </span>
        <span>kind {detail.kind}</span>
        <span>
          span <code>{detail.spanId}</code>
        </span>
        {traceId && <SpanLogsLink traceId={traceId} spanId={detail.spanId} />}
        {detail.parentSpanId && (
          <span>
            parent <code>{detail.parentSpanId}</code>
          </span>
        )}
      </div>
      {detail.statusMessage && <p className="error small">Status: {detail.statusMessage}</p>}
      {detail.flags.filter((f) => f !== 'error').length > 0 && <p className="small muted">{detail.flags.filter((f) => f !== 'error').join(' · ')}</p>}
      <Attrs title="Attributes" attrs={detail.attributes} />
      {detail.events.length > 0 && (
        <>
          <h3>Events</h3>
          <table className="attr-table">
            <tbody>
              {detail.events.map((e, k) => (
                <tr key={k}>
                  <th scope="row">
                    <Duration us={e.time} sign />
                  </th>
                  <td>
                    {e.name || <span className="muted">(no name)</span>}{' '}
                    {e.attributes.map((a) => (
                      <code key={a.key} className="small">
                        {a.key}={attrToString(a.value)}{' '}
                      </code>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {detail.links.length > 0 && (
        <>
          <h3>Links</h3>
          <ul className="small">
            {detail.links.map((l, k) => (
              <li key={k}>
                {l.type} → <code>{l.traceId.slice(0, 16)}…/{l.spanId}</code> {l.inTrace ? '' : <span className="muted">(not loaded)</span>}{' '}
                {l.attributes.map((a) => `${a.key}=${attrToString(a.value)}`).join(' ')}
              </li>
            ))}
          </ul>
        </>
      )}
      <Attrs title="Resource" attrs={detail.resource} />
      <Attrs title="Scope" attrs={detail.scope} />
      {detail.warnings.length > 0 && (
        <>
          <h3>Warnings</h3>
          <ul className="small">
            {detail.warnings.map((w, k) => (
              <li key={k}>{w}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
