import { useApp } from '../../store/app';
import { useLogs } from '../../store/logs';
import { useTraces } from '../../store/traces';

/** The selected line: its fields, the line as written, and the way to its trace. */
export function LineDetail() {
  const { detail, setFilter, filter } = useLogs();
  const setPane = useApp((s) => s.setPane);
  if (!detail) return <div className="log-detail muted small">Select a line to see its fields.</div>;
  const r = detail.row;
  return (
    <div className="log-detail" role="region" aria-label="Line detail" data-testid="log-detail">
      <h2 className={r.level === 'error' || r.level === 'fatal' ? 'error' : ''}>{r.msg.split('\n')[0]}</h2>
      <div className="small muted">
        {Number.isFinite(r.ts) ? new Date(r.ts).toISOString() : 'no time'} · <span className={`lvl lvl-${r.level}`}>{r.level}</span> · {r.service || '(no service)'} · {detail.file}:{detail.line}
      </div>
      <div className="actions">
        {r.traceId && (
          <button
            type="button"
            onClick={() => {
              useTraces.getState().focusTrace(r.traceId, r.spanId || undefined);
              setPane('traces');
            }}
          >
            Open trace {r.traceId.slice(0, 8)}…
          </button>
        )}
        {r.traceId && filter.traceId !== r.traceId && (
          <button type="button" onClick={() => setFilter({ traceId: r.traceId, spanId: undefined })}>
            Lines of this trace
          </button>
        )}
        {r.template > 0 && (
          <button type="button" onClick={() => setFilter({ template: r.template })}>
            Lines like this
          </button>
        )}
      </div>
      <p className="small">
        Template <code>{detail.template}</code>
      </p>
      {detail.fields.length > 0 && (
        <table className="fields small">
          <tbody>
            {r.traceId && (
              <tr>
                <th scope="row">trace id</th>
                <td>
                  <code>{r.traceId}</code>
                </td>
              </tr>
            )}
            {r.spanId && (
              <tr>
                <th scope="row">span id</th>
                <td>
                  <code>{r.spanId}</code>
                </td>
              </tr>
            )}
            {detail.fields.map((f) => (
              <tr key={f.key}>
                <th scope="row">{f.key}</th>
                <td>
                  <code>{f.value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <pre aria-label="Line as written">{detail.raw}</pre>
    </div>
  );
}
