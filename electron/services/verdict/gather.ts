/**
 * Gathers what a session's verdict is computed from, without touching the engine: the session's
 * bundle (manifest, canary metrics, traces, recorded traffic), its folder (the latest replay of
 * this life of the session, what its OTLP receiver took) and its record (step runs, the logs
 * comparison). Everything a bundle names is read inside the bundle root, regular files only,
 * with size caps; a part that cannot be read becomes "missing" with the reason, never a failure.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleManifest } from '../../../shared/bundle/manifest';
import { pooledValues } from '../../../shared/canary/prometheus';
import type { ReplayBodies, ReplayReport } from '../../../shared/replay/report';
import { importTraceBytes } from '../../../shared/traces/detect';
import type { TraceSet } from '../../../shared/traces/model';
import type { VerdictInputs } from '../../../shared/verdict/compute';
import type { LogComparisonInput } from '../../../shared/verdict/logs';
import type { IncidentMetric, ReproMeasurements } from '../../../shared/verdict/metrics';
import type { Observation } from '../../../shared/verdict/symptoms';
import { importBundleMetrics } from '../canary/judge-bundle';
import { readSessionManifestOf, sessionsRoot } from '../environments';
import { sessionDirOf } from '../environments/state-store';
import type { RecordDb } from '../record/db';
import { tryUndoContentEncoding } from '../replay/content-encoding';
import { listReplays, readReplay } from '../replay/store';
import { loadTraffic } from '../replay/traffic';
import { readTraceFiles } from '../traces/files';
import { headerValue } from '../../../shared/replay/har';

/** Above this many bytes of traces on a side, traces are left to the Traces pane (a verdict must stay quick). */
export const MAX_VERDICT_TRACE_BYTES = 64 * 1024 * 1024;

/** Parsed incident traces by bundle root: a bundle does not change under a session, so a process parses them once. */
export type IncidentTraceCache = Map<string, { set?: TraceSet; note?: string }>;

export interface GatherOptions {
  signal?: AbortSignal;
  cache?: IncidentTraceCache;
}

export interface GatheredSession {
  /** The session folder (replays, OTLP files). */
  sessionDir: string;
  manifest?: BundleManifest;
  inputs: VerdictInputs;
}

function jsonOf(bytes: Uint8Array | string): { known: boolean; body?: unknown } {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '') return { known: true };
  try {
    return { known: true, body: JSON.parse(text) as unknown };
  } catch {
    return { known: true };
  }
}

/** What each replayed request got: the recorded body when it matched (noise aside), the kept replayed body when it did not. */
async function observationsOf(report: ReplayReport, bodies: ReplayBodies[], root: string, manifest: BundleManifest): Promise<Observation[]> {
  let traffic: Awaited<ReturnType<typeof loadTraffic>> | undefined;
  try {
    traffic = await loadTraffic(root, manifest);
  } catch {
    traffic = undefined;
  }
  const kept = new Map(bodies.map((b) => [b.index, b]));
  return report.results.map((r) => {
    const base = { method: r.method, url: r.url, status: r.status, latencyMs: r.latencyMs };
    if (r.outcome === 'matched') {
      const entry = traffic?.entries[r.index];
      // Matched without a recorded body (compared on status only): its body is not known.
      if (!entry || r.note) return { ...base, bodyKnown: false };
      const bytes = entry.response.bodyForm === 'text' || entry.response.bodyForm === 'empty' ? entry.response.body : tryUndoContentEncoding(entry.response.body, headerValue(entry.response.headers, 'content-encoding'));
      const j = jsonOf(bytes);
      // A matched response equals its recording except where noise was ignored: those values are not known.
      return { ...base, bodyKnown: j.known, ...(j.body !== undefined ? { body: j.body } : {}), unknownPaths: report.noise.jsonPaths };
    }
    const b = kept.get(r.index);
    if (r.outcome !== 'mismatched' || !b || b.language === 'binary' || /\n… \(cut: \d+ more characters\)$/.test(b.replayed)) return { ...base, bodyKnown: false };
    const j = jsonOf(b.replayed);
    return { ...base, bodyKnown: j.known, ...(j.body !== undefined ? { body: j.body } : {}) };
  });
}

/** A record's `logs` event holds a comparison (older or foreign records may not: then it is not evidence). */
function isLogComparison(data: unknown): boolean {
  const d = data as Partial<LogComparisonInput> | null;
  return !!d && typeof d === 'object' && Array.isArray(d.reproduced) && Array.isArray(d.missing) && typeof d.incident?.lines === 'number' && typeof d.repro?.lines === 'number';
}

async function folderBytes(dir: string): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  let total = 0;
  for (const n of names) {
    if (!/\.(json|jsonl)$/i.test(n)) continue;
    const st = await lstat(join(dir, n)).catch(() => undefined);
    if (st?.isFile()) total += st.size;
  }
  return total;
}

async function incidentTraces(root: string, manifest: BundleManifest, cache?: IncidentTraceCache): Promise<{ set?: TraceSet; note?: string }> {
  const cached = cache?.get(root);
  if (cached) return cached;
  const bytes = manifest.files.filter((f) => f.path.startsWith('traces/')).reduce((n, f) => n + f.size, 0);
  let out: { set?: TraceSet; note?: string };
  if (bytes === 0) out = { note: 'The bundle has no traces to compare the reproduction with.' };
  else if (bytes > MAX_VERDICT_TRACE_BYTES) out = { note: `The incident's traces (${Math.round(bytes / 2 ** 20)} MiB) are too large to compare here; compare them in the Traces pane.` };
  else {
    try {
      const found = await readTraceFiles(root);
      out = { set: importTraceBytes(found.files).set };
    } catch (err) {
      out = { note: `The incident's traces could not be read: ${(err as Error).message}` };
    }
  }
  cache?.set(root, out);
  return out;
}

