import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '../../../shared/api/errors';
import { redact, type RedactionRules } from '../../../shared/record/redact';
import { recordStats, verdictOf } from '../../../shared/record/stats';
import {
  RECORD_EVENT_KINDS,
  VERDICTS,
  type Evidence,
  type Mark,
  type RecordEvent,
  type RecordEventKind,
  type RecordSession,
  type RecordStats,
  type SessionContext,
  type ComputedVerdictSummary,
  type MarkedComputedVerdict,
  type SessionSummary,
  type Verdict,
} from '../../../shared/record/types';
import { markFor } from '../../../shared/verdict/decide';
import { sameVerdict, type RecordedVerdict } from '../../../shared/verdict/types';
import { readBundleFileSync, MAX_MANIFEST_BYTES } from '../bundles/bundle-path';

/**
 * The record database (better-sqlite3, one file in the state folder). WAL with synchronous=FULL:
 * a committed event survives a crash or power loss, and the CLI and the app may write at once.
 */
export const RECORD_DB_FILE = 'record.sqlite';

/** How a caller names the session it acted on: its name, or what it knows about it. */
export type SessionRef =
  | string
  | { name: string; bundleId?: string; createdAt?: string; bundleRoot?: string; bundleSource?: string; context?: SessionContext };

export interface NewEvent {
  kind: RecordEventKind;
  /** ms since epoch or an ISO string; default now */
  at?: number | string;
  data?: unknown;
}

