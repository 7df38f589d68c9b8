import { useEffect, useMemo, useState } from 'react';
import { formatBytes } from '../../../shared/format/bytes';
import type { OpenedBundleInfo } from '../../../shared/api/methods/bundle';
import { explainSignature, fileResults, trustStatement, type FileResult, type FileStatus } from '../../../shared/bundle/report';
import { ErrorNote } from '../components/ErrorNote';
import { ProgressBar } from '../components/ProgressBar';
import { VirtualGrid, type GridColumn } from '../components/VirtualGrid';
import { runningOperation, useOperations } from '../store/operations';
import { useVerify } from '../store/verify';
import './Verification.css';

const STATUS_TEXT: Record<FileStatus, { text: string; tone: 'ok' | 'warn' | 'bad' }> = {
  ok: { text: 'OK', tone: 'ok' },
  missing: { text: 'missing', tone: 'bad' },
  unlisted: { text: 'not listed', tone: 'bad' },
  size: { text: 'size differs', tone: 'bad' },
  digest: { text: 'digest differs', tone: 'bad' },
  unsafe: { text: 'unsafe', tone: 'bad' },
  image: { text: 'image id differs', tone: 'bad' },
};

function bytes(n?: number): string {
  return n === undefined ? '—' : formatBytes(n);
}

type FileRow = FileResult & { i: number };
const FILE_COLUMNS: GridColumn<FileRow>[] = [
  { key: 'path', header: 'File', width: 'minmax(8rem, 1fr)', cell: (r) => <code>{r.path}</code>, cellTitle: (r) => r.path },
  { key: 'size', header: 'Size', width: '6rem', cell: (r) => bytes(r.size), cellClass: () => 'num' },
  { key: 'result', header: 'Result', width: '9rem', cell: (r) => <span className={`badge ${STATUS_TEXT[r.status].tone}`}>{STATUS_TEXT[r.status].text}</span> },
];

/** Every file of the bundle and how it checked: a grid (arrows walk it); the selected file's problem is spelled out below. */
function FileResults({ rows }: { rows: FileRow[] }) {
  const [selected, setSelected] = useState<number>();
  const chosen = selected === undefined ? undefined : rows[selected];
  return (
    <div className="file-results">
      <VirtualGrid label="Files" rows={rows} columns={FILE_COLUMNS} rowKey={(r) => r.i} selected={selected} onSelect={setSelected} rowHeight={30} />
      <p className="small file-detail" aria-live="polite">
        {chosen ? `${chosen.path}: ${chosen.message ?? STATUS_TEXT[chosen.status].text}` : <span className="muted">Select a file for its detail.</span>}
      </p>
    </div>
  );
}

/** Verification of the open bundle: runs on open, shows progress, signature, problems and files. */
export function Verification({ bundle }: { bundle: OpenedBundleInfo }) {
  const entry = useVerify((s) => s.byHandle[bundle.handle]);
  const verify = useVerify((s) => s.verify);
  const op = useOperations((s) => runningOperation(s, 'bundle.verify', { handle: bundle.handle }));
  const progress = op?.progress ? { task: op.id, ...op.progress } : undefined;

  useEffect(() => {
    if (!useVerify.getState().byHandle[bundle.handle]) void verify(bundle);
  }, [bundle, verify]);

  const result = entry?.result;
  const running = Boolean(entry?.opId);
  const rows = useMemo(() => (result ? fileResults(bundle.manifest, result).map((r, i) => ({ ...r, i })) : []), [bundle.manifest, result]);
  const sig = result ? explainSignature(result.signature, result.trustedKeys.find((k) => k.keyid === result.signature.keyid)?.source) : undefined;

  return (
    <section className="verification" aria-labelledby="verification-title">
      <div className="verification-head">
        <h2 id="verification-title">Verification</h2>
        {result && (
          <span className={`badge ${result.ok ? 'ok' : 'bad'}`} data-testid="verify-status">
            {result.ok ? '✔ Integrity holds' : '✘ Verification failed'}
          </span>
        )}
        <button type="button" disabled={running} onClick={() => void verify(bundle)}>
          {running ? 'Verifying…' : result ? 'Verify again' : 'Verify'}
        </button>
        {running && (
          <button type="button" onClick={() => useVerify.getState().cancel(bundle.handle)}>
            Cancel
          </button>
        )}
      </div>

      {running && <ProgressBar progress={progress ?? { task: 'verify', label: 'Verifying…', done: 0 }} />}
      <ErrorNote error={entry?.error} prefix="Could not verify" className="verification-error" />
      {entry?.cancelled && <p className="muted">Verification cancelled: nothing is known about this bundle's integrity.</p>}

      {result && sig && (
        <>
          <div className={`signature-badge ${sig.tone}`} data-testid="signature-badge">
            <span className={`badge ${sig.tone}`}>{sig.tone === 'ok' ? '✔' : sig.tone === 'bad' ? '✘' : '!'} {sig.label}</span>
            <p className={trustStatement(result.signature).vouched ? '' : 'trust-warning'} data-testid="trust-statement">
              {trustStatement(result.signature).text}
            </p>
            <p>{sig.detail}</p>
            {result.problems
              .filter((p) => p.code === 'signature_invalid' || p.code === 'signature_untrusted')
              .map((p, i) => (
                <p key={i} className="small">
                  Why: {p.message}
                </p>
              ))}
            {result.signature.keyid && (
              <p className="muted small">
                key id <code>{result.signature.keyid}</code>
              </p>
            )}
          </div>

          <p className="muted">
            {result.files.checked} files checked, {result.files.failed} failed
            {result.problems.length > 0 ? `, ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}` : ''}
            {result.warnings.length > 0 ? `, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : ''}.
          </p>

          {result.problems.length > 0 && (
            <ul className="verify-list problems">
              {result.problems.map((p, i) => (
                <li key={i}>
                  <code className="code-tag">{p.code}</code> {p.message}
                </li>
              ))}
            </ul>
          )}
          {result.warnings.length > 0 && (
            <ul className="verify-list warnings">
              {result.warnings.map((w, i) => (
                <li key={i}>
                  <code className="code-tag">{w.code}</code> {w.message}
                </li>
              ))}
            </ul>
          )}

          <FileResults rows={rows} />
        </>
      )}
    </section>
  );
}
