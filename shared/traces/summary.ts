/** The summary `repro traces --json` prints. */
import { criticalPath } from './critical-path';
import type { TraceSet } from './model';

export interface TraceSetSummary {
  traces: number;
  /** Spans after merging Zipkin fragments (the client and server halves of an RPC stay two spans). */
  spans: number;
  /** Names of the services that own spans, sorted; spans without a service name add none. */
  services: string[];
  errorSpans: number;
  longestTrace: {
    traceId: string;
    durationMs: number;
    criticalPath: { service: string; name: string; selfMs: number }[];
  } | null;
}

/** Milliseconds from microseconds, kept to the microsecond. */
export function usToMs(us: number): number {
  return Math.round(us) / 1000;
}

export function summarize(set: TraceSet): TraceSetSummary {
  let spans = 0;
  let errorSpans = 0;
  const used = new Uint8Array(set.services.length);
  let longest = -1;
  set.traces.forEach((t, i) => {
    spans += t.spanCount;
    errorSpans += t.errorCount;
    for (let s = 0; s < t.spanCount; s++) used[t.service[s]!] = 1;
    // Ties: the first trace in list order (earliest start) wins.
    if (longest < 0 || t.durationUs > set.traces[longest]!.durationUs) longest = i;
  });
  const services = set.services.filter((name, i) => used[i] && name !== '').sort();
  const lt = longest >= 0 ? set.traces[longest]! : undefined;
  return {
    traces: set.traces.length,
    spans,
    services,
    errorSpans,
    longestTrace: lt
      ? {
          traceId: lt.traceId,
          durationMs: usToMs(lt.durationUs),
          criticalPath: criticalPath(lt).map((e) => ({
            service: set.services[lt.service[e.span]!]!,
            name: set.names[lt.name[e.span]!]!,
            selfMs: usToMs(e.selfUs),
          })),
        }
      : null,
  };
}
