/**
 * The replay report: what `repro replay --json` prints, what is saved under
 * sessions/<name>/replays/, what the Replay pane shows and what the record keeps (M10 is
 * `successRate`). zod schemas so the API contract can validate it.
 */
import { z } from '../zod';

export const REPLAY_OUTCOMES = ['matched', 'mismatched', 'error'] as const;
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number];

/** `as-recorded`, `max`, or `x<N>` (scaled: gaps divided by N). */
export const replayModeSchema = z.string().regex(/^(as-recorded|max|x(\d+(\.\d+)?))$/, { message: 'expected as-recorded, max or xN (e.g. x2, x0.5)' });

export type ReplayMode = { kind: 'as-recorded' } | { kind: 'max' } | { kind: 'scaled'; factor: number };

export function parseReplayMode(text: string): ReplayMode {
  if (text === 'as-recorded') return { kind: 'as-recorded' };
  if (text === 'max') return { kind: 'max' };
  const m = /^x(\d+(?:\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 0) return { kind: 'scaled', factor: Number(m[1]) };
  throw new Error(`replay mode "${text}": expected as-recorded, max or xN with N > 0 (e.g. x2, x0.5)`);
}

export function formatReplayMode(mode: ReplayMode): string {
  return mode.kind === 'scaled' ? `x${mode.factor}` : mode.kind;
}

export const replayResultSchema = z.object({
  index: z.number().int(),
  method: z.string(),
  url: z.string(),
  /** null when no response came back. */
  status: z.number().int().nullable(),
  recordedStatus: z.number().int(),
  outcome: z.enum(REPLAY_OUTCOMES),
  diff: z.string().optional(),
  error: z.string().optional(),
  latencyMs: z.number().nullable(),
  recordedLatencyMs: z.number().nullable(),
  /** Where in the bundle: `traffic/<file>.har#<entry>`. */
  source: z.string(),
  /** How the result was reached when it is not the full comparison (e.g. the HAR has no body). */
  note: z.string().optional(),
});
export type ReplayResult = z.infer<typeof replayResultSchema>;

const latencySummarySchema = z.object({
  count: z.number(),
  min: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

/** An entry of the traffic that failed when it was recorded (no answer): skipped, not replayed. */
export const skippedEntrySchema = z.object({ source: z.string(), method: z.string(), url: z.string(), reason: z.string() });

/** Where the requests recorded for one host went. */
export const hostRouteSchema = z.object({
  host: z.string(),
  service: z.string().nullable(),
  via: z.enum(['service-name', 'host-map', 'ingress', 'none']),
});

export const replayReportSchema = z.object({
  id: z.string(),
  session: z.string(),
  mode: z.string(),
  concurrency: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  /** True when stopped before every request was sent. */
  cancelled: z.boolean(),
  total: z.number().int(),
  sent: z.number().int(),
  matched: z.number().int(),
  mismatched: z.number().int(),
  errors: z.number().int(),
  /** matched / sent, 0..1; null when nothing was sent (shown as "n/a"). */
  successRate: z.number().nullable(),
  /** Entries that failed when recorded, left out of `total` (reports before this field: none). */
  skipped: z.array(skippedEntrySchema).default([]),
  /** Results whose recorded body was missing, compared on status and content-type only. */
  bodiesNotRecorded: z.number().int().default(0),
  /** Each recorded host and the service its requests went to. */
  routes: z.array(hostRouteSchema).default([]),
  /** The `--host-map` the replay used (`HOST[:PORT]=SERVICE`). */
  hostMap: z.array(z.string()).default([]),
  /** Things a person should know about this replay, each said once (empty traffic, routing, skips). */
  notices: z.array(z.string()).default([]),
  noise: z.object({ jsonPaths: z.array(z.string()), headers: z.array(z.string()) }),
  latency: z.object({
    recorded: latencySummarySchema,
    replayed: latencySummarySchema,
    histogram: z.array(z.object({ upToMs: z.number(), recorded: z.number(), replayed: z.number() })),
    judgement: z.object({
      verdict: z.enum(['as-slow', 'slower', 'faster', 'nodata']),
      classification: z.string(),
      reason: z.string(),
      estimateMs: z.number().optional(),
      pValue: z.number().optional(),
    }),
  }),
  /**
   * Side-by-side bodies saved for the diff view (a separate file): at most a capped number of
   * mismatches, each body capped. Absent in replays saved before the cap existed.
   */
  bodies: z.object({ kept: z.number().int(), omitted: z.number().int() }).optional(),
  results: z.array(replayResultSchema),
});
export type ReplayReport = z.infer<typeof replayReportSchema>;
/** What replay.list returns: a report without its rows. */
export type ReplaySummary = Omit<ReplayReport, 'results'>;
export const replaySummarySchema = replayReportSchema.omit({ results: true });

export function summaryOf(report: ReplayReport): ReplaySummary {
  const { results: _rows, ...summary } = report;
  return summary;
}

/** Side-by-side bodies of one mismatched result, kept in the saved report for the diff view. */
export const replayBodiesSchema = z.object({
  index: z.number().int(),
  recorded: z.string(),
  replayed: z.string(),
  language: z.enum(['json', 'text', 'binary']),
});
export type ReplayBodies = z.infer<typeof replayBodiesSchema>;

/** matched / sent, rounded to 4 places; null when nothing was sent (there is no rate). */
export function successRate(matched: number, sent: number): number | null {
  return sent === 0 ? null : Math.round((matched / sent) * 10_000) / 10_000;
}

/** A rate as people read it: "87.5%", or "n/a" when nothing was sent. */
export function formatRate(rate: number | null | undefined): string {
  return typeof rate === 'number' ? `${(rate * 100).toFixed(1)}%` : 'n/a';
}