export interface RecordOptions {
  /** Secret values known to the caller, scrubbed from the data (never stored). */
  secretValues?: readonly string[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  bundle_id TEXT NOT NULL,
  env_created_at TEXT,
  created_at INTEGER NOT NULL,
  ended_at INTEGER,
  context TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS sessions_by_name ON sessions(name, id);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_session ON events(session_id, at, id);
CREATE TABLE IF NOT EXISTS marks (
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  event_id INTEGER NOT NULL REFERENCES events(id),
  verdict TEXT NOT NULL CHECK (verdict IN ('reproduced', 'not-reproducible')),
  at INTEGER NOT NULL,
  note TEXT,
  evidence TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS marks_by_session ON marks(session_id, at);
`;

interface SessionRow {
  id: number;
  name: string;
  bundle_id: string;
  env_created_at: string | null;
  created_at: number;
  ended_at: number | null;
  context: string;
}

export class RecordDb {
  private readonly db: Database.Database;
  private readonly now: () => number;

  constructor(file: string, opts: { now?: () => number } = {}) {
    this.now = opts.now ?? Date.now;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Append an event to the session's record. An `up` for a session whose record ended (down) or
   * that belongs to another environment life starts a new record; any other event goes to the
   * latest record of that name (creating one if this is the first action seen).
   */
  recordEvent(ref: SessionRef, event: NewEvent, opts: RecordOptions = {}): RecordEvent {
    if (!(RECORD_EVENT_KINDS as readonly string[]).includes(event.kind)) {
      throw new WorkbenchError('invalid_argument', `unknown record event kind "${event.kind}" (kinds: ${RECORD_EVENT_KINDS.join(', ')})`);
    }
    const at = toMs(event.at ?? this.now());
    return this.db.transaction(() => {
      const session = this.resolveSession(ref, event.kind, at);
      const data = redact(event.data ?? {}, { names: session.context.secretNames ?? [], values: opts.secretValues ?? [] });
      const info = this.db.prepare('INSERT INTO events (session_id, kind, at, data) VALUES (?, ?, ?, ?)').run(session.id, event.kind, at, JSON.stringify(data));
      if (event.kind === 'down') this.db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ?').run(at, session.id);
      return { id: Number(info.lastInsertRowid), kind: event.kind, at, data };
    })();
  }

  addNote(ref: SessionRef, text: string, at?: number): RecordEvent {
    if (text.trim() === '') throw new WorkbenchError('invalid_argument', 'a note needs some text');
    if (text.length > 20_000) throw new WorkbenchError('invalid_argument', `a note may hold at most 20000 characters, got ${text.length}`);
    return this.recordEvent(ref, { kind: 'note', ...(at !== undefined ? { at } : {}), data: { text } });
  }

  /**
   * Mark the incident reproduced (or not reproducible) in this session, linking the events that
   * show it. The computed verdict the person saw (`computedEvent`, else the session's latest) is
   * kept with the mark, so both their word and the workbench's stay in the record.
   */
  mark(ref: SessionRef, verdict: Verdict, opts: { note?: string; evidence?: number[]; at?: number; computedEvent?: number } = {}): Mark {
    if (!(VERDICTS as readonly string[]).includes(verdict)) throw new WorkbenchError('invalid_argument', `verdict must be one of ${VERDICTS.join(', ')}, got "${verdict}"`);
    return this.db.transaction(() => {
      const at = opts.at ?? this.now();
      const session = typeof ref === 'string' ? this.requireSession(ref) : this.resolveSession(ref, 'marked', at);
      const ids = opts.evidence ?? this.defaultEvidence(session.id);
      const evidence: Evidence[] = ids.map((id) => {
        const row = this.db.prepare('SELECT id, kind, data FROM events WHERE id = ? AND session_id = ?').get(id, session.id) as { id: number; kind: RecordEventKind; data: string } | undefined;
        if (!row) throw new WorkbenchError('invalid_argument', `event ${id} is not part of session ${session.name}'s record`);
        return { eventId: row.id, kind: row.kind, label: evidenceLabel(row.kind, JSON.parse(row.data)) };
      });
      const computed = this.computedFor(session.id, opts.computedEvent);
      const computedMark = computed ? markFor(computed.verdict) : undefined;
      const agreement = computed && computedMark ? { agrees: computedMark === verdict } : {};
      const event = this.recordEvent(ref, { kind: 'marked', at, data: { verdict, ...(opts.note ? { note: opts.note } : {}), evidence, ...(computed ? { computed } : {}), ...agreement } });
      const info = this.db
        .prepare('INSERT INTO marks (session_id, event_id, verdict, at, note, evidence) VALUES (?, ?, ?, ?, ?, ?)')
        .run(session.id, event.id, verdict, at, opts.note ?? null, JSON.stringify(evidence));
      return { id: Number(info.lastInsertRowid), at, verdict, ...(opts.note ? { note: opts.note } : {}), evidence, ...(computed ? { computed } : {}), ...agreement };
    })();
  }

  /** The computed verdict event `eventId` of the session, or its latest one. */
  private computedFor(sessionId: number, eventId?: number): MarkedComputedVerdict | undefined {
    const row = (
      eventId !== undefined
        ? this.db.prepare("SELECT id, data FROM events WHERE id = ? AND session_id = ? AND kind = 'verdict'").get(eventId, sessionId)
        : this.db.prepare("SELECT id, data FROM events WHERE session_id = ? AND kind = 'verdict' ORDER BY at DESC, id DESC LIMIT 1").get(sessionId)
    ) as { id: number; data: string } | undefined;
    if (!row) {
      if (eventId !== undefined) throw new WorkbenchError('invalid_argument', `event ${eventId} is not a computed verdict of this session's record`);
      return undefined;
    }
    return { eventId: row.id, ...(JSON.parse(row.data) as RecordedVerdict) };
  }

  /**
   * Keep a computed verdict when it says something new: the first one with any evidence, then each
   * change of verdict, confidence or reasons. Compared and written in one transaction, so two
   * processes settling at once record it once. Returns the session's latest verdict event and
   * whether this call wrote it.
   */
  recordVerdict(ref: SessionRef, verdict: RecordedVerdict, opts: { at?: number } = {}): { event?: RecordEvent; changed: boolean } {
    return this.db.transaction(() => {
      const name = typeof ref === 'string' ? ref : ref.name;
      const existing = this.getSession(name);
      const last = existing
        ? (this.db.prepare("SELECT id, kind, at, data FROM events WHERE session_id = ? AND kind = 'verdict' ORDER BY at DESC, id DESC LIMIT 1").get(existing.id) as { id: number; kind: RecordEventKind; at: number; data: string } | undefined)
        : undefined;
      const lastEvent = last ? { id: last.id, kind: last.kind, at: last.at, data: JSON.parse(last.data) as RecordedVerdict } : undefined;
      if (lastEvent && sameVerdict(lastEvent.data, verdict)) return { event: lastEvent, changed: false };
      if (!lastEvent && verdict.evidence.every((e) => e.verdict === 'missing')) return { changed: false };
      return { event: this.recordEvent(ref, { kind: 'verdict', ...(opts.at !== undefined ? { at: opts.at } : {}), data: verdict }), changed: true };
    })();
  }

  /** The latest record of a session name, or a specific record by id. */
  getSession(nameOrId: string | number): RecordSession | undefined {
    const row = (
      typeof nameOrId === 'number'
        ? this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(nameOrId)
        : this.db.prepare('SELECT * FROM sessions WHERE name = ? ORDER BY id DESC LIMIT 1').get(nameOrId)
    ) as SessionRow | undefined;
    return row ? toSession(row) : undefined;
  }

  requireSession(nameOrId: string | number): RecordSession {
    const s = this.getSession(nameOrId);
    if (!s) throw new WorkbenchError('not_found', `no record of a session named "${nameOrId}" (a session's record starts with its first action, e.g. repro up)`);
    return s;
  }

  events(sessionId: number, opts: { kinds?: RecordEventKind[] } = {}): RecordEvent[] {
    const rows = this.db.prepare('SELECT id, kind, at, data FROM events WHERE session_id = ? ORDER BY at, id').all(sessionId) as Array<{ id: number; kind: RecordEventKind; at: number; data: string }>;
    return rows.filter((r) => !opts.kinds || opts.kinds.includes(r.kind)).map((r) => ({ id: r.id, kind: r.kind, at: r.at, data: JSON.parse(r.data) as unknown }));
  }

  marks(sessionId: number): Mark[] {
    const rows = this.db
      .prepare('SELECT m.id, m.verdict, m.at, m.note, m.evidence, e.data AS event FROM marks m LEFT JOIN events e ON e.id = m.event_id WHERE m.session_id = ? ORDER BY m.at, m.id')
      .all(sessionId) as Array<{ id: number; verdict: Verdict; at: number; note: string | null; evidence: string; event: string | null }>;
    return rows.map((r) => {
      const marked = (r.event ? JSON.parse(r.event) : {}) as { computed?: MarkedComputedVerdict; agrees?: boolean };
      return {
        id: r.id,
        at: r.at,
        verdict: r.verdict,
        ...(r.note ? { note: r.note } : {}),
        evidence: JSON.parse(r.evidence) as Evidence[],
        ...(marked.computed ? { computed: marked.computed } : {}),
        ...(marked.agrees !== undefined ? { agrees: marked.agrees } : {}),
      };
    });
  }

  /** The session's computed verdicts, oldest first. */
  computedVerdicts(sessionId: number): ComputedVerdictSummary[] {
    const rows = this.db.prepare("SELECT id, at, data FROM events WHERE session_id = ? AND kind = 'verdict' ORDER BY at, id").all(sessionId) as Array<{ id: number; at: number; data: string }>;
    return rows.map((r) => {
      const d = JSON.parse(r.data) as RecordedVerdict;
      return { verdict: d.verdict, confidence: d.confidence, at: r.at, eventId: r.id };
    });
  }

  summary(sessionId: number): SessionSummary {
    const session = this.requireSession(sessionId);
    const agg = this.db.prepare('SELECT MIN(at) AS first, MAX(at) AS last, COUNT(*) AS n FROM events WHERE session_id = ?').get(sessionId) as { first: number | null; last: number | null; n: number };
    // The session's up is its first action even when up itself did not write an event.
    const upAt = session.envCreatedAt ? Date.parse(session.envCreatedAt) : NaN;
    const first = agg.first === null ? (Number.isFinite(upAt) ? upAt : undefined) : Number.isFinite(upAt) ? Math.min(agg.first, upAt) : agg.first;
    return {
      session,
      ...(first !== undefined ? { firstEventAt: first } : {}),
      ...(agg.last !== null ? { lastEventAt: agg.last } : {}),
      eventCount: agg.n,
      ...verdictOf(this.marks(sessionId), first, this.computedVerdicts(sessionId)),
    };
  }

  /** Forget a session's record: its events, marks and the session row (repro prune --records). */
  forget(sessionId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM marks WHERE session_id = ?').run(sessionId);
      this.db.prepare('DELETE FROM events WHERE session_id = ?').run(sessionId);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
    })();
  }

  /** Every session record, newest first. */
  history(opts: { bundleId?: string; limit?: number } = {}): SessionSummary[] {
    const rows = (
      opts.bundleId
        ? this.db.prepare('SELECT id FROM sessions WHERE bundle_id = ? ORDER BY id DESC LIMIT ?').all(opts.bundleId, opts.limit ?? 1_000_000)
        : this.db.prepare('SELECT id FROM sessions ORDER BY id DESC LIMIT ?').all(opts.limit ?? 1_000_000)
    ) as Array<{ id: number }>;
    return rows.map((r) => this.summary(r.id));
  }

  stats(): RecordStats {
    return recordStats(this.history());
  }

  /** Secret-scrubbing rules for a session (its manifest's secret names). */
  redactionRules(nameOrId: string | number, values: readonly string[] = []): RedactionRules {
    return { names: this.getSession(nameOrId)?.context.secretNames ?? [], values };
  }

  private resolveSession(ref: SessionRef, kind: RecordEventKind, at: number): RecordSession {
    const name = typeof ref === 'string' ? ref : ref.name;
    if (!name) throw new WorkbenchError('invalid_argument', 'a record event needs a session name');
    const latest = this.getSession(name);
    const info = typeof ref === 'string' ? { name } : ref;
    const otherLife =
      latest !== undefined &&
      ((info.createdAt !== undefined && latest.envCreatedAt !== undefined && info.createdAt !== latest.envCreatedAt) ||
        (info.bundleId !== undefined && info.bundleId !== latest.bundleId) ||
        (kind === 'up' && latest.endedAt !== undefined));
    if (latest && !otherLife) {
      if (info.createdAt && !latest.envCreatedAt) this.db.prepare('UPDATE sessions SET env_created_at = ? WHERE id = ?').run(info.createdAt, latest.id);
      if (typeof ref !== 'string' && Object.keys(latest.context).length === 0) {
        const context = contextFor(ref);
        if (Object.keys(context).length > 0) this.db.prepare('UPDATE sessions SET context = ? WHERE id = ?').run(JSON.stringify(context), latest.id);
        return { ...latest, context };
      }
      return latest;
    }
    const context = typeof ref === 'string' ? {} : contextFor(ref);
    const bundleId = info.bundleId ?? context.incident?.id ?? 'unknown';
    const res = this.db
      .prepare('INSERT INTO sessions (name, bundle_id, env_created_at, created_at, context) VALUES (?, ?, ?, ?, ?)')
      .run(name, bundleId, info.createdAt ?? null, at, JSON.stringify(context));
    return this.requireSession(Number(res.lastInsertRowid));
  }

  private defaultEvidence(sessionId: number): number[] {
    // Without an explicit choice, link the latest runbook step and the latest replay: what the user just saw.
    const ids: number[] = [];
    for (const kind of ['step', 'replay'] as const) {
      const row = this.db.prepare('SELECT id FROM events WHERE session_id = ? AND kind = ? ORDER BY at DESC, id DESC LIMIT 1').get(sessionId, kind) as { id: number } | undefined;
      if (row) ids.push(row.id);
    }
    return ids;
  }
}

