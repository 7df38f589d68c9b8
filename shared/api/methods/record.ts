import { z } from '../../zod';
import type { Mark, RecordEvent, RecordStats, SessionSummary } from '../../record/types';
import { method } from '../define';

const sessionName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a session name' });

export interface RecordTimeline {
  summary: SessionSummary;
  events: RecordEvent[];
  marks: Mark[];
}

export interface RecordHistory {
  sessions: SessionSummary[];
  stats: RecordStats;
}

export const recordMethods = {
  /** The session's record, or null when nothing has been recorded for it yet. */
  'record.timeline': method(z.object({ session: sessionName }).strict()).returns<RecordTimeline | null>(),
  'record.note': method(z.object({ session: sessionName, text: z.string().min(1).max(20_000) }).strict()).returns<RecordEvent>(),
  'record.mark': method(
    z
      .object({
        session: sessionName,
        verdict: z.enum(['reproduced', 'not-reproducible']),
        note: z.string().max(20_000).optional(),
        evidence: z.array(z.number().int().positive()).max(100).optional(),
        /** The computed verdict (its record event) the person confirms or overrides; default: the session's latest. */
        computedEvent: z.number().int().positive().optional(),
      })
      .strict(),
  ).returns<Mark>(),
  'record.history': method(z.object({ bundleId: z.string().max(500).optional() }).strict()).returns<RecordHistory>(),
  'record.report': method(z.object({ session: sessionName, format: z.enum(['md', 'html']).default('html') }).strict()).returns<{ filename: string; mediaType: string; text: string }>(),
};
