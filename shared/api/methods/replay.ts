import { z } from '../../zod';
import { method, operation } from '../define';
import type { UnmatchedRequest } from '../../replay/fixtures';
import type { NoiseSuggestions } from '../../replay/noise';
import type { ReplayBodies, ReplayReport, ReplayResult, ReplaySummary } from '../../replay/report';

export type { ReplayReport, ReplaySummary, ReplayBodies, NoiseSuggestions, UnmatchedRequest };

const sessionName = z.string().min(1).max(128);
const noisePath = z.string().regex(/^\$/, { message: "expected a JSONPath starting with '$'" }).max(500);

/** Live data of a running replay (`opDetail` of replay.run): counts, and the rows completed since the last batch (about 10 a second). */
export interface ReplayLiveBatch {
  total: number;
  sent: number;
  done: number;
  matched: number;
  mismatched: number;
  errors: number;
  results: ReplayResult[];
}

export const replayMethods = {
  /**
   * Replay the session's bundle traffic (an operation; one replay per session, across processes).
   * Its result is the saved report, also when cancelled (then `cancelled: true`, requests still
   * in flight not counted).
   */
  'replay.run': operation(
    z
      .object({
        session: sessionName,
        mode: z.string().regex(/^(as-recorded|max|x\d+(\.\d+)?)$/, { message: 'expected as-recorded, max or xN' }).default('as-recorded'),
        concurrency: z.int().min(1).max(1024).default(8),
        timeoutMs: z.int().min(1).max(3_600_000).optional(),
        gapCapMs: z.int().min(0).max(3_600_000).optional(),
        /** `HOST[:PORT]=SERVICE` each: requests recorded for HOST go to SERVICE. */
        hostMap: z.array(z.string().min(3).max(300)).max(64).optional(),
      })
      .strict(),
  ).returns<ReplayReport, ReplayLiveBatch>(),
  /** Stop the session's running replay or noise suggestion (op.cancel of it; also one a `repro` CLI runs). */
  'replay.stop': method(z.object({ session: sessionName }).strict()).returns<{ stopped: boolean }>(),
  /** Past replays of the session, newest first: summaries (no result rows). */
  'replay.list': method(z.object({ session: sessionName }).strict()).returns<ReplaySummary[]>(),
  /** One saved replay with its rows and the side-by-side bodies kept of its mismatches (at most report.bodies.kept). */
  'replay.get': method(z.object({ session: sessionName, id: z.string().regex(/^[0-9A-Za-z._-]+$/) }).strict()).returns<{ report: ReplayReport; bodies: ReplayBodies[] }>(),
  /** Replay twice (nothing saved) and propose noise paths; nothing is accepted by this call. */
  'replay.suggestNoise': operation(
    z.object({ session: sessionName, concurrency: z.int().min(1).max(1024).optional(), timeoutMs: z.int().min(1).max(3_600_000).optional() }).strict(),
  ).returns<NoiseSuggestions & { noise: string[]; accepted: string[] }>(),
  /** Noise paths the user accepted into the session. */
  'replay.noise': method(z.object({ session: sessionName }).strict()).returns<{ accepted: string[] }>(),
  'replay.acceptNoise': method(z.object({ session: sessionName, paths: z.array(noisePath).min(1).max(100) }).strict()).returns<{ accepted: string[] }>(),
  'replay.removeNoise': method(z.object({ session: sessionName, paths: z.array(noisePath).min(1).max(100) }).strict()).returns<{ accepted: string[] }>(),
  /** Requests to external dependencies that no fixture matched (answered 502). */
  'replay.unmatched': method(z.object({ session: sessionName }).strict()).returns<UnmatchedRequest[]>(),
};
