import type { RecordEvent } from '../../../../shared/record/types';

export function isFailure(e: RecordEvent): boolean {
  const d = e.data as { ok?: boolean } | null;
  return e.kind === 'step' && d?.ok === false;
}

export function hasDetails(e: RecordEvent): boolean {
  return e.kind === 'step' || e.kind === 'replay' || e.kind === 'drift' || e.kind === 'marked';
}

export function EventDetails({ event }: { event: RecordEvent }) {
  if (event.kind === 'step') {
    const d = event.data as { text?: string; output?: string; expectation?: { results: Array<{ assertion: string; ok: boolean; message: string }> }; error?: string };
    return (
      <div className="ev-details">
        {d.text && <pre>{d.text}</pre>}
        {d.expectation ? (
          <ul>
            {d.expectation.results.map((r, i) => (
              <li key={i} className={r.ok ? 'ok' : 'bad'}>
                {r.ok ? '✓' : '✗'} <code>{r.assertion}</code> — {r.message}
              </li>
            ))}
          </ul>
        ) : (
          d.output && <pre>{d.output}</pre>
        )}
        {d.error && <p className="error small">{d.error}</p>}
      </div>
    );
  }
  return (
    <div className="ev-details">
      <pre>{JSON.stringify(event.data, null, 2)}</pre>
    </div>
  );
}
