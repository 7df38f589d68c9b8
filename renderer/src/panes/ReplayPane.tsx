import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EnvSessionInfo } from '../../../shared/api/methods/environment';
import type { NoiseSuggestions, ReplayBodies, ReplayReport, ReplaySummary, UnmatchedRequest } from '../../../shared/api/methods/replay';
import type { ReplayResult } from '../../../shared/replay/report';
import { api, runOperation } from '../api';
import { Chart } from '../components/Chart';
import { DiffEditor } from '../components/Editor';
import { EmptyState } from '../components/EmptyState';
import { ProgressBar } from '../components/ProgressBar';
import { useApp } from '../store/app';
import { useSessionChoice } from '../store/session-choice';
import './ReplayPane.css';

type Filter = 'all' | ReplayResult['outcome'];
const MODES = ['as-recorded', 'x2', 'x5', 'x10', 'max'];

interface Live {
  total: number;
  done: number;
  matched: number;
  mismatched: number;
  errors: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Path and query (the service shows in the row's title): the list is narrow, the ends matter. */
function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/**
 * Send the bundle's recorded traffic to a running session and see which answers match:
 * live counts while it runs, results by outcome, recorded-vs-replayed diffs (Monaco), latency
 * side by side, guarded noise suggestions the user accepts, and fixture requests nothing matched.
 */
export default function ReplayPane() {
  const bundle = useApp((s) => s.bundle);
  const { session, setSession } = useSessionChoice();
  const [sessions, setSessions] = useState<EnvSessionInfo[]>([]);
  const [mode, setMode] = useState('as-recorded');
  const [concurrency, setConcurrency] = useState(8);
  const [running, setRunning] = useState(false);
  const [live, setLive] = useState<Live>();
  const [liveResults, setLiveResults] = useState<ReplayResult[]>([]);
  const [reports, setReports] = useState<ReplaySummary[]>([]);
  const [reportId, setReportId] = useState<string>();
  const [full, setFull] = useState<ReplayReport>();
  const [bodies, setBodies] = useState<ReplayBodies[]>([]);
  const [filter, setFilter] = useState<Filter>('all');
  const [selected, setSelected] = useState<number>();
  const [error, setError] = useState<string>();
  const [unmatched, setUnmatched] = useState<UnmatchedRequest[]>([]);

  const loadSessions = useCallback(async () => {
    try {
      const r = await api.call('env.list', {});
      const usable = r.sessions.filter((s) => s.phase === 'running');
      setSessions(usable);
      const current = useSessionChoice.getState().session;
      if (!current || !usable.some((s) => s.name === current)) setSession(usable[0]?.name);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [setSession]);

  const loadReports = useCallback(async () => {
    if (!session) return;
    try {
      const [list, miss] = await Promise.all([api.call('replay.list', { session }), api.call('replay.unmatched', { session })]);
      setReports(list);
      setUnmatched(miss);
      setReportId((id) => (id && list.some((r) => r.id === id) ? id : list[0]?.id));
    } catch (err) {
      setError((err as Error).message);
    }
  }, [session]);

  useEffect(() => {
    void loadSessions();
    return api.on('sessionsChanged', () => void loadSessions());
  }, [loadSessions]);
  useEffect(() => {
    setReports([]);
    setReportId(undefined);
    void loadReports();
  }, [loadReports]);

  const report = full?.id === reportId ? full : undefined;
  useEffect(() => {
    if (!session || !reportId) {
      setFull(undefined);
      return setBodies([]);
    }
    let stale = false;
    void api.call('replay.get', { session, id: reportId }).then(
      (r) => {
        if (stale) return;
        setFull(r.report);
        setBodies(r.bodies);
      },
      (e: Error) => !stale && setError(e.message),
    );
    return () => void (stale = true);
  }, [session, reportId]);

  const start = async () => {
    if (!session) return;
    setRunning(true);
    setError(undefined);
    setLive({ total: 0, done: 0, matched: 0, mismatched: 0, errors: 0 });
    setLiveResults([]);
    setSelected(undefined);
    try {
      const r = await runOperation(
        'replay.run',
        { session, mode, concurrency },
        {
          onDetail: (u) => {
            setLive({ total: u.total, done: u.done, matched: u.matched, mismatched: u.mismatched, errors: u.errors });
            if (u.results.length) setLiveResults((rs) => [...rs, ...u.results]);
          },
        },
      ).result;
      setFull(r);
      setReports((list) => [r, ...list.filter((x) => x.id !== r.id)]);
      setReportId(r.id);
      void loadReports();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(false);
      setLive(undefined);
    }
  };

  const results = running ? [...liveResults].sort((a, b) => a.index - b.index) : (report?.results ?? []);
  const shown = filter === 'all' ? results : results.filter((r) => r.outcome === filter);
  const counts = running && live ? live : report ? { total: report.total, done: report.sent, matched: report.matched, mismatched: report.mismatched, errors: report.errors } : undefined;
  const rate = counts && counts.done > 0 ? counts.matched / counts.done : undefined;
  const chosen = results.find((r) => r.index === selected);
  const chosenBodies = !running ? bodies.find((b) => b.index === selected) : undefined;

  if (!bundle && sessions.length === 0) {
    return (
      <section className="pane" aria-labelledby="replay-pane-title">
        <h1 id="replay-pane-title">Replay</h1>
        <EmptyState />
      </section>
    );
  }

  return (
    <section className="pane replay-pane" aria-labelledby="replay-pane-title">
      <div className="replay-toolbar">
        <h1 id="replay-pane-title">Replay</h1>
        <label>
          Session
          <select aria-label="Session" value={session ?? ''} onChange={(e) => setSession(e.target.value || undefined)} disabled={running}>
            {sessions.length === 0 && <option value="">no running session</option>}
            {sessions.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Mode
          <select aria-label="Mode" value={mode} onChange={(e) => setMode(e.target.value)} disabled={running}>
            {MODES.map((m) => (
              <option key={m} value={m}>
                {m === 'as-recorded' ? 'as recorded' : m === 'max' ? 'max rate' : `${m.slice(1)}× faster`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Concurrency
          <input type="number" aria-label="Concurrency" min={1} max={1024} value={concurrency} onChange={(e) => setConcurrency(Math.max(1, Math.min(1024, Number(e.target.value) || 1)))} disabled={running} />
        </label>
        {running ? (
          <button type="button" onClick={() => session && void api.call('replay.stop', { session })}>
            Stop
          </button>
        ) : (
          <button type="button" onClick={() => void start()} disabled={!session}>
            Start replay
          </button>
        )}
        {reports.length > 0 && !running && (
          <label>
            Replay
            <select aria-label="Past replay" value={reportId ?? ''} onChange={(e) => setReportId(e.target.value)}>
              {reports.map((r) => (
                <option key={r.id} value={r.id}>
                  {new Date(r.startedAt).toLocaleTimeString()} · {r.mode} · {pct(r.successRate)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!session && <p className="muted">Bring the environment up first (Environment pane); replay sends the recorded traffic to a running session.</p>}
      {running && live && <ProgressBar progress={{ task: 'replay', label: 'Replaying', done: live.done, ...(live.total ? { total: live.total } : {}), unit: 'requests' }} />}
      {counts && (
        <div className="replay-counts" aria-live="polite">
          <span className="replay-rate" title="matched / sent (M10)">
            {rate === undefined ? '—' : pct(rate)}
          </span>
          <span>
            sent {counts.done}/{counts.total}
          </span>
          <span className="ok">{counts.matched} matched</span>
          <span className="bad">{counts.mismatched} mismatched</span>
          <span className="warn">{counts.errors} errors</span>
          {report?.cancelled && !running && <span className="warn">stopped early</span>}
        </div>
      )}

      {results.length > 0 && (
        <div className="replay-main">
          <div className="replay-panel">
            <h2>Results</h2>
            <div className="replay-filter" role="group" aria-label="Filter by outcome">
              {(['all', 'matched', 'mismatched', 'error'] as Filter[]).map((f) => (
                <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
                  {f} ({f === 'all' ? results.length : results.filter((r) => r.outcome === f).length})
                </button>
              ))}
            </div>
            <div className="replay-results">
              <table>
                <caption>Status and latency: replayed / recorded</caption>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Request</th>
                    <th title="replayed / recorded">Status</th>
                    <th title="replayed / recorded, ms">Latency</th>
                    <th>Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.index} aria-selected={r.index === selected} onClick={() => setSelected(r.index)}>
                      <td>{r.index}</td>
                      <td className="url" title={`${r.method} ${r.url}`}>
                        {r.method} {shortUrl(r.url)}
                      </td>
                      <td>
                        {r.status ?? '—'} / {r.recordedStatus}
                      </td>
                      <td>
                        {r.latencyMs?.toFixed(0) ?? '—'} / {r.recordedLatencyMs?.toFixed(0) ?? '—'}
                      </td>
                      <td className={`outcome-${r.outcome}`}>{r.outcome}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div className="replay-panel">
            <h2>{chosen ? `#${chosen.index} ${chosen.method} ${chosen.url}` : 'Pick a result'}</h2>
            {chosen?.error && <pre className="replay-diff-text">{chosen.error}</pre>}
            {chosen?.diff && <pre className="replay-diff-text">{chosen.diff}</pre>}
            {chosen && chosen.outcome === 'matched' && <p className="muted">Matched the recording (status, content-type and body, noise ignored).</p>}
            {chosenBodies && chosenBodies.language !== 'binary' && (
              <DiffEditor original={chosenBodies.recorded} modified={chosenBodies.replayed} language={chosenBodies.language === 'json' ? 'json' : 'plaintext'} height={300} originalLabel="recorded" modifiedLabel="replayed" />
            )}
            {!chosen && <p className="muted">Select a mismatched result to see recorded vs replayed side by side.</p>}
          </div>
        </div>
      )}

      {report && !running && (
        <div className="replay-bottom">
          <LatencyPanel report={report} />
          {session && <NoisePanel session={session} onChanged={() => void loadReports()} />}
          <div className="replay-panel replay-unmatched">
            <h2>External requests nothing matched</h2>
            {unmatched.length === 0 ? (
              <p className="muted small">None: every request to a recorded dependency got its recorded answer.</p>
            ) : (
              <ul>
                {unmatched.slice(-50).map((u, i) => (
                  <li key={i}>
                    <code>
                      {u.method} {u.host}
                      {u.target}
                    </code>{' '}
                    → 502 <span className="muted">({u.reason})</span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function LatencyPanel({ report }: { report: ReplayReport }) {
  const spec = useMemo(
    () => ({
      kind: 'histogram' as const,
      unit: 'ms',
      series: [
        { key: 'recorded', label: 'recorded', color: '#8884d8', values: report.results.map((r) => r.recordedLatencyMs).filter((v): v is number => v !== null) },
        { key: 'replayed', label: 'replayed', color: '#f28e2b', values: report.results.map((r) => r.latencyMs).filter((v): v is number => v !== null) },
      ],
    }),
    [report],
  );
  const j = report.latency.judgement;
  const verdict = { 'as-slow': 'as slow as the incident', slower: 'slower than the incident', faster: 'faster than the incident: the slowness did not reproduce', nodata: 'not enough data' }[j.verdict];
  return (
    <div className="replay-panel">
      <h2>Latency: recorded vs replayed</h2>
      <Chart spec={spec} height={200} ariaLabel="Latency distributions, recorded and replayed" />
      <p className="small">
        p50 {report.latency.recorded.p50} → {report.latency.replayed.p50} ms · p99 {report.latency.recorded.p99} → {report.latency.replayed.p99} ms
      </p>
      <p className="small">
        <strong>Repro is {verdict}</strong> <span className="muted">({j.reason})</span>
      </p>
    </div>
  );
}

function NoisePanel({ session, onChanged }: { session: string; onChanged: () => void }) {
  const [accepted, setAccepted] = useState<string[]>([]);
  const [suggestions, setSuggestions] = useState<NoiseSuggestions>();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    void api.call('replay.noise', { session }).then((r) => setAccepted(r.accepted), () => undefined);
  }, [session]);

  const suggest = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const s = await runOperation('replay.suggestNoise', { session }).result;
      setSuggestions(s);
      setPicked(new Set());
      setAccepted(s.accepted);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const accept = async () => {
    const r = await api.call('replay.acceptNoise', { session, paths: [...picked] });
    setAccepted(r.accepted);
    setPicked(new Set());
    onChanged();
  };
  const remove = async (path: string) => {
    const r = await api.call('replay.removeNoise', { session, paths: [path] });
    setAccepted(r.accepted);
  };

  return (
    <div className="replay-panel replay-noise">
      <h2>Noise</h2>
      <p className="small muted">Fields that differ between two replays of the same traffic (timestamps, ids). Proposed only; never a whole object, an array length or a status.</p>
      {accepted.length > 0 && (
        <ul aria-label="Accepted noise paths">
          {accepted.map((p) => (
            <li key={p}>
              <code>{p}</code>{' '}
              <button type="button" className="small" onClick={() => void remove(p)}>
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div>
        <button type="button" onClick={() => void suggest()} disabled={busy}>
          {busy ? 'Replaying twice…' : 'Suggest noise paths'}
        </button>
      </div>
      {error && <p className="error small">{error}</p>}
      {suggestions && suggestions.suggested.length === 0 && <p className="small">No differences between the two runs.</p>}
      {suggestions && suggestions.suggested.length > 0 && (
        <>
          <ul aria-label="Suggested noise paths">
            {suggestions.suggested.map((s) => (
              <li key={s.path}>
                <label>
                  <input
                    type="checkbox"
                    checked={picked.has(s.path)}
                    onChange={(e) => {
                      const next = new Set(picked);
                      if (e.target.checked) next.add(s.path);
                      else next.delete(s.path);
                      setPicked(next);
                    }}
                  />{' '}
                  <code>{s.path}</code> <span className="muted">({s.requests} requests, e.g. {JSON.stringify(s.example.first)} vs {JSON.stringify(s.example.second)})</span>
                </label>
              </li>
            ))}
          </ul>
          <div>
            <button type="button" disabled={picked.size === 0} onClick={() => void accept()}>
              Accept selected into this session
            </button>
          </div>
        </>
      )}
      {suggestions && suggestions.refused.length > 0 && (
        <details className="small">
          <summary>Not proposed ({suggestions.refused.length})</summary>
          <ul>
            {suggestions.refused.map((r) => (
              <li key={r.path}>
                <code>{r.path}</code>: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