function toSession(row: SessionRow): RecordSession {
  return {
    id: row.id,
    name: row.name,
    bundleId: row.bundle_id,
    ...(row.env_created_at ? { envCreatedAt: row.env_created_at } : {}),
    createdAt: row.created_at,
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
    context: JSON.parse(row.context) as SessionContext,
  };
}

function toMs(at: number | string): number {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new WorkbenchError('invalid_argument', `record event time ${JSON.stringify(at)} is not a time`);
  return Math.round(ms);
}

/** Context from what the caller passed, else from the bundle's manifest on disk. */
function contextFor(ref: Exclude<SessionRef, string>): SessionContext {
  if (ref.context) return ref.context;
  if (!ref.bundleRoot) return ref.bundleSource ? { bundleSource: ref.bundleSource } : {};
  try {
    const manifest = JSON.parse(readBundleFileSync(ref.bundleRoot, 'bundle.json', { maxBytes: MAX_MANIFEST_BYTES })) as unknown;
    return { ...contextFromManifest(manifest), ...(ref.bundleSource ? { bundleSource: ref.bundleSource } : {}) };
  } catch {
    return ref.bundleSource ? { bundleSource: ref.bundleSource } : {};
  }
}

/** Report context from a manifest: incident, provenance, images and secret NAMES (never values). */
export function contextFromManifest(manifest: unknown): SessionContext {
  const m = manifest as {
    incident?: SessionContext['incident'];
    provenance?: unknown;
    services?: Array<{ name: string; image?: { ref?: string; id?: string }; secrets?: Array<{ name: string }> }>;
  };
  const services = Array.isArray(m.services) ? m.services : [];
  return {
    ...(m.incident ? { incident: m.incident } : {}),
    ...(m.provenance ? { provenance: m.provenance } : {}),
    services: services.map((s) => ({ name: s.name, ...(s.image?.ref ? { imageRef: s.image.ref } : {}), ...(s.image?.id ? { imageId: s.image.id } : {}) })),
    secretNames: [...new Set(services.flatMap((s) => (s.secrets ?? []).map((x) => x.name)))],
  };
}

