/** Messages between the page and the trace worker. */
import type { SpanDetail, TraceSet } from '../../../shared/traces/model';
import type { TraceListItem, TraceQuery, TraceSortKey } from '../../../shared/traces/search';
import type { TraceSetSummary } from '../../../shared/traces/summary';

export type WorkerIn =
  | { type: 'chunk'; file: string; text: string }
  | { type: 'file'; file: File }
  | { type: 'end' }
  | { type: 'detail'; id: number; trace: number; span: number }
  | { type: 'search'; id: number; query: TraceQuery; sort: TraceSortKey; descending: boolean };

export type WorkerOut =
  /** Sent once when the worker's code has loaded: a spare is ready to take a file. */
  | { type: 'ready' }
  | { type: 'progress'; label: string; done: number; total?: number; unit?: 'bytes' | 'files' | 'spans' }
  /** `phases`: milliseconds spent reading, parsing, importing... (shown to perf tests). */
  | { type: 'loaded'; set: TraceSet; summary: TraceSetSummary; phases: Record<string, number> }
  | { type: 'error'; message: string }
  | { type: 'reply'; id: number; result?: SpanDetail | TraceListItem[]; error?: string };
