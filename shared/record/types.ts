/** The session record: every action of a reproduction session with its time, for postmortems. */
import type { Confidence, RecordedVerdict, ReproVerdict } from '../verdict/types';

/** `verdict`: the workbench's computed verdict, recorded each time it changes (docs/verdict.md). */
export const RECORD_EVENT_KINDS = ['up', 'drift', 'verify', 'replay', 'step', 'note', 'marked', 'fault', 'traces', 'canary', 'down', 'logs', 'verdict', 'gameday'] as const;
export type RecordEventKind = (typeof RECORD_EVENT_KINDS)[number];

export const VERDICTS = ['reproduced', 'not-reproducible'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface RecordEvent {
  id: number;
  kind: RecordEventKind;
  /** ms since epoch */
  at: number;
  data: unknown;
}

/** What the report needs to know about the bundle, captured when the record starts so the report works after the bundle is gone. */
export interface SessionContext {
  incident?: { id: string; title: string; severity?: string; startedAt?: string; detectedAt?: string; resolvedAt?: string; summary?: string };
  provenance?: unknown;
  services?: Array<{ name: string; imageRef?: string; imageId?: string }>;
  /** Names only: used to scrub values of these variables from anything recorded. */
  secretNames?: string[];
  bundleSource?: string;
}

export interface RecordSession {
  id: number;
  name: string;
  bundleId: string;
  /** The environment's createdAt of the session this record follows (sessions may reuse a name). */
  envCreatedAt?: string;
  createdAt: number;
  endedAt?: number;
  context: SessionContext;
}

export interface Evidence {
  /** A record event (step run, replay result ...) that shows the verdict. */
  eventId: number;
  kind?: RecordEventKind;
  label?: string;
}

/** The computed verdict a person confirmed or overrode with a mark (kept beside their word). */
export interface MarkedComputedVerdict extends RecordedVerdict {
  /** The `verdict` record event it is. */
  eventId: number;
}

export interface Mark {
  id: number;
  at: number;
  verdict: Verdict;
  note?: string;
  evidence: Evidence[];
  /** What the workbench had computed when the person marked (absent when it had computed nothing). */
  computed?: MarkedComputedVerdict;
  /** The person's verdict is the computed one (false: they overrode it; absent: nothing was computed, or it was inconclusive). */
  agrees?: boolean;
}

/** The latest computed verdict of a session, from its `verdict` events. */
export interface ComputedVerdictSummary {
  verdict: ReproVerdict;
  confidence: Confidence;
  at: number;
  eventId: number;
}

export interface SessionSummary {
  session: RecordSession;
  /** The first action: the earliest recorded event, or the environment's up when that came first. */
  firstEventAt?: number;
  lastEventAt?: number;
  eventCount: number;
  /**
   * The session's verdict: the person's latest mark (a user may change their mind), else the
   * latest computed verdict when it is decisive (reproduced, or not-reproduced as not-reproducible).
   */
  verdict?: Verdict;
  /** Whose word `verdict` is. */
  verdictSource?: 'person' | 'computed';
  markedAt?: number;
  /** The latest computed verdict, whatever the person said. */
  computed?: ComputedVerdictSummary;
  /** First action to the first "reproduced" verdict (computed or marked, whichever came first), when the verdict is reproduced. */
  timeToReproduceMs?: number;
}

export interface RecordStats {
  sessions: number;
  incidents: number;
  incidentsWithVerdict: number;
  incidentsReproduced: number;
  /** incidents marked reproduced / incidents with a finished verdict (the seed's M3); null when none has a verdict. */
  reproducibleRate: number | null;
  /** Median over reproduced sessions of first action -> reproduced (the seed's M9); null when none. */
  medianTimeToReproduceMs: number | null;
}
