import { useRef, useState } from 'react';
import type { OpenedBundleInfo } from '../../../../shared/api/methods/bundle';
import { useTrafficImport } from '../../store/traffic-import';
import './replay-extras.css';

/**
 * Import a HAR (a DevTools export, Playwright, mitmproxy, Polly...) into the open bundle folder,
 * like `repro traffic add`: credentials redacted as capture does, listed in bundle.json, ready
 * to replay. Recorded hosts need no rewriting.
 */
export function TrafficImport({ bundle }: { bundle: OpenedBundleInfo }) {
  const { busy, result, error, importHar } = useTrafficImport();
  const files = useRef<HTMLInputElement>(null);
  const [as, setAs] = useState('');
  const [fixture, setFixture] = useState(false);
  if (bundle.packed) return null; // an archive is read-only here

  return (
    <details className="replay-panel replay-import">
      <summary>Import a HAR into this bundle</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = [...(files.current?.files ?? [])];
          void importHar(bundle.handle, chosen, { ...(as.trim() ? { as: as.trim() } : {}), fixture });
        }}
      >
        <label>
          HAR file <span className="muted small">(with a Playwright attach-mode HAR, also the body files beside it)</span>
          <input ref={files} type="file" aria-label="HAR file" accept=".har,.json,application/json,*/*" multiple required disabled={busy} />
        </label>
        <label>
          Name in the bundle <span className="muted small">(optional)</span>
          <input type="text" aria-label="Name in the bundle" value={as} onChange={(e) => setAs(e.target.value)} placeholder="e.g. devtools-export" disabled={busy} />
        </label>
        <label className="replay-import-check">
          <input type="checkbox" checked={fixture} onChange={(e) => setFixture(e.target.checked)} disabled={busy} /> As a fixture (answers of an external dependency), not traffic to replay
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
      {result && (
        <div role="status" className="small">
          <p>
            Added <code>{result.path}</code>: {result.entries} request{result.entries === 1 ? '' : 's'} to replay
            {result.skipped > 0 && `, ${result.skipped} that failed when recorded (kept, skipped by replay)`}
            {result.attachmentsInlined > 0 && `; ${result.attachmentsInlined} bodies taken in`}.
          </p>
          {result.redactions.length === 0 ? (
            <p className="muted">Nothing looked like a credential.</p>
          ) : (
            <ul aria-label="Redacted">
              {result.redactions.map((r) => (
                <li key={`${r.location}:${r.name}`}>
                  redacted {r.location} <code>{r.name}</code> ×{r.count} <span className="muted">({r.reason})</span>
                </li>
              ))}
            </ul>
          )}
          {result.signatureInvalidated && <p>
              <strong>The bundle&apos;s signature no longer matches:</strong> sign it again (repro sign).
            </p>}
        </div>
      )}
    </details>
  );
}
