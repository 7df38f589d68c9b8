import { z } from 'zod';
import { method } from '../define';
import type { UnmatchedRequest } from '../../replay/fixtures';
import type { NoiseSuggestions } from '../../replay/noise';
import type { ReplayBodies, ReplayReport } from '../../replay/report';

export type { ReplayReport, ReplayBodies, NoiseSuggestions, UnmatchedRequest };

const sessionName = z.string().min(1).max(128);
const noisePath = z.string().regex(/^\$/, { message: "expected a JSONPath starting with '$'" }).max(500);

/** Live state of a running replay, on the `update` stream with topic `replay:<session>`. */
export interface ReplayLiveUpdate {
  type: 'progress' | 'done' | 'failed';
  total: number;
  sent: number;
  done: number;
  matched: number;
  mismatched: number;
  errors: number;
  /** Result rows completed since the previous update. */
  results?: ReplayReport['results'];
  /** On `done`. */
  reportId?: string;
  /** On `failed`. */
  error?: string;
}

export const replayMethods = {
  /** Run a replay of the session's bundle traffic; resolves with the report when it ends (or is stopped). */
  'replay.run': method(
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
    { streamsProgress: true },
  ).returns<ReplayReport>(),
  /** Stop the session's running replay (the run call then resolves with a cancelled report). */
  'replay.stop': method(z.object({ session: sessionName }).strict()).returns<{ stopped: boolean }>(),
  /** Past replays of the session, newest first. */
  'replay.list': method(z.object({ session: sessionName }).strict()).returns<ReplayReport[]>(),
  /** One saved replay with the side-by-side bodies of its mismatches. */
  'replay.get': method(z.object({ session: sessionName, id: z.string().regex(/^[0-9A-Za-z._-]+$/) }).strict()).returns<{ report: ReplayReport; bodies: ReplayBodies[] }>(),
  /** Replay twice (nothing saved) and propose noise paths; nothing is accepted by this call. */
  'replay.suggestNoise': method(z.object({ session: sessionName }).strict(), { streamsProgress: true }).returns<NoiseSuggestions & { noise: string[]; accepted: string[] }>(),
  /** Noise paths the user accepted into the session. */
  'replay.noise': method(z.object({ session: sessionName }).strict()).returns<{ accepted: string[] }>(),
  'replay.acceptNoise': method(z.object({ session: sessionName, paths: z.array(noisePath).min(1).max(100) }).strict()).returns<{ accepted: string[] }>(),
  'replay.removeNoise': method(z.object({ session: sessionName, paths: z.array(noisePath).min(1).max(100) }).strict()).returns<{ accepted: string[] }>(),
  /** Requests to external dependencies that no fixture matched (answered 502). */
  'replay.unmatched': method(z.object({ session: sessionName }).strict()).returns<UnmatchedRequest[]>(),
};