async function reproTraces(sessionDir: string, receiver: string | undefined): Promise<{ set?: TraceSet; note?: string }> {
  const dir = join(sessionDir, 'otlp');
  const bytes = await folderBytes(dir);
  const where = receiver ? ` at ${receiver}` : '';
  if (!bytes) return { note: `The reproduction has sent no traces yet: point its services' OTLP exporters at the session's receiver${where}.` };
  if (bytes > MAX_VERDICT_TRACE_BYTES) return { note: `The reproduction's traces (${Math.round(bytes / 2 ** 20)} MiB) are too large to compare here; compare them in the Traces pane.` };
  try {
    const found = await readTraceFiles(dir);
    return { set: importTraceBytes(found.files).set };
  } catch (err) {
    return { note: `The reproduction's traces could not be read: ${(err as Error).message}` };
  }
}

function incidentMetrics(root: string, manifest: BundleManifest, source: string): IncidentMetric[] | undefined {
  if (!manifest.canary || manifest.canary.metrics.length === 0) return undefined;
  return importBundleMetrics(root, manifest, source).map((m) => ({
    name: m.config.name,
    group: m.config.group,
    critical: m.config.critical,
    canary: pooledValues(m.canary),
    baseline: pooledValues(m.baseline),
    ...(m.error ? { error: m.error } : {}),
  }));
}

function measurementsOf(report: ReplayReport | undefined): ReproMeasurements {
  if (!report) return { runs: [] };
  const answered = report.results.filter((r) => r.status !== null);
  return {
    runs: [
      {
        source: `replay ${report.id} (${report.sent} of ${report.total} requests, ${report.mode})`,
        latenciesMs: answered.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs])),
        answered: answered.length,
        serverErrors: answered.filter((r) => (r.status ?? 0) >= 500).length,
      },
    ],
  };
}

/** The newest replay saved in this life of the session (a reused name keeps older lives' replays). */
async function latestReplay(sessionDir: string, since: string): Promise<{ report: ReplayReport; bodies: ReplayBodies[] } | undefined> {
  const summaries = (await listReplays(sessionDir)).filter((s) => s.startedAt >= since);
  const newest = summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))[0];
  if (!newest) return undefined;
  try {
    return await readReplay(sessionDir, newest.id);
  } catch {
    return undefined;
  }
}

export async function gatherVerdictInputs(stateDir: string, db: RecordDb, session: string, opts: GatherOptions = {}): Promise<GatheredSession> {
  const { record, manifest } = readSessionManifestOf(stateDir, session);
  const sessionDir = sessionDirOf(sessionsRoot(stateDir), session);
  const root = record.bundleRoot;
  const source = record.bundleSource;
  const rec = db.getSession(session);
  const events = rec ? db.events(rec.id) : [];
  // Events of this life of the session only (a name reused after down starts a new record).
  const steps = events.filter((e) => e.kind === 'step').map((e) => ({ id: e.id, at: e.at, data: e.data }));

  // The latest logs comparison of this life (repro logs --compare, the Logs pane): main's compare, kept in the record.
  const logsEvent = events.filter((e) => e.kind === 'logs' && isLogComparison(e.data)).at(-1);

  const saved = await latestReplay(sessionDir, record.createdAt);
  opts.signal?.throwIfAborted();
  const replayEvent = saved ? events.filter((e) => e.kind === 'replay' && (e.data as { replayId?: string } | null)?.replayId === saved.report.id).at(-1)?.id : undefined;
  const observations = saved && manifest && manifest.incident.symptoms?.length ? await observationsOf(saved.report, saved.bodies, root, manifest) : undefined;

  let metrics: IncidentMetric[] | undefined;
  try {
    metrics = manifest ? incidentMetrics(root, manifest, source) : undefined;
  } catch {
    metrics = undefined;
  }
  const incident = manifest ? await incidentTraces(root, manifest, opts.cache) : { note: "The session's bundle is gone (the session is down), so its traces cannot be compared." };
  opts.signal?.throwIfAborted();
  const repro = await reproTraces(sessionDir, record.agent?.endpoints?.['otlp-receiver.otlpHost']);
  opts.signal?.throwIfAborted();

  const inputs: VerdictInputs = {
    ...(manifest?.incident.symptoms?.length ? { symptoms: manifest.incident.symptoms } : {}),
    ...(saved ? { replay: { report: saved.report, ...(replayEvent !== undefined ? { recordEvent: replayEvent } : {}), ...(observations ? { observations } : {}) } } : {}),
    ...(metrics ? { metrics } : {}),
    measurements: measurementsOf(saved?.report),
    traces: {
      ...(incident.set ? { incident: incident.set } : {}),
      ...(repro.set ? { repro: repro.set } : {}),
      ...(incident.note ? { incidentNote: incident.note } : {}),
      ...(repro.note ? { reproNote: repro.note } : {}),
    },
    logs: {
      ...(logsEvent ? { comparison: logsEvent.data as LogComparisonInput, recordEvent: logsEvent.id } : {}),
      ...(manifest ? { bundleHasLogs: manifest.files.some((f) => f.path.startsWith('logs/')) } : {}),
    },
    steps,
  };
  return { sessionDir, ...(manifest ? { manifest } : {}), inputs };
}