function evidenceLabel(kind: RecordEventKind, data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  if (kind === 'step') return `step ${Number(d.index) + 1} (${String(d.kind ?? '')}${d.service ? ` on ${String(d.service)}` : ''}) ${d.ok ? 'ok' : 'failed'}`;
  if (kind === 'replay') return `replay ${String((d.summary as Record<string, unknown> | undefined)?.total ?? '')}`.trim();
  if (kind === 'note') return `note: ${String(d.text ?? '').slice(0, 60)}`;
  if (kind === 'logs') return `logs: ${Array.isArray(d.reproduced) ? d.reproduced.length : 0} incident error template(s) reproduced, ${Array.isArray(d.missing) ? d.missing.length : 0} missing`;
  if (kind === 'verdict') return `computed verdict: ${String(d.verdict ?? '')} (${String(d.confidence ?? '')} confidence)`;
  return kind;
}

const open = new Map<string, RecordDb>();

/** One connection per state folder per process. */
export function openRecordDb(stateDir: string, opts: { now?: () => number } = {}): RecordDb {
  const file = join(stateDir, RECORD_DB_FILE);
  let db = open.get(file);
  if (!db) {
    mkdirSync(stateDir, { recursive: true });
    db = new RecordDb(file, opts);
    open.set(file, db);
  }
  return db;
}

export function closeRecordDbs(): void {
  for (const db of open.values()) db.close();
  open.clear();
}
