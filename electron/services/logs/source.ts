/**
 * What `repro logs X` and the Logs pane read: X is a path (a bundle folder or archive, a folder
 * of log files, one file) when one exists there, else the name of a session.
 */
import { lstat } from 'node:fs/promises';
export type { ReadSummary } from './read';
import type Docker from 'dockerode';
import { WorkbenchError } from '../../../shared/api/errors';
import type { LogRecord } from '../../../shared/logs/record';
import { LogComparer, type LogComparison } from '../../../shared/logs/compare';
import { SESSION_NAME_PATTERN } from '../environments/state-store';
import { findLogFiles, readLogFiles, readSessionLogs, type LogSink, type ReadOptions, type ReadProgress, type ReadSummary } from './read';

export interface LogSource {
  /** For messages: the path or "session NAME". */
  label: string;
  read(sink: LogSink, opts?: ReadOptions): Promise<ReadSummary>;
  dispose(): Promise<void>;
}

export interface Engine {
  docker: Docker;
  stateDir: string;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/** Resolves what the user named. A name that is neither a path nor a session is an error that says both. */
export async function openLogSource(target: string, engine: Engine): Promise<LogSource> {
  if (await exists(target)) {
    const found = await findLogFiles(target);
    return {
      label: target,
      read: (sink, opts = {}) => readLogFiles(found.files, sink, opts),
      dispose: found.dispose,
    };
  }
  if (!SESSION_NAME_PATTERN.test(target)) throw new WorkbenchError('not_found', `no file or folder at ${target}`);
  return sessionLogSource(target, engine);
}

export function sessionLogSource(session: string, engine: Engine): LogSource {
  return {
    label: `session ${session}`,
    read: (sink, opts = {}) => readSessionLogs({ docker: engine.docker, stateDir: engine.stateDir, session, ...opts }, sink),
    dispose: async () => {},
  };
}

export interface CompareOptions extends ReadOptions {
  onStage?: (stage: 'incident' | 'repro', p: ReadProgress) => void;
}

/**
 * The incident's logs (a bundle) against a session's (its containers and OTLP receiver).
 * `skip` drops records (e.g. a level filter); the comparison itself is pure (shared/logs/compare.ts).
 */
export async function compareLogSources(incident: LogSource, repro: LogSource, opts: CompareOptions = {}): Promise<LogComparison & { incidentBadLines: number; reproBadLines: number }> {
  const comparer = new LogComparer();
  const a = await incident.read({ onRecord: (rec: LogRecord) => comparer.addIncident(rec) }, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (p) => opts.onStage?.('incident', p) });
  const b = await repro.read({ onRecord: (rec: LogRecord) => comparer.addRepro(rec) }, { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (p) => opts.onStage?.('repro', p) });
  return { ...comparer.finish(), incidentBadLines: a.badLines, reproBadLines: b.badLines };
}
